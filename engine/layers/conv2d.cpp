#include "layers/conv2d.h"

#include <algorithm>

#include "core/error.h"
#include "layers/direct_conv.h"
#include "layers/registry.h"

namespace deepfield {

namespace {
// Per-sample views start anywhere in the batch tensor: no alignment promise.
using Mat = Eigen::Map<MatrixRM>;
using ConstMat = Eigen::Map<const MatrixRM>;
// Below this many multiply-adds per batch a parallel region costs more than it saves.
constexpr double kParallelMinFlops = 1 << 18;
using StridedMat = Eigen::Map<MatrixRM, 0, Eigen::OuterStride<>>;
using ConstStridedMat = Eigen::Map<const MatrixRM, 0, Eigen::OuterStride<>>;

// Output rows per im2col tile: the column block of one tile (K × rows·width floats) stays within
// ~512 KiB, so im2col writes it and Eigen packs it from L2 instead of a 2–5 MiB block through
// memory (the 16–32 filter layers of a U-Net at 64×64, where the GEMM does only F = 16–32 MACs
// per column element).
int tileRows(int K, const WindowGeometry& g) {
    constexpr std::size_t kTileFloats = 128 * 1024;
    const std::size_t rowFloats = std::size_t(K) * g.outW;
    return std::clamp(int(kTileFloats / std::max<std::size_t>(rowFloats, 1)), 1, std::max(g.outH, 1));
}

// The window restricted to output rows [row0, row0 + rows): same image, padding shifted.
WindowGeometry rowTile(const WindowGeometry& g, int row0, int rows) {
    WindowGeometry t = g;
    t.padTop = g.padTop - row0 * g.sh;
    t.outH = rows;
    return t;
}
}  // namespace

Conv2D::Conv2D(int filters, std::pair<int, int> kernelSize, std::pair<int, int> strides, Padding padding,
               bool useBias, Initializer kernelInit, Initializer biasInit)
    : filters_(filters),
      kh_(kernelSize.first),
      kw_(kernelSize.second),
      sh_(strides.first),
      sw_(strides.second),
      padding_(padding),
      useBias_(useBias),
      kernelInit_(kernelInit),
      biasInit_(biasInit) {}

Json Conv2D::config() const {
    return Json{{"filters", filters_},
                {"kernel_size", kh_ == kw_ ? Json(kh_) : Json{kh_, kw_}},
                {"strides", sh_ == sw_ ? Json(sh_) : Json{sh_, sw_}},
                {"padding", padding_.toJson()},
                {"use_bias", useBias_},
                {"kernel_initializer", kernelInit_.toJson()},
                {"bias_initializer", biasInit_.toJson()}};
}

WindowGeometry Conv2D::geometry(const Shape& input) const {
    return WindowGeometry::make(input[0], input[1], input[2], kh_, kw_, sh_, sw_, padding_);
}

Shape Conv2D::outputShape(const Shape& input) const {
    if (filters_ < 1) throwShapeError(type(), {input}, "filters must be at least 1, got " + std::to_string(filters_));
    if (kh_ < 1 || kw_ < 1 || sh_ < 1 || sw_ < 1)
        throwShapeError(type(), {input},
                        "kernel_size and strides must be at least 1, got kernel " + std::to_string(kh_) + "x" +
                            std::to_string(kw_) + ", strides " + std::to_string(sh_) + "x" + std::to_string(sw_));
    if (input.size() != 3)
        throwShapeError(type(), {input},
                        "Conv2D expects (channels, height, width); got " + toString(input) +
                            ". Feed it images, or add a Reshape layer such as [1, height, width]");
    if (std::any_of(input.begin(), input.end(), [](int d) { return d < 1; }))
        throwShapeError(type(), {input}, "every axis of the input must be at least 1");
    const WindowGeometry g = geometry(input);
    if (g.outH < 1 || g.outW < 1)
        throwShapeError(type(), {input},
                        "a " + std::to_string(kh_) + "x" + std::to_string(kw_) + " kernel does not fit a " +
                            std::to_string(input[1]) + "x" + std::to_string(input[2]) + " image with padding " +
                            padding_.describe() + "; use padding \"same\" or a smaller kernel");
    return {filters_, g.outH, g.outW};
}

void Conv2D::build(const Shape& input) {
    geom_ = geometry(input);
    kernel_ = Tensor({filters_, input[0], kh_, kw_});
    kernelGrad_ = Tensor({filters_, input[0], kh_, kw_});
    if (useBias_) {
        bias_ = Tensor({filters_});
        biasGrad_ = Tensor({filters_});
    }
    colCache_ = Tensor();
    cachedInput_ = nullptr;
}

void Conv2D::reset(Rng& rng, const InitHint& hint) {
    const int receptive = kh_ * kw_;
    const int fanIn = kernel_.dim(1) * receptive, fanOut = filters_ * receptive;
    kernelInit_.apply(kernel_, fanIn, fanOut, rng, hint.reluFollows);
    if (useBias_) biasInit_.apply(bias_, fanIn, fanOut, rng, false);
}

const float* Conv2D::columnsFor(const Tensor& x, int n, int row0, int rows) const {
    const std::size_t K = geom_.patchSize(), P = geom_.outPixels(), p0 = std::size_t(row0) * geom_.outW;
    if (cachedInput_ == x.data() && colCache_.batch() == x.batch()) return colCache_.data() + n * K * P + K * p0;
    float* col = threadScratch(0, K * rows * geom_.outW);
    im2col(x.sample(n), rowTile(geom_, row0, rows), col);
    return col;
}

void Conv2D::forward(const Tensor& x, Tensor& y, Mode mode) {
    const int N = x.batch();
    const int F = filters_, K = geom_.patchSize(), P = geom_.outPixels();
    y.resize({N, F, geom_.outH, geom_.outW});
    const bool pointwise = geom_.isPointwise();
    const bool direct = !pointwise && directConvolution_ && directConvApplies(geom_);
    if (direct) direct_.pack(kernel_.data(), F, geom_);
    // The cache lets backward skip im2col; inference passes need only one buffer per thread. The
    // direct path writes no columns, and backward rebuilds them tile by tile in L2.
    const bool cache = cacheColumns_ && mode == Mode::Training && !pointwise && !direct &&
                       std::size_t(N) * K * P * sizeof(float) <= kMaxCachedColumnBytes;
    cachedInput_ = nullptr;
    if (cache) colCache_.resize({N, K, P});
    else if (mode == Mode::Training) colCache_ = Tensor();  // give the memory back when the batch outgrew it

    const ConstMatrixMap W(kernel_.data(), F, K);
    const bool parallel = N > 1 && double(N) * F * K * P > kParallelMinFlops;  // one sample: no team to start
#pragma omp parallel for schedule(dynamic) if (parallel)
    for (int n = 0; n < N; ++n) {
        if (direct) {
            directConv(x.sample(n), geom_, direct_, useBias_ ? bias_.data() : nullptr, y.sample(n));
            continue;
        }
        Mat Y(y.sample(n), F, P);
        // Start from the bias and let the products accumulate into it (no extra pass).
        if (useBias_)
            for (int f = 0; f < F; ++f) Y.row(f).setConstant(bias_[f]);
        else
            Y.setZero();
        if (pointwise) {
            Y.noalias() += W * ConstMat(x.sample(n), K, P);
            continue;
        }
        // Tiles of output rows: see tileRows. In the cache the tiles lie back to back.
        const int step = tileRows(K, geom_);
        for (int r0 = 0; r0 < geom_.outH; r0 += step) {
            const int rows = std::min(step, geom_.outH - r0), tp = rows * geom_.outW, p0 = r0 * geom_.outW;
            float* buf = cache ? colCache_.data() + (std::size_t(n) * P + p0) * K
                               : threadScratch(0, std::size_t(K) * tp);
            im2col(x.sample(n), rowTile(geom_, r0, rows), buf);
            StridedMat(y.sample(n) + p0, F, tp, Eigen::OuterStride<>(P)).noalias() += W * ConstMat(buf, K, tp);
        }
    }
    if (cache) cachedInput_ = x.data();
}

void Conv2D::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) {
    const bool wantParams = parameterGradients_;
    if (!wantParams && !dx) return;
    const int N = x.batch();
    const int F = filters_, K = geom_.patchSize(), P = geom_.outPixels();
    const bool pointwise = geom_.isPointwise();
    grads_.prepare(N, wantParams ? std::size_t(F) * K : 0, wantParams && useBias_ ? std::size_t(F) : 0);
    if (dx) dx->resizeLike(x);

    // ∂L/∂x of a stride-1 convolution is itself a convolution: dy correlated with the kernel flipped
    // in space and with channels in and out swapped, i.e. dx (C, H·W) = W' (C, F·kh·kw) · im2col(dy).
    // That moves F·kh·kw rows per pixel instead of making C·kh·kw rows of ∂L/∂col and scattering
    // them back (col2im), so it wins when the layer does not widen (C ≥ F: a U-Net decoder after
    // the concatenation), and always when the direct convolution computes it. Rounding differs
    // from the col2im path (sums in another order).
    const int C = geom_.channels;
    const bool flippable = dx && !pointwise && sh_ == 1 && sw_ == 1 && geom_.padTop < kh_ && geom_.padLeft < kw_;
    WindowGeometry gd;  // the window over dy (F, Ho, Wo) whose output is dx's (H, W)
    if (flippable) {
        gd = geom_;
        gd.channels = F;
        gd.height = geom_.outH;
        gd.width = geom_.outW;
        gd.padTop = kh_ - 1 - geom_.padTop;
        gd.padLeft = kw_ - 1 - geom_.padLeft;
        gd.outH = geom_.height;
        gd.outW = geom_.width;
    }
    const bool directDx = flippable && directConvolution_ && directConvApplies(gd);
    const bool flippedPath = flippable && (C >= F || directDx);
    const int Kd = flippedPath ? gd.patchSize() : 0;
    if (flippedPath) {
        flipped_.resize({C, Kd});
        for (int f = 0; f < F; ++f)
            for (int c = 0; c < C; ++c)
                for (int i = 0; i < kh_; ++i)
                    for (int j = 0; j < kw_; ++j)
                        flipped_[std::size_t(c) * Kd + (f * kh_ + i) * kw_ + j] =
                            kernel_[((std::size_t(f) * C + c) * kh_ + (kh_ - 1 - i)) * kw_ + (kw_ - 1 - j)];
        if (directDx) directFlipped_.pack(flipped_.data(), C, gd);
    }

    const bool directDw = wantParams && !pointwise && directConvolution_ && directKernelGradientApplies(geom_);
    const ConstMatrixMap W(kernel_.data(), F, K);
    grads_.run(N > 1 && double(N) * F * K * P > kParallelMinFlops, [&](int c) {
        for (int n = grads_.begin(c); n < grads_.end(c); ++n) {
            const ConstMat dY(dy.sample(n), F, P);
            if (wantParams) {
                MatrixMap dW(grads_.kernel(c), F, K);
                if (pointwise) {
                    dW.noalias() += dY * ConstMat(x.sample(n), K, P).transpose();
                } else if (directDw) {
                    directConvKernelGradient(x.sample(n), geom_, dy.sample(n), F, dW.data());
                } else {
                    const int step = tileRows(K, geom_);
                    for (int r0 = 0; r0 < geom_.outH; r0 += step) {
                        const int rows = std::min(step, geom_.outH - r0), tp = rows * geom_.outW;
                        const float* col = columnsFor(x, n, r0, rows);
                        const ConstStridedMat dYt(dy.sample(n) + r0 * geom_.outW, F, tp, Eigen::OuterStride<>(P));
                        dW.noalias() += dYt * ConstMat(col, K, tp).transpose();
                    }
                }
                if (useBias_) VectorMap(grads_.bias(c), F) += dY.rowwise().sum();
            }
            if (!dx) continue;
            if (pointwise) {
                Mat(dx->sample(n), K, P).noalias() = W.transpose() * dY;
            } else if (directDx) {
                directConv(dy.sample(n), gd, directFlipped_, nullptr, dx->sample(n));
            } else if (flippedPath) {
                const int pixels = gd.outPixels(), step = tileRows(Kd, gd);
                Mat dX(dx->sample(n), C, pixels);
                dX.setZero();
                for (int r0 = 0; r0 < gd.outH; r0 += step) {
                    const int rows = std::min(step, gd.outH - r0), tp = rows * gd.outW;
                    float* colD = threadScratch(1, std::size_t(Kd) * tp);
                    im2col(dy.sample(n), rowTile(gd, r0, rows), colD);
                    StridedMat(dX.data() + r0 * gd.outW, C, tp, Eigen::OuterStride<>(pixels)).noalias() +=
                        flipped_.matrix(C, Kd) * ConstMat(colD, Kd, tp);
                }
            } else {
                MatrixMap dC(threadScratch(1, std::size_t(K) * P), K, P);
                dC.noalias() = W.transpose() * dY;
                col2im(dC.data(), geom_, dx->sample(n));
            }
        }
    });
    if (wantParams) grads_.addTo(kernelGrad_, useBias_ ? &biasGrad_ : nullptr);
}

std::vector<Param> Conv2D::parameters() {
    std::vector<Param> p{{"kernel", &kernel_, &kernelGrad_}};
    if (useBias_) p.push_back({"bias", &bias_, &biasGrad_});
    return p;
}

void registerConvolutionLayers(LayerRegistry& r) {
    r.add({"Conv2D", "Convolution",
           "Slides learned filters over the image; each filter yields one feature map",
           Json{{"filters", 16},
                {"kernel_size", 3},
                {"strides", 1},
                {"padding", "same"},
                {"use_bias", true},
                {"kernel_initializer", "auto"},
                {"bias_initializer", "zeros"}},
           [](const Json& c) {
               return std::make_unique<Conv2D>(
                   configInt(c, "filters", "Conv2D"), configPair(c, "kernel_size", "Conv2D"),
                   configPair(c, "strides", "Conv2D"), Padding::parse(c.at("padding"), "Conv2D"),
                   configBool(c, "use_bias", "Conv2D"), Initializer::parse(c.at("kernel_initializer")),
                   Initializer::parse(c.at("bias_initializer")));
           }});
}

}  // namespace deepfield
