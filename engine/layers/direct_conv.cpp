#include "layers/direct_conv.h"

#include <Eigen/Core>
#include <algorithm>
#include <cstring>

namespace deepfield {

namespace {
using Packet = Eigen::internal::packet_traits<float>::type;
constexpr int kLanes = Eigen::internal::packet_traits<float>::size;
// Register block: kPixels output vectors × kFilters filters of accumulators, plus kPixels input
// vectors and one broadcast weight, within the 32 vector registers of AVX-512 (16 otherwise).
// The kernel gradient's block: kGradFilters filters × kGradTaps taps of accumulators, plus the
// taps' input vectors and one vector of dy.
#ifdef EIGEN_VECTORIZE_AVX512
constexpr int kPixels = 4, kFilters = 6;
constexpr int kGradFilters = 4, kGradTaps = 6;
#else
constexpr int kPixels = 2, kFilters = 6;
constexpr int kGradFilters = 2, kGradTaps = 4;
#endif

struct Layout {
    const float* pad;             // zero-bordered input (C, Hp, Wp)
    const std::ptrdiff_t* taps;   // offset in `pad` of each (channel, kernel row, kernel column)
    int tapCount;                 // C·kh·kw
    std::ptrdiff_t outPlane;      // H·W
};

// One register block: PB output vectors (at offsets xOff in the padded plane, yOff in the output
// plane) × FB filters whose weights w are (C, kh, kw, FB); y points at the block's first filter.
template <int PB, int FB>
void block(const Layout& l, const std::ptrdiff_t* xOff, const std::ptrdiff_t* yOff, const float* w,
           const float* bias, float* y) {
    using namespace Eigen::internal;
    Packet acc[FB][PB];
    for (int q = 0; q < FB; ++q) {
        const Packet b = bias ? pset1<Packet>(bias[q]) : pset1<Packet>(0.0f);
        for (int p = 0; p < PB; ++p) acc[q][p] = b;
    }
    const float* xp[PB];
    for (int p = 0; p < PB; ++p) xp[p] = l.pad + xOff[p];
    // One flat loop over the taps: nested loops made GCC spill the accumulators at every row.
    for (int t = 0; t < l.tapCount; ++t, w += FB) {
        const std::ptrdiff_t off = l.taps[t];
        Packet xv[PB];
        for (int p = 0; p < PB; ++p) xv[p] = ploadu<Packet>(xp[p] + off);
        for (int q = 0; q < FB; ++q) {
            const Packet wq = pset1<Packet>(w[q]);
            for (int p = 0; p < PB; ++p) acc[q][p] = pmadd(xv[p], wq, acc[q][p]);
        }
    }
    for (int q = 0; q < FB; ++q)
        for (int p = 0; p < PB; ++p) pstoreu(y + q * l.outPlane + yOff[p], acc[q][p]);
}

// block<PB, fb> for a run-time fb in 1..FB.
template <int PB, int FB = kFilters>
void blockFilters(int fb, const Layout& l, const std::ptrdiff_t* xOff, const std::ptrdiff_t* yOff, const float* w,
                  const float* bias, float* y) {
    if constexpr (FB >= 1) {
        if (fb == FB) return block<PB, FB>(l, xOff, yOff, w, bias, y);
        blockFilters<PB, FB - 1>(fb, l, xOff, yOff, w, bias, y);
    }
}

template <int PB = kPixels>
void blockPixels(int pb, int fb, const Layout& l, const std::ptrdiff_t* xOff, const std::ptrdiff_t* yOff,
                 const float* w, const float* bias, float* y) {
    if constexpr (PB >= 1) {
        if (pb == PB) return blockFilters<PB>(fb, l, xOff, yOff, w, bias, y);
        blockPixels<PB - 1>(pb, fb, l, xOff, yOff, w, bias, y);
    }
}

struct GradLayout {
    const float* pad;        // zero-bordered input (C, Hp, Wp)
    const float* dy;         // (F, H, W)
    std::ptrdiff_t outPlane;  // H·W
    int vectors, perRow;     // output vectors in the image and per row
    int rowSkip;             // kw − 1: padded columns between the end of one row and the next
};

// dW[f0 + q, t0 + t] += Σ_pixels dy[f0 + q, p] · pad[taps[t] + p] for a block of FB filters × TB
// taps; dW points at (f0, t0), rows `stride` apart.
template <int FB, int TB>
void gradBlock(const GradLayout& l, int f0, const std::ptrdiff_t* taps, float* dW, std::ptrdiff_t stride) {
    using namespace Eigen::internal;
    Packet acc[FB][TB];
    for (int q = 0; q < FB; ++q)
        for (int t = 0; t < TB; ++t) acc[q][t] = pset1<Packet>(0.0f);
    const float* xs[TB];
    for (int t = 0; t < TB; ++t) xs[t] = l.pad + taps[t];
    const float* d = l.dy + f0 * l.outPlane;
    // One flat loop over the output vectors (see block: nested loops spill the accumulators).
    for (int v = 0, col = 0; v < l.vectors; ++v) {
        Packet xv[TB];
        for (int t = 0; t < TB; ++t) xv[t] = ploadu<Packet>(xs[t]);
        for (int q = 0; q < FB; ++q) {
            const Packet dq = ploadu<Packet>(d + q * l.outPlane);
            for (int t = 0; t < TB; ++t) acc[q][t] = pmadd(dq, xv[t], acc[q][t]);
        }
        d += kLanes;
        const int step = ++col == l.perRow ? (col = 0, kLanes + l.rowSkip) : kLanes;
        for (int t = 0; t < TB; ++t) xs[t] += step;
    }
    for (int q = 0; q < FB; ++q)
        for (int t = 0; t < TB; ++t) dW[q * stride + t] += predux(acc[q][t]);
}

template <int FB, int TB = kGradTaps>
void gradTaps(int tb, const GradLayout& l, int f0, const std::ptrdiff_t* taps, float* dW, std::ptrdiff_t stride) {
    if constexpr (TB >= 1) {
        if (tb == TB) return gradBlock<FB, TB>(l, f0, taps, dW, stride);
        gradTaps<FB, TB - 1>(tb, l, f0, taps, dW, stride);
    }
}

template <int FB = kGradFilters>
void gradFilters(int fb, int tb, const GradLayout& l, int f0, const std::ptrdiff_t* taps, float* dW,
                 std::ptrdiff_t stride) {
    if constexpr (FB >= 1) {
        if (fb == FB) return gradTaps<FB>(tb, l, f0, taps, dW, stride);
        gradFilters<FB - 1>(fb, tb, l, f0, taps, dW, stride);
    }
}

// Offsets in the padded input (C, Hp, Wp) of every tap (c, i, j), in kernel order.
const std::vector<std::ptrdiff_t>& tapOffsets(const WindowGeometry& g, int Hp, int Wp) {
    static thread_local std::vector<std::ptrdiff_t> taps;
    taps.clear();
    for (int c = 0; c < g.channels; ++c)
        for (int i = 0; i < g.kh; ++i)
            for (int j = 0; j < g.kw; ++j) taps.push_back((std::ptrdiff_t(c) * Hp + i) * Wp + j);
    return taps;
}

// x (C, H, W) into (C, H + kh − 1, W + kw − 1) with the window's padding as zeros around it.
void padInput(const float* x, const WindowGeometry& g, float* pad) {
    const int H = g.height, W = g.width, Hp = H + g.kh - 1, Wp = W + g.kw - 1;
    for (int c = 0; c < g.channels; ++c) {
        for (int r = 0; r < Hp; ++r) {
            float* row = pad + (std::ptrdiff_t(c) * Hp + r) * Wp;
            const int ir = r - g.padTop;
            if (ir < 0 || ir >= H) {
                std::fill(row, row + Wp, 0.0f);
                continue;
            }
            std::fill(row, row + g.padLeft, 0.0f);
            std::memcpy(row + g.padLeft, x + (std::ptrdiff_t(c) * H + ir) * W, sizeof(float) * std::size_t(W));
            std::fill(row + g.padLeft + W, row + Wp, 0.0f);
        }
    }
}
}  // namespace

bool directConvApplies(const WindowGeometry& g) {
    return g.sh == 1 && g.sw == 1 && g.outH == g.height && g.outW == g.width && g.width % kLanes == 0 &&
           g.padTop >= 0 && g.padLeft >= 0 && g.padTop < g.kh && g.padLeft < g.kw;
}

bool directKernelGradientApplies(const WindowGeometry& g) {
    return directConvApplies(g) && g.outPixels() >= 32 * 32;
}

void DirectConvKernel::pack(const float* kernel, int filters, const WindowGeometry& g) {
    const int C = g.channels, taps = g.kh * g.kw;
    filters_ = filters;
    packed_.resize(std::size_t(filters) * C * taps);
    float* out = packed_.data();
    for (int f0 = 0; f0 < filters; f0 += kFilters) {
        const int fb = std::min(kFilters, filters - f0);
        for (int c = 0; c < C; ++c)
            for (int t = 0; t < taps; ++t)
                for (int q = 0; q < fb; ++q) *out++ = kernel[(std::size_t(f0 + q) * C + c) * taps + t];
    }
}

void directConv(const float* x, const WindowGeometry& g, const DirectConvKernel& k, const float* bias, float* y) {
    const int H = g.height, W = g.width, Hp = H + g.kh - 1, Wp = W + g.kw - 1, F = k.filters_;
    float* pad = threadScratch(2, std::size_t(g.channels) * Hp * Wp);
    padInput(x, g, pad);
    const std::vector<std::ptrdiff_t>& taps = tapOffsets(g, Hp, Wp);
    const Layout l{pad, taps.data(), int(taps.size()), std::ptrdiff_t(H) * W};
    const std::size_t blockStride = std::size_t(g.channels) * g.kh * g.kw;  // weights per filter
    const int perRow = W / kLanes, vectors = H * perRow;
    for (int t0 = 0; t0 < vectors; t0 += kPixels) {
        const int pb = std::min(kPixels, vectors - t0);
        std::ptrdiff_t xOff[kPixels], yOff[kPixels];
        for (int p = 0; p < pb; ++p) {
            const int oh = (t0 + p) / perRow, ow = (t0 + p) % perRow * kLanes;
            xOff[p] = std::ptrdiff_t(oh) * Wp + ow;
            yOff[p] = std::ptrdiff_t(oh) * W + ow;
        }
        const float* w = k.packed_.data();
        for (int f0 = 0; f0 < F; f0 += kFilters) {
            const int fb = std::min(kFilters, F - f0);
            blockPixels(pb, fb, l, xOff, yOff, w, bias ? bias + f0 : nullptr, y + f0 * l.outPlane);
            w += blockStride * fb;
        }
    }
}

void directConvKernelGradient(const float* x, const WindowGeometry& g, const float* dy, int filters, float* dW) {
    const int H = g.height, W = g.width, Hp = H + g.kh - 1, Wp = W + g.kw - 1;
    float* pad = threadScratch(2, std::size_t(g.channels) * Hp * Wp);
    padInput(x, g, pad);
    const std::vector<std::ptrdiff_t>& taps = tapOffsets(g, Hp, Wp);
    const int K = int(taps.size());
    const GradLayout l{pad, dy, std::ptrdiff_t(H) * W, H * (W / kLanes), W / kLanes, g.kw - 1};
    for (int f0 = 0; f0 < filters; f0 += kGradFilters) {
        const int fb = std::min(kGradFilters, filters - f0);
        for (int t0 = 0; t0 < K; t0 += kGradTaps)
            gradFilters(fb, std::min(kGradTaps, K - t0), l, f0, taps.data() + t0, dW + std::ptrdiff_t(f0) * K + t0, K);
    }
}

}  // namespace deepfield
