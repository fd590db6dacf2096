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
#ifdef EIGEN_VECTORIZE_AVX512
constexpr int kPixels = 4, kFilters = 6;
#else
constexpr int kPixels = 2, kFilters = 6;
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
    static thread_local std::vector<std::ptrdiff_t> taps;
    taps.clear();
    for (int c = 0; c < g.channels; ++c)
        for (int i = 0; i < g.kh; ++i)
            for (int j = 0; j < g.kw; ++j) taps.push_back((std::ptrdiff_t(c) * Hp + i) * Wp + j);
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

}  // namespace deepfield
