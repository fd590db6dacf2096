#pragma once
// Data panel: choose a data source (simulated galaxies, a table CSV, an image folder), load
// it in the background with progress and cancel, browse the images as thumbnails, and see
// the class balance. It hands datasets to whoever asks; it never trains.
#include <QWidget>
#include <memory>

#include "core/json.h"
#include "core/tensor.h"
#include "data/dataset.h"

class QComboBox;
class QSpinBox;
class QLineEdit;
class QPushButton;
class QProgressBar;
class QLabel;
class QStackedWidget;
class QTabWidget;

namespace QtCharts {}
class QChartView;

namespace deepfield::widgets {
class ThumbnailGrid;
}

namespace deepfield::app {

class BackgroundTask;

// What a loaded source provides: inputs (N, ...) and targets (N, 1) in memory.
struct LoadedData {
    std::shared_ptr<TensorDataset> data;
    QStringList classNames;  // empty for regression
    std::vector<int> labels;  // per sample, for stratified splits and the grid (classification)
    bool standardize = false;  // tables: standardise inputs with the training split's statistics
};

class DataPanel : public QWidget {
    Q_OBJECT
public:
    explicit DataPanel(QWidget* parent = nullptr);
    ~DataPanel() override;

    static Json builtInExampleSource();
    Json source() const;
    // Shows the source's settings and loads it in the background.
    void setSource(const Json& source);
    bool isLoading() const;
    void waitUntilLoaded();  // for tests and scripted runs

    bool hasDataset(QString* why = nullptr) const;
    Shape inputShape() const;
    int classCount() const;
    QStringList classNames() const;
    int sampleCount() const;
    // Training and validation sets: stratified by class, reproducible by seed.
    std::pair<std::shared_ptr<const Dataset>, std::shared_ptr<const Dataset>> split(double validationFraction,
                                                                                    std::uint64_t seed) const;
    widgets::ThumbnailGrid* thumbnails() const { return grid_; }

signals:
    void sourceChanged();
    void datasetChanged();

private:
    void load();
    void showLoaded();
    Json sourceFromForm() const;
    void showSourceInForm(const Json& source);

    QComboBox* kind_;
    QStackedWidget* forms_;
    QComboBox* simKind_;
    QSpinBox *simCount_, *simSize_, *simSeed_;
    QLineEdit *simBands_, *tablePath_, *tableFeatures_, *tableTarget_;
    QPushButton *loadButton_, *cancelButton_;
    QProgressBar* progress_;
    QLabel* summary_;
    QTabWidget* views_;
    widgets::ThumbnailGrid* grid_;
    QChartView* balance_;
    BackgroundTask* task_;
    Json source_;
    std::shared_ptr<LoadedData> loaded_, pending_;
};

}  // namespace deepfield::app
