#pragma once
// Image to image: what a U-Net or a bulge/disk network makes of held-out images. A model comes from
// a run folder (`deepfield-cli train --target mask|bulge-disk ...`) or from the studio's trained
// network; the images are simulated here with their true targets (clumps or bulge-disk, a seed the
// model has not seen) or taken from the Data panel when its targets are images. For each image:
// input (with the predicted mask's overlay and contour), ground truth, prediction and residual
// side by side with Dice / IoU; for bulge/disk the predicted bulge and disk, the residual and a
// scatter of predicted against true bulge-to-total ratio. The list browses the set sorted by score.
#include <QWidget>
#include <functional>
#include <memory>

#include "panels/image_to_image/image_pairs.h"

class QComboBox;
class QSpinBox;
class QPushButton;
class QLabel;
class QTableWidget;
class QCustomPlot;

namespace deepfield::widgets {
class ImageTileGrid;
class HistogramView;
}  // namespace deepfield::widgets

namespace deepfield::app {

class BackgroundTask;
class DataPanel;

class ImageToImagePanel : public QWidget {
    Q_OBJECT
public:
    using ModelSource = std::function<std::shared_ptr<Graph>()>;
    using DatasetSource = std::function<std::shared_ptr<const Dataset>()>;
    ImageToImagePanel(ModelSource studioModel, DatasetSource data, QWidget* parent = nullptr);
    ~ImageToImagePanel() override;

    bool openRun(const QString& path);  // false with the reason in the status line
    bool useStudioModel();
    void setModel(ImageModel model);
    const ImageModel& model() const { return model_; }
    // Evaluates on `count` simulated galaxies of seed `seed` (or on the Data panel's images) in the
    // background; waitForEvaluation() blocks until the view shows the result.
    bool evaluate();
    void setSimulation(int count, int seed);
    void setUseDataPanel(bool on);
    void waitForEvaluation();

    enum class SortOrder { Index, WorstFirst, BestFirst };
    void setSortOrder(SortOrder order);
    std::vector<int> browseOrder() const;  // image indices in the list's order
    void selectImage(int index);           // an image index (not a list row)
    int selectedImage() const { return selected_; }

    int imageCount() const { return pairs_.inputs.batch(); }
    Tensor input(int i) const;       // (1, C, H, W) as the model sees it
    Tensor target(int i) const;      // (1, C', H, W)
    Tensor prediction(int i) const;  // (1, C', H, W)
    const ImageScores& scores() const { return scores_; }
    widgets::ImageTileGrid* tiles() const { return tiles_; }
    QTableWidget* list() const { return list_; }
    QCustomPlot* scatter() const { return scatter_; }
    QString statusText() const;
    QString metricsText() const;

private:
    void build();
    void showScores();
    void fillList();
    void showSelected();
    void openRunDialog();

    ModelSource studioModel_;
    DatasetSource data_;
    BackgroundTask* task_;
    QPushButton *open_, *studio_, *evaluate_;
    QComboBox *source_, *sort_;
    QSpinBox *count_, *seed_;
    QLabel *modelLabel_, *status_, *metrics_;
    QTableWidget* list_;
    widgets::ImageTileGrid* tiles_;
    QCustomPlot* scatter_;
    widgets::HistogramView* diceHistogram_;

    ImageModel model_;
    ImagePairs pairs_;
    ImageScores scores_;
    std::shared_ptr<ImagePairs> pendingPairs_;
    std::shared_ptr<ImageScores> pendingScores_;
    int selected_ = -1;
    SortOrder order_ = SortOrder::WorstFirst;
};

}  // namespace deepfield::app
