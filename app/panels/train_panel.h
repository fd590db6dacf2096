#pragma once
// Train panel: loss, optimizer and hyper-parameters; Start / Pause / Resume / Stop / Step;
// progress with speed and time remaining; live learning curves. It shows what it is given
// and emits what the user asked for; the main window runs the training.
#include <QElapsedTimer>
#include <QWidget>

#include "train/optimizer.h"
#include "train/trainer.h"

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;
class QPushButton;
class QProgressBar;
class QLabel;
class QCheckBox;

namespace deepfield::widgets {
class LearningCurvePlot;
}

namespace deepfield::app {

struct TrainSettings {
    std::string loss = "sparse_categorical_crossentropy";
    std::string optimizer = "adam";
    OptimizerOptions optimizerOptions;
    TrainOptions options;
    // Kernel initializer for every weighted layer: "network" keeps each layer's own choice.
    std::string initializer = "network";
    Json toJson() const;
    static TrainSettings fromJson(const Json& j);
};

class TrainPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainPanel(QWidget* parent = nullptr);

    TrainSettings settings() const;
    void setSettings(const TrainSettings& s);
    void setRunning(bool running, bool paused = false);
    void setCanTrain(bool ok, const QString& why = {});  // disables Start with a reason
    void resetProgress(int epochs);
    void showBatches(const QVector<double>& x, const QVector<double>& loss, const BatchStats& last);
    void showEpoch(const EpochStats& stats);
    void showMessage(const QString& text, bool error = false);
    // What the data asks the network to learn: "" (class labels or a table target) or an image
    // target (mask, bulge-disk, central, sharp). Offers the matching losses (per-pixel binary
    // cross-entropy and Dice for masks; mse, mae, huber for images) and metrics (dice, iou,
    // pixel_accuracy; mae, rmse).
    void setImageTarget(const std::string& target);
    QStringList lossChoices() const;
    bool canStart() const;      // the Train button is enabled
    QString statusText() const;  // the line under the progress bar (why training cannot start)
    widgets::LearningCurvePlot* curves() const { return curves_; }

signals:
    void startRequested();
    void pauseRequested();
    void resumeRequested();
    void stopRequested();
    void stepRequested();
    void settingsChanged();

private:
    QComboBox *loss_, *optimizer_, *schedule_, *initializer_;
    QDoubleSpinBox *lr_, *validationSplit_;
    QSpinBox *batchSize_, *epochs_, *seed_, *patience_;
    QPushButton *start_, *pause_, *stop_, *step_;
    QProgressBar* progress_;
    QLabel *status_, *message_;
    widgets::LearningCurvePlot* curves_;
    int totalEpochs_ = 1;
    QElapsedTimer elapsed_;
    bool paused_ = false;
    std::string imageTarget_;
    std::string preferredLoss_ = "sparse_categorical_crossentropy";  // kept across loss-list changes
};

}  // namespace deepfield::app
