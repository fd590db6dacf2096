#include "attribution_view.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace deepfield::widgets {

AttributionView::AttributionView(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setMinimumSize(200, 120);
}

void AttributionView::setImage(const QImage& image) {
    image_ = image.convertToFormat(QImage::Format_RGB32);
    update();
}

void AttributionView::setMap(const Tensor& map) {
    if (map.rank() == 3 && map.dim(0) == 1) {
        map_ = map;
        map_.reshape({map.dim(1), map.dim(2)});
    } else {
        map_ = map.rank() == 2 ? map : Tensor();
    }
    renderHeat();
}

void AttributionView::setOpacity(double opacity) {
    opacity_ = std::clamp(opacity, 0.0, 1.0);
    update();
}

void AttributionView::setColormap(Colormap map) {
    colormap_ = map;
    renderHeat();
}

void AttributionView::setSideBySide(bool on) {
    sideBySide_ = on;
    update();
}

void AttributionView::renderHeat() {
    heat_ = QImage();
    if (!map_.empty()) {
        const int H = map_.dim(0), W = map_.dim(1);
        const std::size_t n = map_.size();
        std::vector<float> unit;
        if (colormapInfo(colormap_).diverging) {
            unit = symmetricUnit(map_.data(), n);
        } else {
            unit.resize(n);
            float top = 0;
            for (std::size_t i = 0; i < n; ++i)
                if (std::isfinite(map_[i])) top = std::max(top, std::fabs(map_[i]));
            for (std::size_t i = 0; i < n; ++i) unit[i] = top > 0 ? std::fabs(map_[i]) / top : 0.0f;
        }
        std::vector<std::uint8_t> rgb(n * 3);
        applyColormap(unit.data(), n, colormap_, rgb.data());
        heat_ = QImage(W, H, QImage::Format_RGB32);
        for (int y = 0; y < H; ++y) {
            auto* line = reinterpret_cast<QRgb*>(heat_.scanLine(y));
            for (int x = 0; x < W; ++x) {
                const std::uint8_t* p = &rgb[(std::size_t(y) * W + x) * 3];
                line[x] = qRgb(p[0], p[1], p[2]);
            }
        }
    }
    update();
}

QImage AttributionView::overlayImage() const {
    if (heat_.isNull()) return image_;
    QImage out = image_.isNull() ? QImage(heat_.size(), QImage::Format_RGB32) : image_.scaled(heat_.size());
    if (image_.isNull()) out.fill(Qt::black);
    QPainter p(&out);
    p.setOpacity(opacity_);
    p.drawImage(0, 0, heat_);
    return out;
}

void AttributionView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    const QImage overlay = overlayImage();
    if (overlay.isNull()) {
        p.drawText(rect(), Qt::AlignCenter, tr("No image"));
        return;
    }
    const int panes = sideBySide_ && !heat_.isNull() ? 2 : 1;
    const int gap = 8;
    const int paneW = (width() - gap * (panes + 1)) / panes, paneH = height() - 2 * gap;
    auto fit = [&](const QImage& img, int pane) {
        const QSize s = img.size().scaled(paneW, paneH, Qt::KeepAspectRatio);
        const QRect r(gap + pane * (paneW + gap) + (paneW - s.width()) / 2, gap + (paneH - s.height()) / 2, s.width(), s.height());
        p.drawImage(r, img);  // nearest neighbour: pixels stay pixels
    };
    fit(overlay, 0);
    if (panes == 2) fit(heat_, 1);
}

}  // namespace deepfield::widgets
