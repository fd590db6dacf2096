#pragma once
// Generate panel (GANs): set up and run DCGAN or WGAN training on the Data panel's images on a
// worker thread (start / pause / stop), watch the discriminator/critic and generator losses and the
// Wasserstein estimate grow live, and the generator's galaxies from a fixed noise batch sharpen;
// a slider goes back through the saved snapshots. The Anomalies tab ranks the dataset by the
// critic's score (or a VAE run's reconstruction error). Runs trained by `deepfield-cli train
// --model dcgan|wgan|vae-latent` open here too.
#include <QWidget>
#include <functional>
#include <memory>
#include <vector>

#include "data/dataset.h"
#include "generative/gan.h"
#include "generative/vae.h"
#include "panels/generate/gan_session.h"

class QComboBox;
class QSpinBox;
class QDoubleSpinBox;
class QCheckBox;
class QPushButton;
class QLabel;
class QSlider;
class QTabWidget;

namespace deepfield::widgets {
class ImageTileGrid;
}

namespace deepfield::app {

class DataPanel;
class BackgroundTask;
class GanCurves;
class AnomalyView;

class GeneratePanel : public QWidget {
    Q_OBJECT
public:
    using DatasetSource = std::function<std::shared_ptr<const Dataset>()>;
    explicit GeneratePanel(DataPanel* data, QWidget* parent = nullptr);
    explicit GeneratePanel(DatasetSource data, QWidget* parent = nullptr);
    ~GeneratePanel() override;

    GanSetup setup() const;  // from the form
    void setSetup(const GanSetup& setup, int imageSize = 0, bool grey = false);
    // Starts training on the current dataset; false (and the reason in the status line) on failure.
    bool startTraining();
    void pauseTraining(bool on);
    void stopTraining();
    // Opens a run folder of `deepfield-cli train --model dcgan|wgan|vae-latent`; false with a message.
    bool openRun(const QString& path);
    // Scores the current dataset with the chosen model in the background; false if impossible now.
    bool rankDataset();
    void waitForRanking();

    GanSession* session() const { return session_; }
    const std::vector<GanSample>& snapshots() const { return snapshots_; }
    int shownSnapshot() const;  // index into snapshots(), −1 when none
    QSlider* snapshotSlider() const { return slider_; }
    widgets::ImageTileGrid* sampleGrid() const { return grid_; }
    GanCurves* curves() const { return curves_; }
    AnomalyView* anomalies() const { return anomalies_; }
    QTabWidget* tabs() const { return tabs_; }
    QString statusText() const;
    // The model the anomaly ranking uses, as a fresh copy (null when there is none): a critic, or a VAE.
    std::shared_ptr<Graph> scoringCritic() const;

private:
    struct Scorer;
    void build();
    void onKindChanged();
    void onUpdate();
    void onFinished(const QString& reason, bool failed);
    void showSnapshot(int index);
    void updateButtons();
    void addScorer(std::shared_ptr<Scorer> scorer);
    void updateStatisticChoice();
    void openRunDialog();
    std::shared_ptr<const Dataset> imagesFor(const Shape& modelShape, QString* error) const;

    DatasetSource data_;
    GanSession* session_;
    BackgroundTask* rankTask_;
    QComboBox* kind_;
    QSpinBox *criticSteps_, *generatorSteps_, *epochs_, *batch_, *seed_, *latent_, *filters_, *sampleEvery_,
        *samples_, *imageSize_;
    QDoubleSpinBox *lrG_, *lrD_, *smoothing_, *clip_;
    QCheckBox* grey_;
    QPushButton *start_, *pause_, *stop_, *open_;
    QLabel* status_;
    QTabWidget* tabs_;
    GanCurves* curves_;
    widgets::ImageTileGrid* grid_;
    QSlider* slider_;
    QLabel* snapshotLabel_;
    AnomalyView* anomalies_;

    std::vector<GanSample> snapshots_;
    int stepsDone_ = 0;
    bool wgan_ = false;
    std::vector<std::shared_ptr<Scorer>> scorers_;
    std::shared_ptr<std::vector<double>> rankResult_;
    std::shared_ptr<const Dataset> rankImages_;
    QString rankWhat_;
};

}  // namespace deepfield::app
