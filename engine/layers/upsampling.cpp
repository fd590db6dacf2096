#include "layers/upsampling.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "layers/conv2d_transpose.h"
#include "layers/registry.h"

namespace deepfield {

namespace {
// Below this many output values a parallel region costs more than it saves.
constexpr std::size_t kParallelMin = 1 << 15;

void requireImage(const std::string& type, const Shape& input) {
    if (input.size() != 3)
        throwShapeError(type, {input},
                        type + " expects (channels, height, width); got " + toString(input) +
                            ". Use it on feature maps, or Reshape to [channels, height, width] first");
    if (std::any_of(input.begin(), input.end(), [](int d) { return d < 1; }))
        throwShapeError(type, {input}, "every axis of the input must be at least 1");
}

// Copies the (Hi, Wi) window at (top, left) of every (H, W) plane to or from a smaller plane.
// inward: big -> small (crop forward / pad backward); else small -> big (pad forward / crop backward).
void copyWindow(const float* from, float* to, long planes, int H, int W, int h, int w, int top, int left, bool inward,
                bool zeroRest) {
#pragma omp parallel for schedule(static) if (std::size_t(planes) * H * W > kParallelMin)
    for (long p = 0; p < planes; ++p) {
        if (inward) {
            const float* s = from + p * H * W;
            float* d = to + p * h * w;
            for (int r = 0; r < h; ++r) std::memcpy(d + r * w, s + (r + top) * W + left, sizeof(float) * std::size_t(w));
        } else {
            const float* s = from + p * h * w;
            float* d = to + p * H * W;
            if (zeroRest) std::fill(d, d + std::size_t(H) * W, 0.0f);
            for (int r = 0; r < h; ++r) std::memcpy(d + (r + top) * W + left, s + r * w, sizeof(float) * std::size_t(w));
        }
    }
}
}  // namespace

// ---------------------------------------------------------------------------------------------
// UpSampling2D

UpSampling2D::UpSampling2D(std::pair<int, int> size, Interpolation interpolation)
    : sh_(size.first), sw_(size.second), interpolation_(interpolation) {}

Json UpSampling2D::config() const {
    return Json{{"size", sh_ == sw_ ? Json(sh_) : Json{sh_, sw_}},
                {"interpolation", interpolation_ == Interpolation::Nearest ? "nearest" : "bilinear"}};
}

Shape UpSampling2D::outputShape(const Shape& input) const {
    if (sh_ < 1 || sw_ < 1)
        throwShapeError(type(), {input},
                        "size must be at least 1, got " + std::to_string(sh_) + "x" + std::to_string(sw_));
    requireImage(type(), input);
    return {input[0], input[1] * sh_, input[2] * sw_};
}

std::vector<UpSampling2D::Tap> UpSampling2D::taps(int in, int scale, Interpolation interpolation) {
    std::vector<Tap> t(std::size_t(in) * scale);
    for (int o = 0; o < int(t.size()); ++o) {
        Tap& a = t[std::size_t(o)];
        if (interpolation == Interpolation::Nearest) {
            a.i0 = a.i1 = o / scale;
            continue;
        }
        const double src = std::max((o + 0.5) / scale - 0.5, 0.0);
        a.i0 = std::min(int(src), in - 1);
        a.i1 = std::min(a.i0 + 1, in - 1);
        a.w1 = float(src - a.i0);
    }
    return t;
}

void UpSampling2D::build(const Shape& input) {
    rows_ = taps(input[1], sh_, interpolation_);
    cols_ = taps(input[2], sw_, interpolation_);
}

void UpSampling2D::forward(const Tensor& x, Tensor& y, Mode) {
    const int N = x.batch(), C = x.dim(1), H = x.dim(2), W = x.dim(3);
    const int Ho = H * sh_, Wo = W * sw_;
    y.resize({N, C, Ho, Wo});
    const long planes = long(N) * C;
#pragma omp parallel if (y.size() > kParallelMin)
    {
        std::vector<float> tmp(std::size_t(H) * Wo);  // rows interpolated along the width
#pragma omp for schedule(static)
        for (long p = 0; p < planes; ++p) {
            const float* in = x.data() + p * H * W;
            float* out = y.data() + p * Ho * Wo;
            for (int r = 0; r < H; ++r) {
                const float* s = in + r * W;
                float* d = tmp.data() + r * Wo;
                for (int j = 0; j < Wo; ++j) {
                    const Tap& t = cols_[std::size_t(j)];
                    d[j] = s[t.i0] + t.w1 * (s[t.i1] - s[t.i0]);
                }
            }
            for (int i = 0; i < Ho; ++i) {
                const Tap& t = rows_[std::size_t(i)];
                const float* a = tmp.data() + t.i0 * Wo;
                const float* b = tmp.data() + t.i1 * Wo;
                float* d = out + i * Wo;
                if (t.w1 == 0.0f) std::memcpy(d, a, sizeof(float) * std::size_t(Wo));
                else
                    for (int j = 0; j < Wo; ++j) d[j] = (1.0f - t.w1) * a[j] + t.w1 * b[j];
            }
        }
    }
}

void UpSampling2D::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) {
    if (!dx) return;
    const int N = x.batch(), C = x.dim(1), H = x.dim(2), W = x.dim(3);
    const int Ho = H * sh_, Wo = W * sw_;
    dx->resizeLike(x);
    const long planes = long(N) * C;
#pragma omp parallel if (dy.size() > kParallelMin)
    {
        std::vector<float> tmp(std::size_t(H) * Wo);
#pragma omp for schedule(static)
        for (long p = 0; p < planes; ++p) {
            const float* g = dy.data() + p * Ho * Wo;
            float* out = dx->data() + p * H * W;
            std::fill(tmp.begin(), tmp.end(), 0.0f);
            for (int i = 0; i < Ho; ++i) {  // adjoint of the vertical pass
                const Tap& t = rows_[std::size_t(i)];
                float* a = tmp.data() + t.i0 * Wo;
                float* b = tmp.data() + t.i1 * Wo;
                const float* s = g + i * Wo;
                for (int j = 0; j < Wo; ++j) {
                    a[j] += (1.0f - t.w1) * s[j];
                    b[j] += t.w1 * s[j];
                }
            }
            std::fill(out, out + std::size_t(H) * W, 0.0f);
            for (int r = 0; r < H; ++r) {  // adjoint of the horizontal pass
                const float* s = tmp.data() + r * Wo;
                float* d = out + r * W;
                for (int j = 0; j < Wo; ++j) {
                    const Tap& t = cols_[std::size_t(j)];
                    d[t.i0] += (1.0f - t.w1) * s[j];
                    d[t.i1] += t.w1 * s[j];
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Margins, ZeroPadding2D, Cropping2D

Margins Margins::parse(const Json& j, const std::string& key, const std::string& t) {
    auto nonNegative = [&](const Json& v) { return v.is_number_integer() && v.get<int>() >= 0; };
    Margins m;
    if (nonNegative(j)) {
        m.top = m.bottom = m.left = m.right = j.get<int>();
        return m;
    }
    if (j.is_array() && j.size() == 2) {
        if (nonNegative(j[0]) && nonNegative(j[1])) {
            m.top = m.bottom = j[0].get<int>();
            m.left = m.right = j[1].get<int>();
            return m;
        }
        if (j[0].is_array() && j[1].is_array() && j[0].size() == 2 && j[1].size() == 2 && nonNegative(j[0][0]) &&
            nonNegative(j[0][1]) && nonNegative(j[1][0]) && nonNegative(j[1][1])) {
            m.top = j[0][0].get<int>();
            m.bottom = j[0][1].get<int>();
            m.left = j[1][0].get<int>();
            m.right = j[1][1].get<int>();
            return m;
        }
    }
    throw InputError(t + ": hyper-parameter '" + key +
                     "' must be a number of pixels, [height, width] or [[top, bottom], [left, right]] "
                     "(all ≥ 0), got " + j.dump());
}

Json Margins::toJson() const {
    if (top == bottom && left == right) return top == left ? Json(top) : Json{top, left};
    return Json{Json{top, bottom}, Json{left, right}};
}

Shape ZeroPadding2D::outputShape(const Shape& input) const {
    requireImage(type(), input);
    return {input[0], input[1] + m_.top + m_.bottom, input[2] + m_.left + m_.right};
}

void ZeroPadding2D::forward(const Tensor& x, Tensor& y, Mode) {
    const int N = x.batch(), C = x.dim(1), H = x.dim(2), W = x.dim(3);
    const int Ho = H + m_.top + m_.bottom, Wo = W + m_.left + m_.right;
    y.resize({N, C, Ho, Wo});
    copyWindow(x.data(), y.data(), long(N) * C, Ho, Wo, H, W, m_.top, m_.left, false, true);
}

void ZeroPadding2D::backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) {
    if (!dx) return;
    dx->resizeLike(x);
    copyWindow(dy.data(), dx->data(), long(x.batch()) * x.dim(1), y.dim(2), y.dim(3), x.dim(2), x.dim(3), m_.top,
               m_.left, true, false);
}

Shape Cropping2D::outputShape(const Shape& input) const {
    requireImage(type(), input);
    const int h = input[1] - m_.top - m_.bottom, w = input[2] - m_.left - m_.right;
    if (h < 1 || w < 1)
        throwShapeError(type(), {input},
                        "cropping " + m_.toJson().dump() + " leaves nothing of a " + std::to_string(input[1]) + "x" +
                            std::to_string(input[2]) + " image; crop less");
    return {input[0], h, w};
}

void Cropping2D::forward(const Tensor& x, Tensor& y, Mode) {
    const int N = x.batch(), C = x.dim(1), H = x.dim(2), W = x.dim(3);
    const int h = H - m_.top - m_.bottom, w = W - m_.left - m_.right;
    y.resize({N, C, h, w});
    copyWindow(x.data(), y.data(), long(N) * C, H, W, h, w, m_.top, m_.left, true, false);
}

void Cropping2D::backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) {
    if (!dx) return;
    dx->resizeLike(x);
    copyWindow(dy.data(), dx->data(), long(x.batch()) * x.dim(1), x.dim(2), x.dim(3), y.dim(2), y.dim(3), m_.top,
               m_.left, false, true);
}

// ---------------------------------------------------------------------------------------------

void registerUpsamplingLayers(LayerRegistry& r) {
    registerTransposedConvolutionLayers(r);
    r.add({"UpSampling2D", "Core", "Repeats (nearest) or interpolates (bilinear) pixels: size 2 doubles the image",
           Json{{"size", 2}, {"interpolation", "nearest"}}, [](const Json& c) {
               const std::string how = configString(c, "interpolation", "UpSampling2D");
               if (how != "nearest" && how != "bilinear")
                   throw InputError("UpSampling2D: hyper-parameter 'interpolation' must be \"nearest\" or "
                                    "\"bilinear\", got \"" + how + "\"");
               return std::make_unique<UpSampling2D>(
                   configPair(c, "size", "UpSampling2D"),
                   how == "nearest" ? Interpolation::Nearest : Interpolation::Bilinear);
           }});
    r.add({"ZeroPadding2D", "Core", "Adds rows and columns of zeros around each feature map", Json{{"padding", 1}},
           [](const Json& c) {
               return std::make_unique<ZeroPadding2D>(Margins::parse(c.at("padding"), "padding", "ZeroPadding2D"));
           }});
    r.add({"Cropping2D", "Core", "Cuts rows and columns off the edges (e.g. to match a skip connection)",
           Json{{"cropping", 1}}, [](const Json& c) {
               return std::make_unique<Cropping2D>(Margins::parse(c.at("cropping"), "cropping", "Cropping2D"));
           }});
}

}  // namespace deepfield
