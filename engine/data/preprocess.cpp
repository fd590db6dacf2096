#include "data/preprocess.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace deepfield {

namespace {
void requireImage(const Tensor& t, const char* what) {
    if (t.rank() != 3) throw ShapeError(std::string(what) + ": expected an image (C, H, W), got " + toString(t.shape()));
}

double medianOf(std::vector<float>& v) {
    if (v.empty()) return 0.0;
    const std::size_t m = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(m), v.end());
    double med = v[m];
    if (v.size() % 2 == 0) med = 0.5 * (med + *std::max_element(v.begin(), v.begin() + std::ptrdiff_t(m)));
    return med;
}

// 1-D weights of the area-average resampling: out[o] = sum w * in[i] over the input cells
// overlapping output cell o (width in / out input pixels).
struct AreaWeights {
    std::vector<int> start, count;
    std::vector<float> w;  // flattened
    std::vector<int> offset;
};
AreaWeights areaWeights(int in, int out) {
    AreaWeights a;
    const double scale = double(in) / out;
    for (int o = 0; o < out; ++o) {
        const double lo = o * scale, hi = (o + 1) * scale;
        const int i0 = int(std::floor(lo)), i1 = std::min(in, int(std::ceil(hi)));
        a.start.push_back(i0);
        a.count.push_back(i1 - i0);
        a.offset.push_back(int(a.w.size()));
        for (int i = i0; i < i1; ++i) {
            const double overlap = std::min(hi, double(i + 1)) - std::max(lo, double(i));
            a.w.push_back(float(overlap / scale));
        }
    }
    return a;
}
// Bilinear: out[o] = (1 - f) in[i] + f in[i + 1], source position (o + 0.5) in / out - 0.5.
AreaWeights linearWeights(int in, int out) {
    AreaWeights a;
    const double scale = double(in) / out;
    for (int o = 0; o < out; ++o) {
        const double x = std::clamp((o + 0.5) * scale - 0.5, 0.0, double(in - 1));
        const int i0 = std::min(int(std::floor(x)), std::max(0, in - 2));
        const double f = x - i0;
        a.start.push_back(i0);
        a.offset.push_back(int(a.w.size()));
        if (in == 1) {
            a.count.push_back(1);
            a.w.push_back(1.0f);
        } else {
            a.count.push_back(2);
            a.w.push_back(float(1.0 - f));
            a.w.push_back(float(f));
        }
    }
    return a;
}
}  // namespace

Tensor centerCrop(const Tensor& image, int size) {
    requireImage(image, "centre crop");
    const int c = image.dim(0), h = image.dim(1), w = image.dim(2);
    if (size < 1 || size > h || size > w)
        throw InputError("centre crop of " + std::to_string(size) + " pixels does not fit an image of " +
                         std::to_string(w) + " x " + std::to_string(h) + "; use a smaller --crop");
    const int top = (h - size) / 2, left = (w - size) / 2;
    Tensor out({c, size, size});
    for (int k = 0; k < c; ++k)
        for (int i = 0; i < size; ++i)
            std::copy_n(image.data() + (std::size_t(k) * h + top + i) * w + left, size,
                        out.data() + (std::size_t(k) * size + i) * size);
    return out;
}

Tensor centerCropFraction(const Tensor& image, double fraction) {
    requireImage(image, "centre crop");
    if (!(fraction > 0.0 && fraction <= 1.0))
        throw InputError("centre crop fraction must be in (0, 1], got " + std::to_string(fraction));
    const int side = std::min(image.dim(1), image.dim(2));
    return centerCrop(image, std::max(1, int(std::lround(side * fraction))));
}

Tensor resizeImage(const Tensor& image, int outH, int outW) {
    requireImage(image, "resize");
    const int c = image.dim(0), h = image.dim(1), w = image.dim(2);
    if (outH < 1 || outW < 1) throw InputError("resize: the output size must be positive");
    if (outH == h && outW == w) return image;
    const AreaWeights wy = outH < h ? areaWeights(h, outH) : linearWeights(h, outH);
    const AreaWeights wx = outW < w ? areaWeights(w, outW) : linearWeights(w, outW);
    Tensor out({c, outH, outW});
    std::vector<float> rows(std::size_t(outH) * w);
    for (int k = 0; k < c; ++k) {
        const float* src = image.data() + std::size_t(k) * h * w;
        std::fill(rows.begin(), rows.end(), 0.0f);
        for (int o = 0; o < outH; ++o)  // vertical pass: (outH, w)
            for (int t = 0; t < wy.count[std::size_t(o)]; ++t) {
                const float wt = wy.w[std::size_t(wy.offset[std::size_t(o)] + t)];
                const float* in = src + std::size_t(wy.start[std::size_t(o)] + t) * w;
                float* dst = rows.data() + std::size_t(o) * w;
                for (int j = 0; j < w; ++j) dst[j] += wt * in[j];
            }
        float* dst = out.data() + std::size_t(k) * outH * outW;
        for (int o = 0; o < outH; ++o)  // horizontal pass
            for (int p = 0; p < outW; ++p) {
                float acc = 0.0f;
                const float* in = rows.data() + std::size_t(o) * w + wx.start[std::size_t(p)];
                const float* wt = wx.w.data() + wx.offset[std::size_t(p)];
                for (int t = 0; t < wx.count[std::size_t(p)]; ++t) acc += wt[t] * in[t];
                dst[std::size_t(o) * outW + p] = acc;
            }
    }
    return out;
}

Tensor selectChannels(const Tensor& image, const std::vector<int>& channels) {
    requireImage(image, "channel selection");
    const int c = image.dim(0);
    const std::size_t plane = std::size_t(image.dim(1)) * image.dim(2);
    Tensor out({int(channels.size()), image.dim(1), image.dim(2)});
    for (std::size_t k = 0; k < channels.size(); ++k) {
        if (channels[k] < 0 || channels[k] >= c)
            throw InputError("channel " + std::to_string(channels[k]) + " does not exist: the image has " +
                             std::to_string(c) + " channel(s), numbered from 0");
        std::copy_n(image.data() + std::size_t(channels[k]) * plane, plane, out.data() + k * plane);
    }
    return out;
}

Tensor toGrey(const Tensor& image) {
    requireImage(image, "grey");
    const int c = image.dim(0);
    const std::size_t plane = std::size_t(image.dim(1)) * image.dim(2);
    Tensor out({1, image.dim(1), image.dim(2)});
    for (int k = 0; k < c; ++k)
        for (std::size_t i = 0; i < plane; ++i) out[i] += image[std::size_t(k) * plane + i];
    for (std::size_t i = 0; i < plane; ++i) out[i] /= float(c);
    return out;
}

StretchKind stretchKindFromString(const std::string& name) {
    if (name == "linear") return StretchKind::Linear;
    if (name == "asinh") return StretchKind::Asinh;
    if (name == "log") return StretchKind::Log;
    if (name == "sqrt") return StretchKind::Sqrt;
    throw InputError("unknown stretch '" + name + "': use linear, asinh, log or sqrt");
}
const char* toString(StretchKind kind) {
    switch (kind) {
        case StretchKind::Linear: return "linear";
        case StretchKind::Asinh: return "asinh";
        case StretchKind::Log: return "log";
        case StretchKind::Sqrt: return "sqrt";
    }
    return "linear";
}
Normalisation normalisationFromString(const std::string& name) {
    if (name == "none") return Normalisation::None;
    if (name == "image") return Normalisation::PerImage;
    if (name == "dataset") return Normalisation::PerDataset;
    throw InputError("unknown normalisation '" + name + "': use none, image or dataset");
}
const char* toString(Normalisation n) {
    switch (n) {
        case Normalisation::None: return "none";
        case Normalisation::PerImage: return "image";
        case Normalisation::PerDataset: return "dataset";
    }
    return "none";
}

bool PreprocessSpec::geometricOnly() const {
    return stretch == StretchKind::Linear && normalise == Normalisation::None;
}

Shape preprocessedShape(const Shape& in, const PreprocessSpec& spec) {
    if (in.size() != 3) throw ShapeError("preprocess: expected an image shape (C, H, W), got " + toString(in));
    int c = in[0], h = in[1], w = in[2];
    if (spec.crop > 1.0) h = w = int(std::lround(spec.crop));
    else if (spec.crop > 0.0) h = w = std::max(1, int(std::lround(std::min(h, w) * spec.crop)));
    if (spec.imageSize > 0) h = w = spec.imageSize;
    if (!spec.channels.empty()) c = int(spec.channels.size());
    if (spec.grey) c = 1;
    return {c, h, w};
}

Tensor preprocessGeometry(const Tensor& image, const PreprocessSpec& spec) {
    Tensor t = image;
    if (spec.crop > 1.0) t = centerCrop(t, int(std::lround(spec.crop)));
    else if (spec.crop > 0.0) t = centerCropFraction(t, spec.crop);
    if (spec.imageSize > 0) t = resizeImage(t, spec.imageSize, spec.imageSize);
    return t;
}

Tensor preprocessBeforeNormalisation(const Tensor& image, const PreprocessSpec& spec) {
    Tensor t = preprocessGeometry(image, spec);
    if (!spec.channels.empty()) t = selectChannels(t, spec.channels);
    if (spec.grey && t.dim(0) > 1) t = toGrey(t);
    if (spec.stretch != StretchKind::Linear) {
        const std::size_t plane = std::size_t(t.dim(1)) * t.dim(2);
        for (int k = 0; k < t.dim(0); ++k) {
            float* p = t.data() + std::size_t(k) * plane;
            double soft = spec.softening;
            if (soft <= 0.0 && spec.stretch != StretchKind::Sqrt) {
                std::vector<float> v(p, p + plane);
                const double med = medianOf(v);
                for (float& x : v) x = float(std::fabs(x - med));
                soft = 1.4826 * medianOf(v);
                if (!(soft > 0.0)) soft = 1.0;
            }
            for (std::size_t i = 0; i < plane; ++i) {
                const double x = p[i];
                switch (spec.stretch) {
                    case StretchKind::Asinh: p[i] = float(std::asinh(x / soft)); break;
                    case StretchKind::Log: p[i] = float(std::log1p(std::max(0.0, x) / soft)); break;
                    case StretchKind::Sqrt: p[i] = float(std::sqrt(std::max(0.0, x))); break;
                    case StretchKind::Linear: break;
                }
            }
        }
    }
    return t;
}

Tensor preprocess(const Tensor& image, const PreprocessSpec& spec) {
    Tensor t = preprocessBeforeNormalisation(image, spec);
    const int c = t.dim(0);
    const std::size_t plane = std::size_t(t.dim(1)) * t.dim(2);
    if (spec.normalise == Normalisation::PerImage) {
        for (int k = 0; k < c; ++k) {
            float* p = t.data() + std::size_t(k) * plane;
            double s = 0, s2 = 0;
            for (std::size_t i = 0; i < plane; ++i) s += p[i], s2 += double(p[i]) * p[i];
            const double mean = s / plane, sd = std::sqrt(std::max(0.0, s2 / plane - mean * mean));
            const double inv = sd > 1e-12 ? 1.0 / sd : 1.0;
            for (std::size_t i = 0; i < plane; ++i) p[i] = float((p[i] - mean) * inv);
        }
    } else if (spec.normalise == Normalisation::PerDataset) {
        if (int(spec.mean.size()) != c || int(spec.std.size()) != c)
            throw InputError("dataset normalisation needs a mean and a standard deviation per channel (" +
                             std::to_string(c) + "); fit them on the training images first");
        for (int k = 0; k < c; ++k) {
            float* p = t.data() + std::size_t(k) * plane;
            const float m = spec.mean[std::size_t(k)], inv = spec.std[std::size_t(k)] > 1e-12f ? 1.0f / spec.std[std::size_t(k)] : 1.0f;
            for (std::size_t i = 0; i < plane; ++i) p[i] = (p[i] - m) * inv;
        }
    }
    return t;
}

void channelMeanStd(const std::vector<Tensor>& images, std::vector<float>& mean, std::vector<float>& std) {
    mean.clear();
    std.clear();
    if (images.empty()) return;
    const int c = images[0].dim(0);
    std::vector<double> s(std::size_t(c), 0.0), s2(std::size_t(c), 0.0);
    double count = 0;
    for (const Tensor& t : images) {
        if (t.shape() != images[0].shape()) throw ShapeError("channel statistics: images of different shapes");
        const std::size_t plane = std::size_t(t.dim(1)) * t.dim(2);
        for (int k = 0; k < c; ++k)
            for (std::size_t i = 0; i < plane; ++i) {
                const double v = t[std::size_t(k) * plane + i];
                s[std::size_t(k)] += v, s2[std::size_t(k)] += v * v;
            }
        count += double(plane);
    }
    for (int k = 0; k < c; ++k) {
        const double m = s[std::size_t(k)] / count;
        mean.push_back(float(m));
        std.push_back(float(std::sqrt(std::max(0.0, s2[std::size_t(k)] / count - m * m))));
    }
}

}  // namespace deepfield
