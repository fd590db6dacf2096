#pragma once
// Direct convolution for stride-1 windows whose output has the input's size ("same"), the
// 3×3 layers of a CNN or U-Net. An im2col GEMM writes a column matrix 9× the image, then
// packs it again for its micro-kernel; with 16–64 filters each column element is used only
// 16–64 times, so those two passes through memory cost as much as the arithmetic. Here a
// block of output vectors (a run of pixels along rows) times a block of filters is summed in
// registers over (channel, kernel row, kernel column), reading a zero-bordered copy of the
// input: nothing is written but the input's padded copy and the output.
#include <cstddef>
#include <vector>

#include "layers/im2col.h"

namespace deepfield {

// True when directConv computes this window: stride 1, output size = input size, and image
// rows a whole number of SIMD vectors (else the GEMM path is used).
bool directConvApplies(const WindowGeometry& g);

// A kernel (F, C, kh, kw) reordered into filter blocks, each (C, kh, kw, block), so the inner
// loop reads the weights it broadcasts in order.
class DirectConvKernel {
public:
    void pack(const float* kernel, int filters, const WindowGeometry& g);
    int filters() const { return filters_; }

private:
    friend void directConv(const float*, const WindowGeometry&, const DirectConvKernel&, const float*, float*);
    int filters_ = 0;
    std::vector<float> packed_;
};

// y (F, H, W) = bias[f] (or 0 when bias is null) + Σ_c kernel[f, c] ⋆ x[c], for one sample x (C, H, W).
// Uses the calling thread's scratch slot 2 for the padded input.
void directConv(const float* x, const WindowGeometry& g, const DirectConvKernel& k, const float* bias, float* y);

// True when directConvKernelGradient is the faster way to this window's kernel gradient: a direct
// window on an image of at least 32×32 pixels. On smaller images each (filter, tap) sum has too
// few vectors to pay for its final reduction, and the im2col product wins.
bool directKernelGradientApplies(const WindowGeometry& g);

// The kernel gradient of the same convolution for one sample: dW (F, C·kh·kw) += Σ_pixels dy[f] ·
// x[window tap], each (filter, tap) pair summed in SIMD lanes over the image and reduced once.
// Also uses scratch slot 2.
void directConvKernelGradient(const float* x, const WindowGeometry& g, const float* dy, int filters, float* dW);

}  // namespace deepfield
