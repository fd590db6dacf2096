#include "layers/conv2d_transpose.h"

#include <algorithm>

#include "core/error.h"
#include "layers/registry.h"

namespace deepfield {

namespace {
using Mat = Eigen::Map<MatrixRM>;
using ConstMat = Eigen::Map<const MatrixRM>;
// Below this many multiply-adds per batch a parallel region costs more than it saves.
constexpr double kParallelMinFlops = 1 << 18;

// Output length and leading crop along one axis (see the header).
struct TransposedAxis {
    int out = 0;
    int pad = 0;
};
TransposedAxis transposedAxis(int in, int k, int s, Padding::Kind kind, int explicitPad, int outputPadding) {
    TransposedAxis a;
    switch (kind) {
        case Padding::Kind::Explicit:
            a.out = (in - 1) * s - 2 * explicitPad + k + outputPadding;
            a.pad = explicitPad;
            break;
        case Padding::Kind::Valid:
            a.out = (in - 1) * s + k + outputPadding;
            break;
        case Padding::Kind::Same:
            // The forward "same" conv of an out = in·s image gives back `in` pixels; its
            // leading pad is what the transpose crops.
            a.out = in * s;
            a.pad = std::max((in - 1) * s + k - a.out, 0) / 2;
            break;
    }
    return a;
}
}  // namespace

Conv2DTranspose::Conv2DTranspose(int filters, std::pair<int, int> kernelSize, std::pair<int, int> strides,
                                 Padding padding, std::pair<int, int> outputPadding, bool useBias,
                                 Initializer kernelInit, Initializer biasInit)
    : filters_(filters),
      kh_(kernelSize.first),
      kw_(kernelSize.second),
      sh_(strides.first),
      sw_(strides.second),
      padding_(padding),
      oph_(outputPadding.first),
      opw_(outputPadding.second),
      useBias_(useBias),
      kernelInit_(kernelInit),
      biasInit_(biasInit) {}

Json Conv2DTranspose::config() const {
    return Json{{"filters", filters_},
                {"kernel_size", kh_ == kw_ ? Json(kh_) : Json{kh_, kw_}},
                {"strides", sh_ == sw_ ? Json(sh_) : Json{sh_, sw_}},
                {"padding", padding_.toJson()},
                {"output_padding", oph_ == opw_ ? Json(oph_) : Json{oph_, opw_}},
                {"use_bias", useBias_},
                {"kernel_initializer", kernelInit_.toJson()},
                {"bias_initializer", biasInit_.toJson()}};
}

WindowGeometry Conv2DTranspose::geometry(const Shape& input) const {
    const TransposedAxis ah = transposedAxis(input[1], kh_, sh_, padding_.kind, padding_.h, oph_);
    const TransposedAxis aw = transposedAxis(input[2], kw_, sw_, padding_.kind, padding_.w, opw_);
    WindowGeometry g;
    g.channels = filters_;
    g.height = ah.out;
    g.width = aw.out;
    g.kh = kh_;
    g.kw = kw_;
    g.sh = sh_;
    g.sw = sw_;
    g.padTop = ah.pad;
    g.padLeft = aw.pad;
    g.outH = input[1];
    g.outW = input[2];
    return g;
}

Shape Conv2DTranspose::outputShape(const Shape& input) const {
    if (filters_ < 1) throwShapeError(type(), {input}, "filters must be at least 1, got " + std::to_string(filters_));
    if (kh_ < 1 || kw_ < 1 || sh_ < 1 || sw_ < 1)
        throwShapeError(type(), {input},
                        "kernel_size and strides must be at least 1, got kernel " + std::to_string(kh_) + "x" +
                            std::to_string(kw_) + ", strides " + std::to_string(sh_) + "x" + std::to_string(sw_));
    if (oph_ < 0 || opw_ < 0 || oph_ >= sh_ || opw_ >= sw_)
        throwShapeError(type(), {input},
                        "output_padding must be at least 0 and smaller than the stride, got " +
                            std::to_string(oph_) + "x" + std::to_string(opw_) + " with strides " +
                            std::to_string(sh_) + "x" + std::to_string(sw_));
    if (padding_.kind == Padding::Kind::Same && (oph_ || opw_))
        throwShapeError(type(), {input},
                        "output_padding needs padding \"valid\" or a number of pixels; \"same\" already gives "
                        "height x stride");
    if (input.size() != 3)
        throwShapeError(type(), {input},
                        "Conv2DTranspose expects (channels, height, width); got " + toString(input) +
                            ". Feed it feature maps, or add a Reshape layer such as [channels, height, width]");
    if (std::any_of(input.begin(), input.end(), [](int d) { return d < 1; }))
        throwShapeError(type(), {input}, "every axis of the input must be at least 1");
    const WindowGeometry g = geometry(input);
    if (g.height < 1 || g.width < 1)
        throwShapeError(type(), {input},
                        "padding " + padding_.describe() + " crops more than the " + std::to_string(kh_) + "x" +
                            std::to_string(kw_) + " kernel produces; use less padding");
    return {filters_, g.height, g.width};
}

void Conv2DTranspose::build(const Shape& input) {
    geom_ = geometry(input);
    kernel_ = Tensor({input[0], filters_, kh_, kw_});
    kernelGrad_ = Tensor({input[0], filters_, kh_, kw_});
    if (useBias_) {
        bias_ = Tensor({filters_});
        biasGrad_ = Tensor({filters_});
    }
}

void Conv2DTranspose::reset(Rng& rng, const InitHint& hint) {
    // Fans as Keras and PyTorch count them for a transposed kernel: in = filters·kh·kw.
    const int receptive = kh_ * kw_;
    const int fanIn = filters_ * receptive, fanOut = kernel_.dim(0) * receptive;
    kernelInit_.apply(kernel_, fanIn, fanOut, rng, hint.reluFollows);
    if (useBias_) biasInit_.apply(bias_, fanIn, fanOut, rng, false);
}

void Conv2DTranspose::forward(const Tensor& x, Tensor& y, Mode) {
    const int N = x.batch(), C = x.dim(1);
    const int F = filters_, K = geom_.patchSize(), P = geom_.outPixels();  // K = F·kh·kw, P = H·W
    const int outPlane = geom_.height * geom_.width;
    y.resize({N, F, geom_.height, geom_.width});
    const bool pointwise = geom_.isPointwise();

    const ConstMatrixMap Wt(kernel_.data(), C, K);
    const bool parallel = double(N) * C * K * P > kParallelMinFlops;
#pragma omp parallel for schedule(dynamic) if (parallel)
    for (int n = 0; n < N; ++n) {
        const ConstMat X(x.sample(n), C, P);
        float* out = y.sample(n);
        if (pointwise) {
            Mat(out, F, P).noalias() = Wt.transpose() * X;
        } else {
            float* col = threadScratch(0, std::size_t(K) * P);
            Mat(col, K, P).noalias() = Wt.transpose() * X;
            col2im(col, geom_, out);
        }
        if (useBias_) {
            Mat Y(out, F, outPlane);
            for (int f = 0; f < F; ++f) Y.row(f).array() += bias_[f];
        }
    }
}

void Conv2DTranspose::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) {
    const bool wantParams = parameterGradients_;
    if (!wantParams && !dx) return;
    const int N = x.batch(), C = x.dim(1);
    const int F = filters_, K = geom_.patchSize(), P = geom_.outPixels();
    const int outPlane = geom_.height * geom_.width;
    const bool pointwise = geom_.isPointwise();
    grads_.prepare(N, wantParams ? std::size_t(C) * K : 0, wantParams && useBias_ ? std::size_t(F) : 0);
    if (dx) dx->resizeLike(x);

    const ConstMatrixMap Wt(kernel_.data(), C, K);
    grads_.run(double(N) * C * K * P > kParallelMinFlops, [&](int c) {
        for (int n = grads_.begin(c); n < grads_.end(c); ++n) {
            const float* d = dy.sample(n);
            if (wantParams && useBias_) VectorMap(grads_.bias(c), F) += ConstMat(d, F, outPlane).rowwise().sum();
            const float* col = d;  // pointwise: dy itself is (F, H·W)
            if (!pointwise) {
                float* buf = threadScratch(0, std::size_t(K) * P);
                im2col(d, geom_, buf);
                col = buf;
            }
            const ConstMat dCol(col, K, P);
            if (wantParams) MatrixMap(grads_.kernel(c), C, K).noalias() += ConstMat(x.sample(n), C, P) * dCol.transpose();
            if (dx) Mat(dx->sample(n), C, P).noalias() = Wt * dCol;
        }
    });
    if (wantParams) grads_.addTo(kernelGrad_, useBias_ ? &biasGrad_ : nullptr);
}

std::vector<Param> Conv2DTranspose::parameters() {
    std::vector<Param> p{{"kernel", &kernel_, &kernelGrad_}};
    if (useBias_) p.push_back({"bias", &bias_, &biasGrad_});
    return p;
}

void registerTransposedConvolutionLayers(LayerRegistry& r) {
    r.add({"Conv2DTranspose", "Convolution",
           "Learned upsampling (the adjoint of Conv2D): strides 2 doubles height and width",
           Json{{"filters", 16},
                {"kernel_size", 2},
                {"strides", 2},
                {"padding", "same"},
                {"output_padding", 0},
                {"use_bias", true},
                {"kernel_initializer", "auto"},
                {"bias_initializer", "zeros"}},
           [](const Json& c) {
               const char* t = "Conv2DTranspose";
               const bool noOutputPadding = c.contains("output_padding") && c.at("output_padding").is_null();
               return std::make_unique<Conv2DTranspose>(
                   configInt(c, "filters", t), configPair(c, "kernel_size", t), configPair(c, "strides", t),
                   Padding::parse(c.at("padding"), t),
                   noOutputPadding ? std::pair<int, int>{0, 0} : configPair(c, "output_padding", t),
                   configBool(c, "use_bias", t), Initializer::parse(c.at("kernel_initializer")),
                   Initializer::parse(c.at("bias_initializer")));
           }});
}

}  // namespace deepfield
