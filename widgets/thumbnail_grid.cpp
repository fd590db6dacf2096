#include "thumbnail_grid.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QSortFilterProxyModel>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <vector>

namespace deepfield::widgets {

ThumbnailModel::ThumbnailModel(QObject* parent) : QAbstractListModel(parent) {}

void ThumbnailModel::setImages(int count, Renderer renderer, QStringList labels, QStringList tooltips) {
    beginResetModel();
    count_ = count;
    renderer_ = std::move(renderer);
    labels_ = std::move(labels);
    tooltips_ = std::move(tooltips);
    cache_.clear();
    endResetModel();
}

int ThumbnailModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : count_; }

QVariant ThumbnailModel::data(const QModelIndex& index, int role) const {
    const int i = index.row();
    if (i < 0 || i >= count_) return {};
    switch (role) {
        case Qt::DecorationRole: {
            if (QImage* img = cache_.object(i)) return *img;
            auto* img = new QImage(renderer_ ? renderer_(i) : QImage());
            const QImage copy = *img;
            cache_.insert(i, img);
            return copy;
        }
        case Qt::DisplayRole:
        case LabelRole: return labels_.value(i);
        case Qt::ToolTipRole: return tooltips_.value(i, labels_.value(i));
        default: return {};
    }
}

ThumbnailGrid::ThumbnailGrid(QWidget* parent)
    : QWidget(parent), model_(new ThumbnailModel(this)), proxy_(new QSortFilterProxyModel(this)) {
    proxy_->setSourceModel(model_);
    proxy_->setFilterRole(ThumbnailModel::LabelRole);
    proxy_->setSortRole(ThumbnailModel::LabelRole);
    view_ = new QListView(this);
    view_->setModel(proxy_);
    view_->setViewMode(QListView::IconMode);
    view_->setIconSize(QSize(72, 72));
    view_->setGridSize(QSize(90, 100));
    view_->setUniformItemSizes(true);  // layout without asking every item for its size
    view_->setResizeMode(QListView::Adjust);
    view_->setMovement(QListView::Static);
    view_->setLayoutMode(QListView::Batched);
    view_->setBatchSize(200);
    filter_ = new QComboBox(this);
    sort_ = new QComboBox(this);
    sort_->addItems({tr("File order"), tr("By label")});
    connect(filter_, &QComboBox::currentIndexChanged, this, [this](int i) { setLabelFilter(i <= 0 ? QString() : filter_->itemText(i)); });
    connect(sort_, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i == 0) proxy_->sort(-1);
        else proxy_->sort(0);
    });
    connect(view_, &QListView::activated, this, [this](const QModelIndex& idx) { emit imageActivated(proxy_->mapToSource(idx).row()); });
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Show"), this));
    bar->addWidget(filter_, 1);
    bar->addWidget(new QLabel(tr("Sort"), this));
    bar->addWidget(sort_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(view_, 1);
}

void ThumbnailGrid::setImages(int count, ThumbnailModel::Renderer renderer, const QStringList& labels,
                              const QStringList& tooltips) {
    model_->setImages(count, std::move(renderer), labels, tooltips);
    QStringList distinct = labels;
    distinct.removeDuplicates();
    distinct.sort();
    const QSignalBlocker block(filter_);
    filter_->clear();
    filter_->addItem(tr("All labels"));
    filter_->addItems(distinct);
    proxy_->setFilterFixedString({});
}

void ThumbnailGrid::setLabelFilter(const QString& label) {
    proxy_->setFilterRegularExpression(label.isEmpty() ? QString() : "^" + QRegularExpression::escape(label) + "$");
}

int ThumbnailGrid::visibleCount() const { return proxy_->rowCount(); }

QImage previewImage(const float* data, int channels, int height, int width) {
    const std::size_t plane = std::size_t(height) * width;
    std::vector<float> v(data, data + plane * std::size_t(channels));
    v.erase(std::remove_if(v.begin(), v.end(), [](float x) { return !std::isfinite(x); }), v.end());
    if (v.empty()) return QImage(width, height, QImage::Format_RGB32);
    auto pct = [&](double p) {
        const std::size_t k = std::min(v.size() - 1, std::size_t(p * (v.size() - 1)));
        std::nth_element(v.begin(), v.begin() + long(k), v.end());
        return v[k];
    };
    const float lo = pct(0.005), hi = pct(0.995);
    const float range = std::max(hi - lo, 1e-12f);
    const float soft = 0.1f;  // asinh softening as a share of the range
    const float norm = std::asinh(1.0f / soft);
    auto level = [&](float x) {
        if (!std::isfinite(x)) return 0;
        const float t = std::clamp((x - lo) / range, 0.0f, 1.0f);
        return int(255.0f * std::asinh(t / soft) / norm + 0.5f);
    };
    QImage img(width, height, QImage::Format_RGB32);
    for (int y = 0; y < height; ++y) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
        for (int x = 0; x < width; ++x) {
            const std::size_t i = std::size_t(y) * width + x;
            if (channels >= 3) {
                // Bands are ordered blue to red (g, r, i): show the reddest as red.
                line[x] = qRgb(level(data[2 * plane + i]), level(data[plane + i]), level(data[i]));
            } else {
                const int g = level(data[i]);
                line[x] = qRgb(g, g, g);
            }
        }
    }
    return img;
}

}  // namespace deepfield::widgets
