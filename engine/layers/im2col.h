#pragma once
// Geometry of 2-D sliding windows (Conv2D, pooling) and the im2col / col2im transforms
// that turn a convolution into one matrix product:  Y (F, Ho·Wo) = W (F, C·kh·kw) · col.
#include <functional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/tensor.h"

namespace deepfield {

// Keras padding: "valid" (none), "same" (TensorFlow rule: output = ceil(in / stride), total
// padding max((out − 1)·s + k − in, 0), the odd pixel at the bottom/right), or an explicit
// symmetric number of pixels per side as in PyTorch (an int or [ph, pw]).
struct Padding {
    enum class Kind { Valid, Same, Explicit };
    Kind kind = Kind::Valid;
    int h = 0, w = 0;  // Explicit only

    // Accepts "same", "valid", an int or [ph, pw]; explicit padding only when allowExplicit.
    // Throws InputError naming the layer type.
    static Padding parse(const Json& j, const std::string& layerType, bool allowExplicit = true);
    Json toJson() const;
    std::string describe() const;  // "same", "valid", "1", "[1, 2]"
};

// Output size and leading padding along one axis; out < 1 when the window does not fit.
struct AxisWindow {
    int out = 0;
    int padBefore = 0;
};
AxisWindow axisWindow(int in, int kernel, int stride, Padding::Kind kind, int explicitPad);

// A window of kh×kw sliding with strides (sh, sw) over a (C, H, W) image.
struct WindowGeometry {
    int channels = 0, height = 0, width = 0;
    int kh = 1, kw = 1, sh = 1, sw = 1;
    int padTop = 0, padLeft = 0;
    int outH = 0, outW = 0;

    static WindowGeometry make(int channels, int height, int width, int kh, int kw, int sh, int sw,
                               const Padding& padding);
    int outPixels() const { return outH * outW; }
    int patchSize() const { return channels * kh * kw; }
    // True when col would equal the image itself (1×1 kernel, stride 1, no padding).
    bool isPointwise() const {
        return kh == 1 && kw == 1 && sh == 1 && sw == 1 && padTop == 0 && padLeft == 0;
    }
};

// x (C, H, W) -> col (C·kh·kw, Ho·Wo); row (c, i, j) holds x[c, oh·sh − padTop + i, ow·sw − padLeft + j]
// (zero outside the image).
void im2col(const float* x, const WindowGeometry& g, float* col);
// The adjoint: dx (C, H, W) = Σ over windows of dcol, scattered back. Overwrites dx.
void col2im(const float* col, const WindowGeometry& g, float* dx);

// A buffer of at least `floats` floats owned by the calling thread and shared by every
// convolution run on it (slot 0: im2col columns, slot 1: their gradient, slot 2: the padded
// input of a direct convolution). Layers keep no per-thread scratch of their own, so a deep
// network holds one set of buffers per thread instead of one per layer (tens of MiB in a
// U-Net). Valid until this thread's next call with the same slot.
float* threadScratch(int slot, std::size_t floats);

// Parameter gradients of a batch computed in fixed chunks of samples (a few per OpenMP thread),
// each chunk with its own partial sums, added in chunk order: results do not depend on thread
// timing (no atomic float accumulation). Shared by Conv2D and Conv2DTranspose backward.
class ChunkedGradients {
public:
    static constexpr int kChunksPerThread = 4;
    // Splits N samples into min(N, kChunksPerThread · threads) chunks; partial buffers of
    // kernelSize and biasSize floats per chunk (biasSize 0: no bias), zeroed by run().
    void prepare(int samples, std::size_t kernelSize, std::size_t biasSize);
    int chunks() const { return chunks_; }
    int begin(int chunk) const { return int(long(chunk) * samples_ / chunks_); }
    int end(int chunk) const { return begin(chunk + 1); }
    float* kernel(int chunk) { return kernel_.data() + std::size_t(chunk) * kernelSize_; }
    float* bias(int chunk) { return bias_.data() + std::size_t(chunk) * biasSize_; }
    // kernelGrad += Σ_chunks kernel partials (in chunk order); likewise the bias when given.
    void addTo(Tensor& kernelGrad, Tensor* biasGrad) const;
    // Zeroes each chunk's partials, then body(chunk), for every chunk, on OpenMP threads
    // (dynamically) when `parallel`.
    void run(bool parallel, const std::function<void(int chunk)>& body);

private:
    int samples_ = 0, chunks_ = 1;
    std::size_t kernelSize_ = 0, biasSize_ = 0;
    std::vector<float> kernel_, bias_;
};

}  // namespace deepfield
