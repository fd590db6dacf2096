#pragma once
#include <utility>

#include "layers/direct_conv.h"
#include "layers/im2col.h"
#include "layers/initializer.h"
#include "layers/layer.h"

namespace deepfield {

// Conv2D(filters, kernel_size, strides, padding): y[f] = Σ_c W[f, c] ⋆ x[c] + b[f].
// x (N, C, H, W), W (filters, C, kh, kw) as PyTorch's OIHW, b (filters), y (N, filters, Ho, Wo).
// Computed per sample as one matrix product Y (F, Ho·Wo) = W (F, C·kh·kw) · im2col(x), or for
// stride-1 "same" windows by the direct convolution of direct_conv.h; samples spread over
// OpenMP threads (Eigen runs single-threaded inside the parallel region).
class Conv2D : public UnaryLayer {
public:
    Conv2D(int filters, std::pair<int, int> kernelSize, std::pair<int, int> strides = {1, 1},
           Padding padding = Padding{Padding::Kind::Same}, bool useBias = true, Initializer kernelInit = {},
           Initializer biasInit = Initializer{"zeros"});
    std::string type() const override { return "Conv2D"; }
    Json config() const override;
    Shape outputShape(const Shape& input) const override;
    void build(const Shape& input) override;
    void reset(Rng& rng, const InitHint& hint) override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;
    std::vector<Param> parameters() override;

    Tensor& kernel() { return kernel_; }
    Tensor& bias() { return bias_; }
    const Padding& padding() const { return padding_; }
    // Whether a training forward keeps im2col columns for backward (else backward recomputes them).
    // Even when on, columns larger than kMaxCachedColumnBytes per batch are recomputed: they would
    // dominate training memory (a U-Net's full-resolution layers) for little time saved. 20 MiB
    // keeps every layer of a 64×64 CNN at batch 32 (up to 19 MiB) and the U-Net's coarser ones.
    void setCacheColumns(bool on) { cacheColumns_ = on; }
    static constexpr std::size_t kMaxCachedColumnBytes = std::size_t(20) << 20;
    // Whether backward accumulates kernel and bias gradients. Off while only input gradients are
    // wanted (attribution): backward then needs neither im2col nor the dW product.
    void setParameterGradients(bool on) { parameterGradients_ = on; }
    bool parameterGradients() const { return parameterGradients_; }
    // Whether stride-1 "same" windows use the direct convolution (direct_conv.h) for the output,
    // the input gradient and (from 32×32 pixels) the kernel gradient instead of im2col products.
    // On by default; tests switch it off to compare the two paths.
    void setDirectConvolution(bool on) { directConvolution_ = on; }

private:
    WindowGeometry geometry(const Shape& input) const;
    // im2col of output rows [row0, row0 + rows) of sample n (from the cache or into thread scratch).
    const float* columnsFor(const Tensor& x, int n, int row0, int rows) const;

    int filters_;
    int kh_, kw_, sh_, sw_;
    Padding padding_;
    bool useBias_;
    Initializer kernelInit_, biasInit_;
    Tensor kernel_, kernelGrad_;  // (filters, C, kh, kw)
    Tensor bias_, biasGrad_;      // (filters)

    WindowGeometry geom_;
    bool cacheColumns_ = true;
    // Training forward keeps every sample's columns for backward: (N, C·kh·kw, Ho·Wo).
    Tensor colCache_;
    const float* cachedInput_ = nullptr;  // data pointer of the x the cache was built from
    bool parameterGradients_ = true;
    ChunkedGradients grads_;              // per chunk of samples: dW (filters, C·kh·kw), db (filters)
    Tensor flipped_;                      // dx of a stride-1 layer (C ≥ filters or direct): (C, filters·kh·kw)
    bool directConvolution_ = true;
    DirectConvKernel direct_, directFlipped_;  // kernel_ and flipped_ packed for directConv
};

}  // namespace deepfield
