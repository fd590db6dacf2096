#include "kernel_grid.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace deepfield::widgets {

namespace {
constexpr int kGap = 1;     // atlas pixels between kernels
constexpr int kMargin = 4;  // widget pixels around the grid
}  // namespace

KernelGrid::KernelGrid(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
}

void KernelGrid::setKernels(const Tensor& kernels) {
    kernels_ = kernels.rank() == 4 ? kernels : Tensor();
    rebuild();
}

void KernelGrid::setSharedScale(bool shared) {
    shared_ = shared;
    rebuild();
}

void KernelGrid::setZoom(int pixelsPerWeight) {
    zoom_ = std::clamp(pixelsPerWeight, 1, 64);
    updateGeometry();
    adjustSize();
    update();
}

void KernelGrid::setColormap(Colormap map) {
    map_ = map;
    rebuild();
}

double KernelGrid::limitFor(int filter) const {
    return filter >= 0 && filter < int(limits_.size()) ? limits_[std::size_t(filter)] : 0.0;
}

void KernelGrid::rebuild() {
    limits_.clear();
    atlas_ = QImage();
    if (kernels_.empty()) {
        updateGeometry();
        adjustSize();
        update();
        return;
    }
    const int F = kernels_.dim(0), C = kernels_.dim(1), kh = kernels_.dim(2), kw = kernels_.dim(3);
    const std::size_t per = std::size_t(C) * kh * kw;
    double all = 0;
    for (int f = 0; f < F; ++f) {
        double m = 0;
        for (std::size_t i = 0; i < per; ++i) m = std::max(m, double(std::fabs(kernels_.data()[f * per + i])));
        limits_.push_back(m);
        all = std::max(all, m);
    }
    if (shared_) std::fill(limits_.begin(), limits_.end(), all);
    atlas_ = QImage(C * (kw + kGap) - kGap, F * (kh + kGap) - kGap, QImage::Format_RGB32);
    atlas_.fill(palette().color(QPalette::Window));
    std::vector<std::uint8_t> rgb(std::size_t(kh) * kw * 3);
    for (int f = 0; f < F; ++f)
        for (int c = 0; c < C; ++c) {
            const float* w = kernels_.data() + f * per + std::size_t(c) * kh * kw;
            // A filter of zeros (limit 0) shows as the map's centre, white.
            const std::vector<float> unit = symmetricUnit(w, std::size_t(kh) * kw, limits_[std::size_t(f)] > 0 ? limits_[std::size_t(f)] : 1.0);
            applyColormap(unit.data(), unit.size(), map_, rgb.data());
            for (int y = 0; y < kh; ++y) {
                auto* line = reinterpret_cast<QRgb*>(atlas_.scanLine(f * (kh + kGap) + y));
                for (int x = 0; x < kw; ++x) {
                    const std::uint8_t* p = &rgb[(std::size_t(y) * kw + x) * 3];
                    line[c * (kw + kGap) + x] = qRgb(p[0], p[1], p[2]);
                }
            }
        }
    updateGeometry();
    adjustSize();
    update();
}

QImage KernelGrid::kernelImage(int filter, int channel) const {
    if (atlas_.isNull()) return {};
    const int kh = kernels_.dim(2), kw = kernels_.dim(3);
    return atlas_.copy(channel * (kw + kGap), filter * (kh + kGap), kw, kh);
}

QRect KernelGrid::cellRect(int filter, int channel) const {
    const int kh = kernels_.dim(2), kw = kernels_.dim(3);
    return QRect(kMargin + channel * (kw + kGap) * zoom_, kMargin + filter * (kh + kGap) * zoom_, kw * zoom_, kh * zoom_);
}

QPoint KernelGrid::kernelAt(QPoint pos) const {
    if (kernels_.empty()) return {-1, -1};
    for (int f = 0; f < kernels_.dim(0); ++f)
        for (int c = 0; c < kernels_.dim(1); ++c)
            if (cellRect(f, c).contains(pos)) return {f, c};
    return {-1, -1};
}

QSize KernelGrid::sizeHint() const {
    if (atlas_.isNull()) return {120, 60};
    return atlas_.size() * zoom_ + QSize(2 * kMargin, 2 * kMargin);
}

void KernelGrid::paintEvent(QPaintEvent*) {
    QPainter p(this);
    if (atlas_.isNull()) {
        p.drawText(rect(), Qt::AlignCenter, tr("No kernels"));
        return;
    }
    // Nearest-neighbour: every weight stays a crisp square.
    p.drawImage(QRect(QPoint(kMargin, kMargin), atlas_.size() * zoom_), atlas_);
}

void KernelGrid::mouseMoveEvent(QMouseEvent* e) {
    const QPoint fc = kernelAt(e->position().toPoint());
    if (fc.x() < 0) return;
    const int kh = kernels_.dim(2), kw = kernels_.dim(3);
    const QRect r = cellRect(fc.x(), fc.y());
    const int y = (e->position().toPoint().y() - r.top()) / zoom_, x = (e->position().toPoint().x() - r.left()) / zoom_;
    const float w = kernels_.data()[((std::size_t(fc.x()) * kernels_.dim(1) + fc.y()) * kh + y) * kw + x];
    emit kernelHovered(tr("filter %1, channel %2, (%3, %4): %5").arg(fc.x()).arg(fc.y()).arg(y).arg(x).arg(double(w), 0, 'g', 4));
}

}  // namespace deepfield::widgets
