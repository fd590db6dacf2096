#pragma once
#include <utility>
#include <vector>

#include "layers/im2col.h"
#include "layers/initializer.h"
#include "layers/layer.h"

namespace deepfield {

class LayerRegistry;

// Conv2DTranspose(filters, kernel_size, strides, padding, output_padding): the adjoint of a
// Conv2D, used to upsample in decoders. x (N, C, H, W), kernel (C, filters, kh, kw) as PyTorch's
// ConvTranspose2d, bias (filters), y (N, filters, Ho, Wo) with, per axis,
//   explicit p:  Ho = (H − 1)·s − 2p + k + output_padding       (PyTorch)
//   "same":      Ho = H·s  (Keras; the cropping is the TensorFlow "same" rule of the forward conv)
//   "valid":     Ho = (H − 1)·s + k + output_padding
// Per sample: col (F·kh·kw, H·W) = Kᵀ (F·kh·kw, C) · X (C, H·W), then col2im scatters the
// columns into y; backward is im2col of dy and two matrix products. Samples over OpenMP threads.
class Conv2DTranspose : public UnaryLayer {
public:
    Conv2DTranspose(int filters, std::pair<int, int> kernelSize, std::pair<int, int> strides = {1, 1},
                    Padding padding = Padding{Padding::Kind::Same}, std::pair<int, int> outputPadding = {0, 0},
                    bool useBias = true, Initializer kernelInit = {}, Initializer biasInit = Initializer{"zeros"});
    std::string type() const override { return "Conv2DTranspose"; }
    Json config() const override;
    Shape outputShape(const Shape& input) const override;
    void build(const Shape& input) override;
    void reset(Rng& rng, const InitHint& hint) override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;
    std::vector<Param> parameters() override;

    Tensor& kernel() { return kernel_; }
    Tensor& bias() { return bias_; }
    // Whether backward accumulates kernel and bias gradients (off: input gradients only).
    void setParameterGradients(bool on) { parameterGradients_ = on; }
    bool parameterGradients() const { return parameterGradients_; }

private:
    // The geometry of the forward Conv2D this layer is the adjoint of: a window over the
    // output (filters, Ho, Wo) whose outH/outW are the input's H/W.
    WindowGeometry geometry(const Shape& input) const;

    int filters_;
    int kh_, kw_, sh_, sw_;
    Padding padding_;
    int oph_, opw_;
    bool useBias_;
    Initializer kernelInit_, biasInit_;
    Tensor kernel_, kernelGrad_;  // (C, filters, kh, kw)
    Tensor bias_, biasGrad_;      // (filters)

    WindowGeometry geom_;
    bool parameterGradients_ = true;
    ChunkedGradients grads_;              // per chunk of samples: dW (C, filters·kh·kw), db (filters)
};

void registerTransposedConvolutionLayers(LayerRegistry& r);

}  // namespace deepfield
