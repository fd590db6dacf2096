#include "latent_image.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace deepfield::app {

QImage latentImage(const float* data, int c, int h, int w) {
    const std::size_t n = std::size_t(c) * std::size_t(h) * std::size_t(w);
    const auto [lo, hi] = std::minmax_element(data, data + n);
    float a = 0.0f, b = 1.0f;
    if (*lo < -1e-3f || *hi > 1.001f) a = *lo, b = std::max(*hi, *lo + 1e-6f);
    QImage img(w, h, QImage::Format_RGB32);
    const std::size_t plane = std::size_t(h) * std::size_t(w);
    auto v = [&](int ch, std::size_t k) { return std::clamp(int(std::lround((data[std::size_t(ch) * plane + k] - a) / (b - a) * 255.0f)), 0, 255); };
    for (int y = 0; y < h; ++y) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
        for (int x = 0; x < w; ++x) {
            const std::size_t k = std::size_t(y) * std::size_t(w) + std::size_t(x);
            if (c >= 3) line[x] = qRgb(v(2, k), v(1, k), v(0, k));
            else {
                const int g = v(0, k);
                line[x] = qRgb(g, g, g);
            }
        }
    }
    return img;
}

QImage latentImage(const Tensor& batch, int index) {
    return latentImage(batch.sample(index), batch.dim(1), batch.dim(2), batch.dim(3));
}

QImage imageStrip(const Tensor& batch, int side) {
    const int n = batch.batch();
    QImage strip(std::max(1, n * (side + 2)), side, QImage::Format_RGB32);
    strip.fill(Qt::white);
    QPainter p(&strip);
    for (int i = 0; i < n; ++i) p.drawImage(QRect(i * (side + 2), 0, side, side), latentImage(batch, i));
    return strip;
}

}  // namespace deepfield::app
