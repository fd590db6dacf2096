#pragma once
// Thumbnail grid for image datasets: a model/view list whose thumbnails are made off the UI
// thread. A visible item without a thumbnail shows a placeholder and queues its index; a thread
// pool renders the most recently requested indices first (the ones on screen) in small batches
// and hands the images back through queued calls, so ten thousand galaxies scroll smoothly.
// Filter by label and by conditions on any label column ("bt > 0.5", "class_name = spiral");
// sort by the label or by any label column (numerically when every value is a number).
#include <QAbstractListModel>
#include <QCache>
#include <QImage>
#include <QSet>
#include <QThreadPool>
#include <QVector>
#include <QWidget>
#include <deque>
#include <functional>
#include <memory>

#include "data/image.h"

class QListView;
class QComboBox;
class QSortFilterProxyModel;
class QLineEdit;

namespace deepfield::widgets {

class LabelFilterProxy;

class ThumbnailModel : public QAbstractListModel {
    Q_OBJECT
public:
    // Renders image i as a QImage (any size: it is scaled to the thumbnail size in the worker).
    // Called on worker threads, possibly several at once: it must be thread-safe.
    using Renderer = std::function<QImage(int index)>;
    explicit ThumbnailModel(QObject* parent = nullptr);
    ~ThumbnailModel() override;  // waits for running jobs
    void setImages(int count, Renderer renderer, QStringList labels, QStringList tooltips = {});
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    static constexpr int LabelRole = Qt::UserRole + 1;
    static constexpr int ReadyRole = Qt::UserRole + 2;  // true once the thumbnail is rendered

    // Label columns (e.g. a labels CSV or the simulator's truths): names and, per column, one
    // text per image. A column whose values all parse as numbers sorts and compares numerically.
    void setLabelColumns(const QStringList& names, const QVector<QStringList>& values);
    const QStringList& columnNames() const { return columnNames_; }
    int columnIndex(const QString& name) const { return int(columnNames_.indexOf(name)); }
    bool isNumericColumn(int column) const { return numeric_.value(column); }
    QString columnText(int column, int row) const { return columnText_.value(column).value(row); }
    double columnNumber(int column, int row) const;  // NaN when not a number
    QString label(int row) const { return labels_.value(row); }

    void setThumbnailSize(int pixels);
    int thumbnailSize() const { return size_; }
    bool isReady(int index) const { return cache_.contains(index); }
    int pendingCount() const { return int(pending_.size()) + running_; }
    QImage placeholder() const { return placeholder_; }

private:
    void request(int index) const;
    void schedule() const;
    void deliver(int generation, const QList<QPair<int, QImage>>& images);

    int count_ = 0;
    std::shared_ptr<Renderer> renderer_;
    QStringList labels_, tooltips_;
    QStringList columnNames_;
    QVector<QStringList> columnText_;
    QVector<bool> numeric_;
    std::vector<std::vector<double>> columnNumbers_;
    int size_ = 72;
    QImage placeholder_;
    int generation_ = 0;
    mutable QCache<int, QImage> cache_{3000};
    mutable std::deque<int> pending_;  // newest last
    mutable QSet<int> queued_;
    mutable int running_ = 0;
    mutable QThreadPool pool_;
};

class ThumbnailGrid : public QWidget {
    Q_OBJECT
public:
    explicit ThumbnailGrid(QWidget* parent = nullptr);
    void setImages(int count, ThumbnailModel::Renderer renderer, const QStringList& labels,
                   const QStringList& tooltips = {});
    void setLabelFilter(const QString& label);  // empty: all
    // Label columns for sorting and conditions (see ThumbnailModel::setLabelColumns).
    void setLabelColumns(const QStringList& names, const QVector<QStringList>& values);
    // Sort by "" (file order), "label" (the class label) or a label column.
    void sortBy(const QString& column, Qt::SortOrder order = Qt::AscendingOrder);
    QStringList sortChoices() const;  // "", "label", then the columns
    // Conditions joined by "and" or ",": `column op value` with op one of = != < <= > >=
    // (numbers compare numerically; = on text is exact). Empty clears. Returns "" or the error.
    QString setCondition(const QString& expression);
    int visibleCount() const;
    int sourceRow(int visibleRow) const;  // the image index shown at a position of the grid
    QListView* view() const { return view_; }
    ThumbnailModel* model() const { return model_; }
    QStringList labelChoices() const;  // the filter's entries after "All labels"

signals:
    void imageActivated(int index);  // clicked or activated (Enter, double-click)

private:
    ThumbnailModel* model_;
    LabelFilterProxy* proxy_;
    QListView* view_;
    QComboBox* filter_;
    QComboBox* sort_;
    QComboBox* order_;
    QLineEdit* condition_;
};

// Thumbnail of an image through the engine's display stretch (engine/data/stretch.h) and grey
// colour map: shrunk to at most maxSide pixels (area average) first, then per channel an asinh
// stretch (a = 0.3) from the 70th percentile (just above the sky) to the 99.8th; 8-bit images (PNG, JPEG) are shown
// as stored (linear 0..255). Three channels make a colour image: as red, green, blue in storage
// order, or reversed when the bands run from blue to red (g, r, i cubes).
QImage thumbnailImage(const Image& image, int maxSide, bool channelsBlueFirst, bool eightBit);
// Same for a (C, H, W) float sample (bands blue to red, not 8-bit), full size.
QImage previewImage(const float* data, int channels, int height, int width);

}  // namespace deepfield::widgets
