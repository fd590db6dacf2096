#include "layers/im2col.h"

#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "core/error.h"

namespace deepfield {

Padding Padding::parse(const Json& j, const std::string& layerType, bool allowExplicit) {
    Padding p;
    const char* want = allowExplicit ? "\"same\", \"valid\", a number of pixels or a pair [ph, pw]"
                                     : "\"same\" or \"valid\"";
    if (j.is_string()) {
        const std::string s = j.get<std::string>();
        if (s == "same") p.kind = Kind::Same;
        else if (s == "valid") p.kind = Kind::Valid;
        else throw InputError(layerType + ": hyper-parameter 'padding' must be " + want + ", got " + j.dump());
        return p;
    }
    if (allowExplicit && j.is_number_integer() && j.get<int>() >= 0) {
        p.kind = Kind::Explicit;
        p.h = p.w = j.get<int>();
        return p;
    }
    if (allowExplicit && j.is_array() && j.size() == 2 && j[0].is_number_integer() && j[1].is_number_integer() &&
        j[0].get<int>() >= 0 && j[1].get<int>() >= 0) {
        p.kind = Kind::Explicit;
        p.h = j[0].get<int>();
        p.w = j[1].get<int>();
        return p;
    }
    throw InputError(layerType + ": hyper-parameter 'padding' must be " + want + ", got " + j.dump());
}

Json Padding::toJson() const {
    switch (kind) {
        case Kind::Same: return "same";
        case Kind::Valid: return "valid";
        case Kind::Explicit: return h == w ? Json(h) : Json{h, w};
    }
    return "valid";
}

std::string Padding::describe() const {
    const Json j = toJson();
    return j.is_string() ? j.get<std::string>() : j.dump();
}

AxisWindow axisWindow(int in, int kernel, int stride, Padding::Kind kind, int explicitPad) {
    AxisWindow a;
    switch (kind) {
        case Padding::Kind::Valid:
            a.out = in >= kernel ? (in - kernel) / stride + 1 : 0;
            break;
        case Padding::Kind::Same: {
            a.out = (in + stride - 1) / stride;
            const int total = std::max((a.out - 1) * stride + kernel - in, 0);
            a.padBefore = total / 2;
            break;
        }
        case Padding::Kind::Explicit: {
            const int padded = in + 2 * explicitPad;
            a.out = padded >= kernel ? (padded - kernel) / stride + 1 : 0;
            a.padBefore = explicitPad;
            break;
        }
    }
    return a;
}

WindowGeometry WindowGeometry::make(int channels, int height, int width, int kh, int kw, int sh, int sw,
                                    const Padding& padding) {
    WindowGeometry g;
    g.channels = channels;
    g.height = height;
    g.width = width;
    g.kh = kh;
    g.kw = kw;
    g.sh = sh;
    g.sw = sw;
    const AxisWindow ah = axisWindow(height, kh, sh, padding.kind, padding.h);
    const AxisWindow aw = axisWindow(width, kw, sw, padding.kind, padding.w);
    g.outH = ah.out;
    g.outW = aw.out;
    g.padTop = ah.padBefore;
    g.padLeft = aw.padBefore;
    return g;
}

namespace {
// Output columns [lo, hi) whose input column ow·sw − padLeft + j lies inside [0, width).
void validColumns(const WindowGeometry& g, int j, int& lo, int& hi) {
    const int shift = j - g.padLeft;  // iw = ow·sw + shift
    lo = shift >= 0 ? 0 : (-shift + g.sw - 1) / g.sw;
    hi = g.width - 1 - shift >= 0 ? (g.width - 1 - shift) / g.sw + 1 : 0;
    lo = std::min(lo, g.outW);
    hi = std::clamp(hi, lo, g.outW);
}
}  // namespace

namespace {
// im2col of a stride-1 window whose output rows are as wide as the image ("same" padding): for one
// kernel tap (i, j) the valid output rows read consecutive image rows shifted by j − padLeft, so the
// whole block is one copy, then the columns the shift pushed off the image are zeroed. Small maps
// (16×16, 8×8) otherwise pay a fill, a memcpy call and a fill per row of 8–16 values.
void im2colSameWidth(const float* x, const WindowGeometry& g, float* col) {
    const int P = g.outPixels(), W = g.width;
    const long plane = long(g.height) * W;
    for (int c = 0; c < g.channels; ++c) {
        const float* xc = x + c * plane;
        for (int i = 0; i < g.kh; ++i) {
            // Output rows whose image row oh − padTop + i lies inside the image.
            const int oh0 = std::clamp(g.padTop - i, 0, g.outH);
            const int oh1 = std::clamp(g.height + g.padTop - i, oh0, g.outH);
            for (int j = 0; j < g.kw; ++j) {
                float* row = col + static_cast<std::size_t>((c * g.kh + i) * g.kw + j) * P;
                const int shift = j - g.padLeft;
                std::fill(row, row + oh0 * W, 0.0f);
                std::fill(row + oh1 * W, row + P, 0.0f);
                if (oh1 <= oh0) continue;
                // Source of output (oh0, 0) is image index (oh0 − padTop + i)·W + shift; clamp the
                // block to the plane: what falls outside is an edge column, zeroed below anyway.
                const long begin = long(oh0 - g.padTop + i) * W + shift, end = begin + long(oh1 - oh0) * W;
                const long from = std::max(begin, 0L), to = std::min(end, plane);
                float* d = row + oh0 * W;
                if (to > from) std::memcpy(d + (from - begin), xc + from, sizeof(float) * std::size_t(to - from));
                const int edge = std::min(std::abs(shift), W);
                if (edge == 0) continue;
                for (int oh = oh0; oh < oh1; ++oh) {
                    float* r = row + oh * W;
                    if (shift < 0) std::fill(r, r + edge, 0.0f);
                    else std::fill(r + W - edge, r + W, 0.0f);
                }
            }
        }
    }
}
}  // namespace

void im2col(const float* x, const WindowGeometry& g, float* col) {
    if (g.sh == 1 && g.sw == 1 && g.outW == g.width) {
        im2colSameWidth(x, g, col);
        return;
    }
    const int P = g.outPixels();
    for (int c = 0; c < g.channels; ++c) {
        const float* plane = x + static_cast<std::size_t>(c) * g.height * g.width;
        for (int i = 0; i < g.kh; ++i) {
            for (int j = 0; j < g.kw; ++j) {
                float* row = col + static_cast<std::size_t>((c * g.kh + i) * g.kw + j) * P;
                int lo, hi;
                validColumns(g, j, lo, hi);
                const int shift = j - g.padLeft;
                for (int oh = 0; oh < g.outH; ++oh) {
                    float* d = row + oh * g.outW;
                    const int ih = oh * g.sh - g.padTop + i;
                    if (ih < 0 || ih >= g.height) {
                        std::fill(d, d + g.outW, 0.0f);
                        continue;
                    }
                    const float* s = plane + ih * g.width;
                    std::fill(d, d + lo, 0.0f);
                    if (g.sw == 1) {
                        if (hi > lo)
                            std::memcpy(d + lo, s + lo + shift, sizeof(float) * static_cast<std::size_t>(hi - lo));
                    } else {
                        for (int ow = lo; ow < hi; ++ow) d[ow] = s[ow * g.sw + shift];
                    }
                    std::fill(d + hi, d + g.outW, 0.0f);
                }
            }
        }
    }
}

void col2im(const float* col, const WindowGeometry& g, float* dx) {
    const int P = g.outPixels();
    std::fill(dx, dx + static_cast<std::size_t>(g.channels) * g.height * g.width, 0.0f);
    for (int c = 0; c < g.channels; ++c) {
        float* plane = dx + static_cast<std::size_t>(c) * g.height * g.width;
        for (int i = 0; i < g.kh; ++i) {
            for (int j = 0; j < g.kw; ++j) {
                const float* row = col + static_cast<std::size_t>((c * g.kh + i) * g.kw + j) * P;
                int lo, hi;
                validColumns(g, j, lo, hi);
                const int shift = j - g.padLeft;
                for (int oh = 0; oh < g.outH; ++oh) {
                    const int ih = oh * g.sh - g.padTop + i;
                    if (ih < 0 || ih >= g.height) continue;
                    const float* s = row + oh * g.outW;
                    float* d = plane + ih * g.width;
                    if (g.sw == 1) {
                        for (int ow = lo; ow < hi; ++ow) d[ow + shift] += s[ow];
                    } else {
                        for (int ow = lo; ow < hi; ++ow) d[ow * g.sw + shift] += s[ow];
                    }
                }
            }
        }
    }
}

float* threadScratch(int slot, std::size_t floats) {
    static thread_local std::vector<float> buffers[3];
    std::vector<float>& b = buffers[slot];
    if (b.size() < floats) b.resize(floats);
    return b.data();
}

void ChunkedGradients::prepare(int samples, std::size_t kernelSize, std::size_t biasSize) {
    samples_ = samples;
    // A few chunks per thread, handed out dynamically, so a thread the machine slows down takes
    // fewer (with one chunk per thread the other waited up to ~12 % of a U-Net step). The chunk
    // boundaries, not the threads, fix the summation order, and with it the rounding of every
    // trained network (tests compare trained results across versions).
    chunks_ = std::max(1, std::min(samples, kChunksPerThread * omp_get_max_threads()));
    kernelSize_ = kernelSize;
    biasSize_ = biasSize;
    kernel_.resize(std::size_t(chunks_) * kernelSize);  // each chunk zeroes its own part in run()
    bias_.resize(std::size_t(chunks_) * biasSize);
}

void ChunkedGradients::addTo(Tensor& kernelGrad, Tensor* biasGrad) const {
    // Blocks of the kernel in parallel; within a block the chunks are added in order.
    const Eigen::Index n = Eigen::Index(kernelSize_);
    constexpr Eigen::Index kBlock = 16384;
#pragma omp parallel for schedule(static) if (n * chunks_ > (1 << 18))
    for (Eigen::Index b0 = 0; b0 < n; b0 += kBlock) {
        const Eigen::Index len = std::min(kBlock, n - b0);
        auto dst = kernelGrad.vec().segment(b0, len);
        for (int c = 0; c < chunks_; ++c) dst += ConstVectorMap(kernel_.data() + std::size_t(c) * kernelSize_ + b0, len);
    }
    if (biasGrad && biasSize_)
        for (int c = 0; c < chunks_; ++c)
            biasGrad->vec() += ConstVectorMap(bias_.data() + std::size_t(c) * biasSize_, Eigen::Index(biasSize_));
}

void ChunkedGradients::run(bool parallel, const std::function<void(int chunk)>& body) {
#pragma omp parallel for schedule(dynamic, 1) if (parallel && chunks_ > 1)
    for (int c = 0; c < chunks_; ++c) {
        std::fill(kernel(c), kernel(c) + kernelSize_, 0.0f);
        std::fill(bias(c), bias(c) + biasSize_, 0.0f);
        body(c);
    }
}

}  // namespace deepfield
