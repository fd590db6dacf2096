#pragma once
// Data panel: choose a data source (simulated galaxies, a table CSV, a folder of images with a
// labels CSV, or a single FITS / PNG / JPEG image), load it in the background with progress
// and cancel, browse the images as thumbnails, inspect one in the image view (stretch, colour
// map, pixel values, RA/Dec, FITS header, histogram), and see the dataset summary (class
// balance, value histogram, split sizes, augmentation preview). It hands datasets to whoever
// asks; it never trains.
#include <QVector>
#include <QWidget>
#include <memory>

#include "core/json.h"
#include "core/tensor.h"
#include "data/dataset.h"
#include "data/fits.h"
#include "data/image.h"
#include "data/image_folder.h"
#include "data/wcs.h"

class QCheckBox;
class QComboBox;
class QSpinBox;
class QLineEdit;
class QPushButton;
class QProgressBar;
class QLabel;
class QStackedWidget;
class QTabWidget;
class QGridLayout;

namespace QtCharts {}
class QChartView;
class QChart;

namespace deepfield::widgets {
class ThumbnailGrid;
class ImageView;
class ImageControls;
class HeaderTable;
class HistogramView;
}  // namespace deepfield::widgets

namespace deepfield::app {

class BackgroundTask;

// What a loaded source provides: inputs (N, ...) and targets (N, 1).
struct LoadedData {
    std::shared_ptr<const Dataset> data;
    std::shared_ptr<const TensorDataset> tensors;  // in-memory sources (simulated, table); else null
    QStringList classNames;   // empty for regression
    std::vector<int> labels;  // per sample, for stratified splits and the grid (classification)
    bool standardize = false;  // tables: standardise inputs with the training split's statistics
    std::vector<std::string> files;     // image folders: the file of each sample
    std::vector<SkippedFile> skipped;   // image folders: unreadable files left out
    bool blueFirst = true;              // 3-channel samples run blue to red (simulated g, r, i)
    QString origin;                     // e.g. "folder 'gz1-sdss'"
    std::string imageTarget;            // simulated sets: mask, bulge-disk, central, sharp; "" = class labels
    QStringList columnNames;            // label columns (labels.csv, simulator truths) for the grid
    QVector<QStringList> columnValues;  // per column, one text per sample
};

// One image opened for viewing (a file or a dataset sample).
struct OpenedImage {
    QString path;  // empty for dataset samples
    QString title;
    std::shared_ptr<const Image> image;
    std::shared_ptr<const Wcs> wcs;
    std::vector<FitsCard> cards;  // FITS only
    QStringList channelNames;
    bool blueFirst = false;
};

class DataPanel : public QWidget {
    Q_OBJECT
public:
    explicit DataPanel(QWidget* parent = nullptr);
    ~DataPanel() override;

    static Json builtInExampleSource();
    // Kinds: "simulated" {sim_kind, count, size, bands, seed, target: class | mask | bulge-disk |
    // central | sharp}, "table", "folder" {path, crop, image_size, grey, bands, stretch,
    // target}, "image" {path, interval, stretch, colormap}.
    Json source() const;
    // Shows the source's settings and loads it in the background.
    void setSource(const Json& source);
    bool isLoading() const;
    void waitUntilLoaded();  // for tests and scripted runs (the image view's file too)

    bool hasDataset(QString* why = nullptr) const;
    Shape inputShape() const;
    int classCount() const;  // 0 for regression and image targets
    // The image target of the loaded set ("" when it learns class labels or a table target) and
    // the per-sample shape of its targets.
    std::string imageTarget() const;
    Shape targetShape() const;
    QStringList classNames() const;
    int sampleCount() const;
    // The whole loaded set (null while nothing is loaded); other panels read samples from it.
    std::shared_ptr<const Dataset> dataset() const;
    // Training and validation sets: stratified by class, reproducible by seed.
    std::pair<std::shared_ptr<const Dataset>, std::shared_ptr<const Dataset>> split(double validationFraction,
                                                                                    std::uint64_t seed) const;
    widgets::ThumbnailGrid* thumbnails() const { return grid_; }

    // Image side.
    void openImageFile(const QString& path);  // shows a file in the image view (source unchanged)
    void openSample(int index);               // shows dataset sample `index` (its file for folders)
    widgets::ImageView* imageView() const { return imageView_; }
    widgets::ImageControls* imageControls() const { return imageControls_; }
    widgets::HeaderTable* headerTable() const { return header_; }
    widgets::HistogramView* imageHistogram() const { return imageHistogram_; }
    widgets::HistogramView* datasetHistogram() const { return datasetHistogram_; }
    QTabWidget* views() const { return views_; }
    QString summaryText() const;    // the status line (errors name the file)
    QString splitText() const;      // "training N · validation M"
    QStringList skippedFiles() const;
    int augmentationPreviewCount() const;
    // The Train panel's validation split, for the split sizes shown in the summary.
    void setValidationSplit(double fraction);

signals:
    void sourceChanged();
    void datasetChanged();
    void imageOpened(const QString& title);

protected:
    void changeEvent(QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void load();
    void showLoaded();
    void showImage(const OpenedImage& opened);
    void showError(const QString& message);
    void updateSummaryTab();
    void themeChart(QChart* chart) const;
    void updateAugmentationPreview();
    void updateImageHistogram();
    Json sourceFromForm() const;
    void showSourceInForm(const Json& source);
    void openPath(const QString& path);  // drop / dialog: a folder or an image file becomes the source

    QComboBox* kind_;
    QStackedWidget* forms_;
    QComboBox *simKind_, *simTarget_;
    QSpinBox *simCount_, *simSize_, *simSeed_;
    QLineEdit *simBands_, *tablePath_, *tableFeatures_, *tableTarget_;
    QLineEdit *imagePath_, *folderPath_, *folderCrop_, *folderBands_, *folderTarget_;
    QSpinBox* folderSize_;
    QCheckBox* folderGrey_;
    QComboBox* folderStretch_;
    QPushButton *loadButton_, *cancelButton_;
    QProgressBar* progress_;
    QLabel* summary_;
    QTabWidget* views_;
    widgets::ThumbnailGrid* grid_;
    QChartView* balance_ = nullptr;  // changeEvent may come before it exists
    QWidget* imagePage_;
    widgets::ImageView* imageView_;
    widgets::ImageControls* imageControls_;
    widgets::HeaderTable* header_;
    widgets::HistogramView* imageHistogram_;
    QTabWidget* imageSide_;
    QLabel* imageTitle_;
    QWidget* summaryPage_;
    QLabel* splitLabel_;
    widgets::HistogramView* datasetHistogram_;
    QLineEdit* augmentSpec_;
    QGridLayout* augmentGrid_;
    QLabel* augmentNote_;
    BackgroundTask* task_;
    BackgroundTask* imageTask_;
    Json source_ = Json::object();  // never null: callers read fields with value()
    std::shared_ptr<LoadedData> loaded_, pending_;
    std::shared_ptr<OpenedImage> pendingImage_;
    QString imageTaskPath_;
    double validationSplit_ = 0.2;
    int previewSample_ = 0;
    const Image* histogramImage_ = nullptr;  // what the image histogram shows
    int histogramBand_ = -1;
    // A large image's histogram, sampled on a worker: the result and its label until delivered.
    struct SampledHistogram;  // data_panel.cpp
    BackgroundTask* histogramTask_;
    std::shared_ptr<SampledHistogram> pendingHistogram_;
    QString pendingHistogramLabel_;
};

}  // namespace deepfield::app
