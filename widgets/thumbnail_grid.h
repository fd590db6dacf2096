#pragma once
// Thumbnail grid for image datasets: a model/view list that renders thumbnails on demand
// and caches them, so ten thousand galaxies scroll smoothly. Filter by label, sort by label.
#include <QAbstractListModel>
#include <QCache>
#include <QImage>
#include <QWidget>
#include <functional>

class QListView;
class QComboBox;
class QSortFilterProxyModel;

namespace deepfield::widgets {

class ThumbnailModel : public QAbstractListModel {
    Q_OBJECT
public:
    // Renders image i as a QImage (any size; the view scales it).
    using Renderer = std::function<QImage(int index)>;
    explicit ThumbnailModel(QObject* parent = nullptr);
    void setImages(int count, Renderer renderer, QStringList labels, QStringList tooltips = {});
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    static constexpr int LabelRole = Qt::UserRole + 1;

private:
    int count_ = 0;
    Renderer renderer_;
    QStringList labels_, tooltips_;
    mutable QCache<int, QImage> cache_{4000};
};

class ThumbnailGrid : public QWidget {
    Q_OBJECT
public:
    explicit ThumbnailGrid(QWidget* parent = nullptr);
    void setImages(int count, ThumbnailModel::Renderer renderer, const QStringList& labels,
                   const QStringList& tooltips = {});
    void setLabelFilter(const QString& label);  // empty: all
    int visibleCount() const;
    QListView* view() const { return view_; }

signals:
    void imageActivated(int index);

private:
    ThumbnailModel* model_;
    QSortFilterProxyModel* proxy_;
    QListView* view_;
    QComboBox* filter_;
    QComboBox* sort_;
};

// Grey or RGB preview of a (C, H, W) float image with a per-image asinh stretch
// between the 0.5 and 99.5 percentiles (the usual quick look at astronomical data).
QImage previewImage(const float* data, int channels, int height, int width);

}  // namespace deepfield::widgets
