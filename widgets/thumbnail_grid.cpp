#include "thumbnail_grid.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPainter>
#include <QSortFilterProxyModel>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <vector>

#include "data/colormap.h"
#include "data/preprocess.h"
#include "data/stretch.h"

namespace deepfield::widgets {

namespace {
constexpr std::size_t kMaxPending = 600;  // older requests (scrolled past) are forgotten
constexpr int kBatch = 6;                 // thumbnails per job

QImage makePlaceholder(int size, bool failed) {
    QImage img(size, size, QImage::Format_ARGB32_Premultiplied);
    img.fill(Qt::transparent);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(128, 128, 128, 60));
    p.drawRoundedRect(QRectF(2, 2, size - 4, size - 4), 6, 6);
    if (failed) {
        p.setPen(QPen(QColor(200, 50, 40), 3));
        p.drawLine(QPointF(size * 0.3, size * 0.3), QPointF(size * 0.7, size * 0.7));
        p.drawLine(QPointF(size * 0.7, size * 0.3), QPointF(size * 0.3, size * 0.7));
    }
    return img;
}
}  // namespace

ThumbnailModel::ThumbnailModel(QObject* parent) : QAbstractListModel(parent) {
    // One core for the UI, the other for thumbnails: the machine may have only two.
    pool_.setMaxThreadCount(std::max(1, QThread::idealThreadCount() - 1));
    placeholder_ = makePlaceholder(size_, false);
}

ThumbnailModel::~ThumbnailModel() {
    pending_.clear();
    pool_.clear();
    pool_.waitForDone();
}

void ThumbnailModel::setThumbnailSize(int pixels) {
    beginResetModel();
    size_ = std::max(16, pixels);
    placeholder_ = makePlaceholder(size_, false);
    cache_.clear();
    pending_.clear();
    queued_.clear();
    ++generation_;
    endResetModel();
}

void ThumbnailModel::setImages(int count, Renderer renderer, QStringList labels, QStringList tooltips) {
    beginResetModel();
    count_ = count;
    renderer_ = std::make_shared<Renderer>(std::move(renderer));
    labels_ = std::move(labels);
    tooltips_ = std::move(tooltips);
    cache_.clear();
    pending_.clear();
    queued_.clear();
    ++generation_;  // results of jobs still running are dropped on arrival
    endResetModel();
}

int ThumbnailModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : count_; }

QVariant ThumbnailModel::data(const QModelIndex& index, int role) const {
    const int i = index.row();
    if (i < 0 || i >= count_) return {};
    switch (role) {
        case Qt::DecorationRole:
            if (const QImage* img = cache_.object(i)) return *img;
            request(i);
            return placeholder_;
        case ReadyRole: return cache_.contains(i);
        case Qt::DisplayRole:
        case LabelRole: return labels_.value(i);
        case Qt::ToolTipRole: return tooltips_.value(i, labels_.value(i));
        default: return {};
    }
}

void ThumbnailModel::request(int index) const {
    if (queued_.contains(index) || !renderer_ || !*renderer_) return;
    queued_.insert(index);
    pending_.push_back(index);
    while (pending_.size() > kMaxPending) {
        queued_.remove(pending_.front());
        pending_.pop_front();
    }
    schedule();
}

void ThumbnailModel::schedule() const {
    while (running_ < pool_.maxThreadCount() && !pending_.empty()) {
        QList<int> batch;
        while (batch.size() < kBatch && !pending_.empty()) {
            batch << pending_.back();  // newest first: what is on screen now
            pending_.pop_back();
        }
        ++running_;
        auto renderer = renderer_;
        const int generation = generation_, size = size_;
        auto* self = const_cast<ThumbnailModel*>(this);
        pool_.start([self, renderer, batch, generation, size] {
            QList<QPair<int, QImage>> out;
            for (int i : batch) {
                QImage img;
                try {
                    img = (*renderer)(i);
                } catch (const std::exception&) {
                    img = QImage();
                }
                if (img.isNull())
                    img = makePlaceholder(size, true);
                else if (img.width() > size || img.height() > size)
                    img = img.scaled(size, size, Qt::KeepAspectRatio, Qt::SmoothTransformation);
                out.append({i, img});
            }
            QMetaObject::invokeMethod(self, [self, generation, out] { self->deliver(generation, out); },
                                      Qt::QueuedConnection);
        });
    }
}

void ThumbnailModel::deliver(int generation, const QList<QPair<int, QImage>>& images) {
    --running_;
    if (generation == generation_) {
        int lo = count_, hi = -1;
        for (const auto& [i, img] : images) {
            cache_.insert(i, new QImage(img));
            queued_.remove(i);
            lo = std::min(lo, i);
            hi = std::max(hi, i);
        }
        if (hi >= lo) emit dataChanged(index(lo), index(hi), {Qt::DecorationRole, ReadyRole});
    }
    schedule();
}

ThumbnailGrid::ThumbnailGrid(QWidget* parent)
    : QWidget(parent), model_(new ThumbnailModel(this)), proxy_(new QSortFilterProxyModel(this)) {
    proxy_->setSourceModel(model_);
    proxy_->setFilterRole(ThumbnailModel::LabelRole);
    proxy_->setSortRole(ThumbnailModel::LabelRole);
    proxy_->setDynamicSortFilter(false);  // thumbnails arriving must not re-sort the list
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
    connect(view_, &QListView::clicked, this, [this](const QModelIndex& idx) { emit imageActivated(proxy_->mapToSource(idx).row()); });
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
    distinct.removeAll(QString());
    distinct.sort();
    const QSignalBlocker block(filter_);
    filter_->clear();
    filter_->addItem(tr("All labels"));
    filter_->addItems(distinct);
    proxy_->setFilterFixedString({});
    if (sort_->currentIndex() == 1) proxy_->sort(0);
}

void ThumbnailGrid::setLabelFilter(const QString& label) {
    proxy_->setFilterRegularExpression(label.isEmpty() ? QString() : "^" + QRegularExpression::escape(label) + "$");
    const int i = label.isEmpty() ? 0 : filter_->findText(label);
    if (i >= 0 && i != filter_->currentIndex()) {
        const QSignalBlocker block(filter_);
        filter_->setCurrentIndex(i);
    }
}

int ThumbnailGrid::visibleCount() const { return proxy_->rowCount(); }

QStringList ThumbnailGrid::labelChoices() const {
    QStringList out;
    for (int i = 1; i < filter_->count(); ++i) out << filter_->itemText(i);
    return out;
}

QImage thumbnailImage(const Image& image, int maxSide, bool channelsBlueFirst, bool eightBit) {
    const int c = image.channels(), h = image.height(), w = image.width();
    if (image.empty()) return {};
    // Shrink first (area average keeps the flux): the stretch then runs on few pixels.
    Tensor pixels = image.pixels;
    const bool hasBlank = image.hasBlank();
    if (maxSide > 0 && std::max(h, w) > maxSide && !hasBlank) {
        const double s = double(maxSide) / std::max(h, w);
        pixels = resizeImage(pixels, std::max(1, int(std::lround(h * s))), std::max(1, int(std::lround(w * s))));
    }
    const int ph = pixels.dim(1), pw = pixels.dim(2);
    const std::size_t plane = std::size_t(ph) * std::size_t(pw);
    IntervalSpec interval;
    StretchSpec stretch;
    if (eightBit) {
        interval.kind = IntervalKind::Manual;
        interval.manual = {0.0, 255.0};
    } else {
        // Black a little above the sky (70th percentile: median + ~0.5 sigma of the noise), white at
        // the brightest 0.2 %, a mild asinh between: the galaxy, not the noise.
        interval.kind = IntervalKind::Percentile;
        interval.lowerPercent = 70.0;
        interval.upperPercent = 99.8;
        stretch.kind = DisplayStretch::Asinh;
        stretch.a = 0.3;
    }
    const int shown = c >= 3 ? 3 : 1;
    std::vector<std::vector<float>> unit(static_cast<std::size_t>(shown));
    for (int k = 0; k < shown; ++k) {
        const int ch = c >= 3 && channelsBlueFirst ? 2 - k : k;  // k: red, green, blue
        const float* d = pixels.data() + std::size_t(ch) * plane;
        const std::uint8_t* m = hasBlank && pixels.size() == image.pixels.size() ? image.channelBlank(ch) : nullptr;
        const Interval iv = computeInterval(d, plane, m, interval);
        unit[std::size_t(k)] = applyStretch(d, plane, m, iv, stretch);
    }
    std::vector<std::uint8_t> rgb[3];
    for (int k = 0; k < shown; ++k) rgb[k] = applyColormap(unit[std::size_t(k)], Colormap::Grey, {0, 200, 255});
    QImage img(pw, ph, QImage::Format_RGB32);
    const bool flip = image.bottomUp;
    for (int y = 0; y < ph; ++y) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(flip ? ph - 1 - y : y));
        for (int x = 0; x < pw; ++x) {
            const std::size_t i = 3 * (std::size_t(y) * pw + x);
            line[x] = shown == 3 ? qRgb(rgb[0][i], rgb[1][i], rgb[2][i]) : qRgb(rgb[0][i], rgb[0][i + 1], rgb[0][i + 2]);
        }
    }
    return img;
}

QImage previewImage(const float* data, int channels, int height, int width) {
    Image img(channels, height, width);
    std::copy_n(data, img.pixels.size(), img.pixels.data());
    return thumbnailImage(img, 0, true, false);
}

}  // namespace deepfield::widgets
