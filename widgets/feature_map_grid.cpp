#include "feature_map_grid.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>
#include <numeric>

namespace deepfield::widgets {

namespace {
constexpr int kGap = 6;
constexpr int kLabel = 16;  // text line under each tile
}  // namespace

FeatureMapGrid::FeatureMapGrid(QWidget* parent) : QWidget(parent) {
    QSizePolicy p(QSizePolicy::Preferred, QSizePolicy::Preferred);
    p.setHeightForWidth(true);
    setSizePolicy(p);
}

void FeatureMapGrid::setMaps(const Tensor& maps) {
    maps_ = maps.rank() == 3 ? maps : Tensor();
    rebuild();
}

void FeatureMapGrid::setSortByMean(bool on) {
    sorted_ = on;
    reorder();
}

void FeatureMapGrid::setTileSize(int pixels) {
    tileSide_ = std::clamp(pixels, 16, 512);
    updateGeometry();
    update();
}

void FeatureMapGrid::setColormap(Colormap map) {
    map_ = map;
    rebuild();
}

void FeatureMapGrid::rebuild() {
    tiles_.clear();
    means_.clear();
    if (!maps_.empty()) {
        const int K = maps_.dim(0), h = maps_.dim(1), w = maps_.dim(2);
        const std::size_t S = std::size_t(h) * w;
        std::vector<float> unit(S);
        std::vector<std::uint8_t> rgb(S * 3);
        for (int k = 0; k < K; ++k) {
            const float* a = maps_.data() + k * S;
            const auto [lo, hi] = std::minmax_element(a, a + S);
            double sum = 0;
            for (std::size_t i = 0; i < S; ++i) sum += a[i];
            means_.push_back(float(sum / double(S)));
            const float range = *hi - *lo;
            for (std::size_t i = 0; i < S; ++i) unit[i] = range > 0 ? (a[i] - *lo) / range : 0.0f;
            applyColormap(unit.data(), S, map_, rgb.data());
            QImage img(w, h, QImage::Format_RGB32);
            for (int y = 0; y < h; ++y) {
                auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
                for (int x = 0; x < w; ++x) {
                    const std::uint8_t* p = &rgb[(std::size_t(y) * w + x) * 3];
                    line[x] = qRgb(p[0], p[1], p[2]);
                }
            }
            tiles_.push_back(img);
        }
    }
    reorder();
}

void FeatureMapGrid::reorder() {
    order_.resize(tiles_.size());
    std::iota(order_.begin(), order_.end(), 0);
    if (sorted_) std::stable_sort(order_.begin(), order_.end(), [this](int a, int b) { return means_[std::size_t(a)] > means_[std::size_t(b)]; });
    updateGeometry();
    update();
}

QSize FeatureMapGrid::tileSize() const {
    if (maps_.empty()) return {tileSide_, tileSide_};
    const int h = maps_.dim(1), w = maps_.dim(2);
    const double s = double(tileSide_) / std::max(h, w);
    return {std::max(1, int(w * s)), std::max(1, int(h * s))};
}

int FeatureMapGrid::columns(int width) const { return std::max(1, (width - kGap) / (tileSize().width() + kGap)); }

QRect FeatureMapGrid::tileRect(int position) const {
    const QSize t = tileSize();
    const int cols = columns(width());
    return QRect(kGap + (position % cols) * (t.width() + kGap), kGap + (position / cols) * (t.height() + kLabel + kGap), t.width(),
                 t.height());
}

int FeatureMapGrid::heightForWidth(int width) const {
    const int n = int(tiles_.size());
    const int rows = (n + columns(width) - 1) / columns(width);
    return kGap + rows * (tileSize().height() + kLabel + kGap);
}

QSize FeatureMapGrid::sizeHint() const {
    const int w = 4 * (tileSize().width() + kGap) + kGap;
    return {w, heightForWidth(w)};
}

int FeatureMapGrid::channelAt(QPoint pos) const {
    for (int i = 0; i < int(order_.size()); ++i)
        if (tileRect(i).contains(pos)) return order_[std::size_t(i)];
    return -1;
}

void FeatureMapGrid::paintEvent(QPaintEvent*) {
    QPainter p(this);
    if (tiles_.empty()) {
        p.drawText(rect(), Qt::AlignCenter, tr("No feature maps"));
        return;
    }
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(f);
    for (int i = 0; i < int(order_.size()); ++i) {
        const int k = order_[std::size_t(i)];
        const QRect r = tileRect(i);
        p.drawImage(r, tiles_[std::size_t(k)]);
        p.drawText(QRect(r.left(), r.bottom() + 1, r.width() + kGap, kLabel), Qt::AlignLeft | Qt::AlignVCenter,
                   QString("%1 · %2").arg(k).arg(double(means_[std::size_t(k)]), 0, 'g', 3));
    }
}

void FeatureMapGrid::mousePressEvent(QMouseEvent* e) {
    const int k = channelAt(e->position().toPoint());
    if (k >= 0) emit channelClicked(k);
}

void FeatureMapGrid::resizeEvent(QResizeEvent*) { update(); }

}  // namespace deepfield::widgets
