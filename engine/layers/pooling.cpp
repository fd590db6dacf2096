#include "layers/pooling.h"

#include <algorithm>

#include "core/error.h"
#include "layers/registry.h"

namespace deepfield {

namespace {
// Below this many input values a parallel region costs more than it saves.
constexpr std::size_t kParallelMin = 1 << 15;
// The 2×2 fast path is memory-bound: a parallel region costs more than it saves below this many
// input values (on a quiet machine two threads win from 256 Ki: cnn_morphology step 15.0 -> 14.5 ms).
constexpr std::size_t kParallelMin2x2 = std::size_t(1) << 18;
}  // namespace

Pooling2D::Pooling2D(PoolKind kind, std::pair<int, int> poolSize, std::pair<int, int> strides, Padding padding)
    : kind_(kind),
      ph_(poolSize.first),
      pw_(poolSize.second),
      sh_(strides.first),
      sw_(strides.second),
      padding_(padding) {}

Json Pooling2D::config() const {
    return Json{{"pool_size", ph_ == pw_ ? Json(ph_) : Json{ph_, pw_}},
                {"strides", sh_ == sw_ ? Json(sh_) : Json{sh_, sw_}},
                {"padding", padding_.toJson()}};
}

Shape Pooling2D::outputShape(const Shape& input) const {
    if (ph_ < 1 || pw_ < 1 || sh_ < 1 || sw_ < 1)
        throwShapeError(type(), {input}, "pool_size and strides must be at least 1");
    if (input.size() != 3)
        throwShapeError(type(), {input},
                        type() + " expects (channels, height, width); got " + toString(input) +
                            ". Pool feature maps of a Conv2D, or Reshape to [1, height, width] first");
    const WindowGeometry g = WindowGeometry::make(1, input[1], input[2], ph_, pw_, sh_, sw_, padding_);
    if (g.outH < 1 || g.outW < 1)
        throwShapeError(type(), {input},
                        "a " + std::to_string(ph_) + "x" + std::to_string(pw_) + " pool does not fit a " +
                            std::to_string(input[1]) + "x" + std::to_string(input[2]) +
                            " image; use padding \"same\" or a smaller pool_size");
    return {input[0], g.outH, g.outW};
}

void Pooling2D::build(const Shape& input) {
    geom_ = WindowGeometry::make(1, input[1], input[2], ph_, pw_, sh_, sw_, padding_);
}

namespace {
// Index within its plane of the first pixel of the window holding the maximum `m`: the pixel the
// forward scan (strict >, row-major) picked. Recomputed in backward instead of stored, so
// inference passes write no argmax. A NaN first pixel wins the scan and matches nothing here.
int windowArgmax(const float* in, int W, int h0, int h1, int w0, int w1, float m) {
    for (int h = h0; h < h1; ++h)
        for (int w = w0; w < w1; ++w)
            if (in[h * W + w] == m) return h * W + w;
    return h0 * W + w0;
}

// The common 2×2 stride-2 max pool without padding: one output row from two input rows, in the
// generic scan order (a, b, c, d with strict >) so results match it bit for bit.
void maxPool2x2Row(const float* r0, const float* r1, float* out, int Wo) {
    for (int ow = 0; ow < Wo; ++ow) {
        float m = r0[2 * ow];
        const float b = r0[2 * ow + 1], c = r1[2 * ow], d = r1[2 * ow + 1];
        m = b > m ? b : m;
        m = c > m ? c : m;
        m = d > m ? d : m;
        out[ow] = m;
    }
}
// Backward of one output row of maxPool2x2Row: windows do not overlap, so every input pixel is
// written exactly once (the gradient or zero) instead of a fill, a rescan and a scattered add.
// The first pixel equal to the maximum in scan order a, b, c, d gets it, as windowArgmax picks.
// Branch-free (& and | instead of && and ||, selects instead of jumps) so the compiler vectorises
// it: ties after a ReLU make the winner unpredictable, and a branchy loop mispredicted ~7× slower.
void maxUnpool2x2Row(const float* __restrict r0, const float* __restrict r1, const float* __restrict best,
                     const float* __restrict d, float* __restrict g0, float* __restrict g1, int Wo) {
    for (int ow = 0; ow < Wo; ++ow) {
        const float m = best[ow];
        const float v = 0.0f + d[ow];  // 0 + v as the generic path (a -0 gradient becomes +0)
        const bool ea = r0[2 * ow] == m, eb = r0[2 * ow + 1] == m;
        const bool ec = r1[2 * ow] == m, ee = r1[2 * ow + 1] == m;
        const bool pa = ea | !(eb | ec | ee);  // no match (NaN): the first pixel
        const bool pb = !pa & eb;
        const bool pc = !pa & !eb & ec;
        const bool pe = !pa & !eb & !ec;
        g0[2 * ow] = pa ? v : 0.0f;
        g0[2 * ow + 1] = pb ? v : 0.0f;
        g1[2 * ow] = pc ? v : 0.0f;
        g1[2 * ow + 1] = pe ? v : 0.0f;
    }
}
void maxUnpool2x2Plane(const float* in, const float* best, const float* d, float* g, int H, int W, int Ho,
                       int Wo) {
    for (int oh = 0; oh < Ho; ++oh) {
        const float* r0 = in + 2 * oh * W;
        float* g0 = g + 2 * oh * W;
        maxUnpool2x2Row(r0, r0 + W, best + oh * Wo, d + oh * Wo, g0, g0 + W, Wo);
        for (int w = 2 * Wo; w < W; ++w) g0[w] = g0[W + w] = 0.0f;  // odd width: the last column is never pooled
    }
    std::fill(g + 2 * Ho * W, g + H * W, 0.0f);  // odd height: the last row likewise
}
}  // namespace

void Pooling2D::forward(const Tensor& x, Tensor& y, Mode) {
    const int N = x.batch(), C = x.dim(1), H = geom_.height, W = geom_.width;
    const int Ho = geom_.outH, Wo = geom_.outW;
    y.resize({N, C, Ho, Wo});
    const long planes = static_cast<long>(N) * C;
    const bool max2x2 = kind_ == PoolKind::Max && ph_ == 2 && pw_ == 2 && sh_ == 2 && sw_ == 2 &&
                        geom_.padTop == 0 && geom_.padLeft == 0 && 2 * Ho <= H && 2 * Wo <= W;
    // Dynamic chunks of planes: a thread that loses its core on a busy machine holds back little.
#pragma omp parallel for schedule(dynamic, 16) if (x.size() > (max2x2 ? kParallelMin2x2 : kParallelMin))
    for (long p = 0; p < planes; ++p) {
        const float* in = x.data() + p * H * W;
        float* out = y.data() + p * Ho * Wo;
        if (max2x2) {
            for (int oh = 0; oh < Ho; ++oh)
                maxPool2x2Row(in + 2 * oh * W, in + (2 * oh + 1) * W, out + oh * Wo, Wo);
            continue;
        }
        for (int oh = 0; oh < Ho; ++oh) {
            const int h0 = std::max(oh * sh_ - geom_.padTop, 0);
            const int h1 = std::min(oh * sh_ - geom_.padTop + ph_, H);
            for (int ow = 0; ow < Wo; ++ow) {
                const int w0 = std::max(ow * sw_ - geom_.padLeft, 0);
                const int w1 = std::min(ow * sw_ - geom_.padLeft + pw_, W);
                if (kind_ == PoolKind::Max) {
                    float m = in[h0 * W + w0];
                    for (int h = h0; h < h1; ++h)
                        for (int w = w0; w < w1; ++w)
                            if (in[h * W + w] > m) m = in[h * W + w];
                    out[oh * Wo + ow] = m;
                } else {
                    float s = 0.0f;
                    for (int h = h0; h < h1; ++h)
                        for (int w = w0; w < w1; ++w) s += in[h * W + w];
                    out[oh * Wo + ow] = s / static_cast<float>((h1 - h0) * (w1 - w0));
                }
            }
        }
    }
}

void Pooling2D::backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) {
    if (!dx) return;
    const int N = x.batch(), C = x.dim(1), H = geom_.height, W = geom_.width;
    const int Ho = geom_.outH, Wo = geom_.outW;
    dx->resizeLike(x);
    const long planes = static_cast<long>(N) * C;
    const bool max2x2 = kind_ == PoolKind::Max && ph_ == 2 && pw_ == 2 && sh_ == 2 && sw_ == 2 &&
                        geom_.padTop == 0 && geom_.padLeft == 0 && 2 * Ho <= H && 2 * Wo <= W;
#pragma omp parallel for schedule(dynamic, 16) if (x.size() > kParallelMin)
    for (long p = 0; p < planes; ++p) {
        float* g = dx->data() + p * H * W;
        const float* in = x.data() + p * H * W;
        const float* d = dy.data() + p * Ho * Wo;
        const float* best = y.data() + p * Ho * Wo;
        if (max2x2) {
            maxUnpool2x2Plane(in, best, d, g, H, W, Ho, Wo);
            continue;
        }
        std::fill(g, g + H * W, 0.0f);
        for (int oh = 0; oh < Ho; ++oh) {
            const int h0 = std::max(oh * sh_ - geom_.padTop, 0);
            const int h1 = std::min(oh * sh_ - geom_.padTop + ph_, H);
            for (int ow = 0; ow < Wo; ++ow) {
                const int w0 = std::max(ow * sw_ - geom_.padLeft, 0);
                const int w1 = std::min(ow * sw_ - geom_.padLeft + pw_, W);
                const int o = oh * Wo + ow;
                if (kind_ == PoolKind::Max) {
                    g[windowArgmax(in, W, h0, h1, w0, w1, best[o])] += d[o];
                    continue;
                }
                const float share = d[o] / static_cast<float>((h1 - h0) * (w1 - w0));
                for (int h = h0; h < h1; ++h)
                    for (int w = w0; w < w1; ++w) g[h * W + w] += share;
            }
        }
    }
}

Shape GlobalAveragePooling2D::outputShape(const Shape& input) const {
    if (input.size() != 3)
        throwShapeError(type(), {input},
                        "GlobalAveragePooling2D expects (channels, height, width); got " + toString(input));
    return {input[0]};
}

void GlobalAveragePooling2D::forward(const Tensor& x, Tensor& y, Mode) {
    const int N = x.batch(), C = x.dim(1);
    const long P = static_cast<long>(x.dim(2)) * x.dim(3);
    y.resize({N, C});
    // Each row of this (N·C, H·W) view is one plane.
    const Eigen::Map<const MatrixRM> X(x.data(), static_cast<long>(N) * C, P);
    y.vec() = X.rowwise().mean();
}

void GlobalAveragePooling2D::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) {
    if (!dx) return;
    const int N = x.batch(), C = x.dim(1);
    const long P = static_cast<long>(x.dim(2)) * x.dim(3);
    dx->resizeLike(x);
    Eigen::Map<MatrixRM> D(dx->data(), static_cast<long>(N) * C, P);
    D.colwise() = dy.vec() / static_cast<float>(P);
}

namespace {
std::unique_ptr<Layer> makePool(PoolKind kind, const Json& c) {
    const std::string t = kind == PoolKind::Max ? "MaxPooling2D" : "AveragePooling2D";
    const auto pool = configPair(c, "pool_size", t);
    const auto strides = c.contains("strides") && !c.at("strides").is_null() ? configPair(c, "strides", t) : pool;
    return std::make_unique<Pooling2D>(kind, pool, strides, Padding::parse(c.at("padding"), t, false));
}
}  // namespace

void registerPoolingLayers(LayerRegistry& r) {
    const Json defaults{{"pool_size", 2}, {"strides", nullptr}, {"padding", "valid"}};
    r.add({"MaxPooling2D", "Pooling", "Keeps the largest value of each window: halves the image with pool 2",
           defaults, [](const Json& c) { return makePool(PoolKind::Max, c); }});
    r.add({"AveragePooling2D", "Pooling", "Averages each window: a smooth downsampling", defaults,
           [](const Json& c) { return makePool(PoolKind::Average, c); }});
    r.add({"GlobalAveragePooling2D", "Pooling", "Averages each feature map to one number: (C, H, W) -> (C)",
           Json::object(), [](const Json&) { return std::make_unique<GlobalAveragePooling2D>(); }});
}

}  // namespace deepfield
