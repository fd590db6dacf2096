#include "data/composite.h"

#include <cmath>

#include "core/error.h"

namespace deepfield {

std::vector<std::uint8_t> luptonRgb(const float* r, const float* g, const float* b, int height, int width,
                                    const LuptonParams& p) {
    double Q = p.Q;
    if (std::abs(Q) < 1.0 / 8388608.0)  // float32 epsilon, as astropy
        Q = 0.1;
    else if (Q > 1e10)
        Q = 1e10;
    if (p.stretch <= 0) throw InputError("Lupton composite: stretch must be positive, got " + std::to_string(p.stretch));
    const double pixmax = 255.0;
    const double slope = 0.1 * pixmax / std::asinh(0.1 * Q);
    const double soften = Q / p.stretch;
    const std::size_t n = std::size_t(height) * std::size_t(width);
    std::vector<std::uint8_t> out(n * 3, 0);
#pragma omp parallel for schedule(static) if (n > 100000)
    for (std::ptrdiff_t k = 0; k < std::ptrdiff_t(n); ++k) {
        const std::size_t i = std::size_t(k);
        double c[3] = {double(r[i]) - p.minimum[0], double(g[i]) - p.minimum[1], double(b[i]) - p.minimum[2]};
        if (!std::isfinite(c[0]) || !std::isfinite(c[1]) || !std::isfinite(c[2])) continue;  // blank: black
        const double I = (c[0] + c[1] + c[2]) / 3.0;
        const double fac = I <= 0 ? 0.0 : std::asinh(I * soften) * slope / I;
        for (double& v : c) {
            v *= fac;
            if (v < 0) v = 0;
        }
        // Scale the pixel down as a whole when its brightest band saturates (astropy's nested where).
        double top;
        if (c[0] > c[1])
            top = c[0] > c[2] ? c[0] : c[2];
        else
            top = c[1] > c[2] ? c[1] : c[2];
        for (int k2 = 0; k2 < 3; ++k2) {
            double v = top >= pixmax ? c[k2] * pixmax / top : c[k2];
            if (v > pixmax) v = pixmax;
            out[3 * i + std::size_t(k2)] = static_cast<std::uint8_t>(v);  // truncation, as astype(uint8)
        }
    }
    return out;
}

Image luptonRgbImage(const Image& rgb, const LuptonParams& params) {
    if (rgb.channels() != 3)
        throw ShapeError("Lupton composite needs 3 bands (r, g, b); the image has " + std::to_string(rgb.channels()));
    const int h = rgb.height(), w = rgb.width();
    const std::vector<std::uint8_t> bytes = luptonRgb(rgb.channel(0), rgb.channel(1), rgb.channel(2), h, w, params);
    Image out(3, h, w);
    out.bottomUp = rgb.bottomUp;
    const std::size_t plane = std::size_t(h) * std::size_t(w);
    for (std::size_t i = 0; i < plane; ++i)
        for (int c = 0; c < 3; ++c) out.pixels[std::size_t(c) * plane + i] = bytes[3 * i + std::size_t(c)];
    return out;
}

}  // namespace deepfield
