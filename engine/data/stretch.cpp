#include "data/stretch.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace deepfield {

namespace {

inline bool isValid(const float* data, const std::uint8_t* blank, std::size_t i) {
    return !(blank && blank[i]) && std::isfinite(data[i]);
}

std::vector<float> validValues(const float* data, std::size_t n, const std::uint8_t* blank) {
    std::vector<float> v;
    v.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        if (isValid(data, blank, i)) v.push_back(data[i]);
    return v;
}

// How many values are neither blank nor NaN/infinite (v - v is 0 only for finite v).
std::size_t countValid(const float* data, std::size_t n, const std::uint8_t* blank) {
    std::size_t count = 0;
    if (!blank) {
#pragma omp parallel for simd reduction(+ : count) schedule(static) if (n > 1000000)
        for (std::ptrdiff_t i = 0; i < std::ptrdiff_t(n); ++i) count += data[i] - data[i] == 0.0f;
        return count;
    }
#pragma omp parallel for simd reduction(+ : count) schedule(static) if (n > 1000000)
    for (std::ptrdiff_t i = 0; i < std::ptrdiff_t(n); ++i) count += (data[i] - data[i] == 0.0f) & (blank[i] == 0);
    return count;
}

// numpy.percentile's default ("linear"): position p/100 * (n - 1) between the sorted values.
double percentileOfSorted(const std::vector<float>& sorted, double percent) {
    const double pos = std::clamp(percent, 0.0, 100.0) / 100.0 * double(sorted.size() - 1);
    const std::size_t lo = std::size_t(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    const double t = pos - double(lo);
    return double(sorted[lo]) + t * (double(sorted[hi]) - double(sorted[lo]));
}

const float kNaN = std::numeric_limits<float>::quiet_NaN();

}  // namespace

Interval minMaxInterval(const float* data, std::size_t n, const std::uint8_t* blank) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (std::size_t i = 0; i < n; ++i) {
        if ((blank && blank[i]) || !std::isfinite(data[i])) continue;
        lo = std::min<double>(lo, data[i]);
        hi = std::max<double>(hi, data[i]);
    }
    if (lo > hi) return {0.0, 1.0};  // nothing valid
    return {lo, hi};
}

Interval percentileInterval(const float* data, std::size_t n, const std::uint8_t* blank, double lowerPercent,
                            double upperPercent) {
    std::vector<float> v = validValues(data, n, blank);
    if (v.empty()) return {0.0, 1.0};
    std::sort(v.begin(), v.end());
    return {percentileOfSorted(v, lowerPercent), percentileOfSorted(v, upperPercent)};
}

Interval percentileInterval(const float* data, std::size_t n, const std::uint8_t* blank, double keepPercent) {
    const double cut = (100.0 - keepPercent) / 2.0;
    return percentileInterval(data, n, blank, cut, 100.0 - cut);
}

Interval zscaleInterval(const float* data, std::size_t n, const std::uint8_t* blank, const ZScaleOptions& o) {
    // Every stride-th valid value, at most o.samples of them (astropy: values[::stride][:n_samples]),
    // picked without copying the valid values (a 4096² image would copy 64 MB for 1000 samples).
    const std::size_t validCount = countValid(data, n, blank);
    if (validCount == 0) return {0.0, 1.0};
    const std::size_t stride = std::size_t(std::max(1.0, double(validCount) / double(std::max(1, o.samples))));
    const std::size_t wanted = std::min(std::size_t(std::max(1, o.samples)), (validCount + stride - 1) / stride);
    std::vector<double> s;
    s.reserve(wanted);
    if (validCount == n) {
        for (std::size_t i = 0; s.size() < wanted; i += stride) s.push_back(data[i]);
    } else {
        std::size_t k = 0;  // index among the valid values
        for (std::size_t i = 0; i < n && s.size() < wanted; ++i)
            if (isValid(data, blank, i)) {
                if (k % stride == 0) s.push_back(data[i]);
                ++k;
            }
    }
    std::sort(s.begin(), s.end());
    const int npix = int(s.size());
    double vmin = s.front(), vmax = s.back();
    const int minpix = std::max(o.minPixels, int(npix * o.maxReject));
    const int ngrow = std::max(1, int(npix * 0.01));
    const std::size_t count = s.size();
    std::vector<std::uint8_t> bad(count, 0), grown(count);
    int ngood = npix, lastNgood = npix + 1;
    double slope = 0, intercept = 0;
    std::vector<double> flat(count);
    for (int iter = 0; iter < o.maxIterations; ++iter) {
        if (ngood >= lastNgood || ngood < minpix) break;
        // Least-squares line through the good points (polyfit with 0/1 weights).
        double sx = 0, sy = 0, m = 0;
        for (int i = 0; i < npix; ++i)
            if (!bad[std::size_t(i)]) {
                sx += i;
                sy += s[std::size_t(i)];
                m += 1;
            }
        const double mx = sx / m, my = sy / m;
        double sxx = 0, sxy = 0;
        for (int i = 0; i < npix; ++i)
            if (!bad[std::size_t(i)]) {
                sxx += (i - mx) * (i - mx);
                sxy += (i - mx) * (s[std::size_t(i)] - my);
            }
        slope = sxx > 0 ? sxy / sxx : 0.0;
        intercept = my - slope * mx;
        double mean = 0;
        for (int i = 0; i < npix; ++i) {
            flat[std::size_t(i)] = s[std::size_t(i)] - (slope * i + intercept);
            if (!bad[std::size_t(i)]) mean += flat[std::size_t(i)];
        }
        mean /= m;
        double var = 0;
        for (int i = 0; i < npix; ++i)
            if (!bad[std::size_t(i)]) var += (flat[std::size_t(i)] - mean) * (flat[std::size_t(i)] - mean);
        const double threshold = o.krej * std::sqrt(var / m);
        for (int i = 0; i < npix; ++i)
            if (flat[std::size_t(i)] < -threshold || flat[std::size_t(i)] > threshold) bad[std::size_t(i)] = 1;
        // Grow the rejected points as numpy.convolve(bad, ones(ngrow), "same"):
        // out[i] = any(bad[i - ngrow/2 .. i + (ngrow-1)/2]).
        for (int i = 0; i < npix; ++i) {
            std::uint8_t any = 0;
            for (int j = std::max(0, i - ngrow / 2); j <= std::min(npix - 1, i + (ngrow - 1) / 2) && !any; ++j)
                any = bad[std::size_t(j)];
            grown[std::size_t(i)] = any;
        }
        bad.swap(grown);
        lastNgood = ngood;
        ngood = int(std::count(bad.begin(), bad.end(), std::uint8_t(0)));
    }
    if (ngood >= minpix) {
        if (o.contrast > 0) slope /= o.contrast;
        const int centre = (npix - 1) / 2;
        const double median = npix % 2 ? s[std::size_t(npix / 2)] : 0.5 * (s[std::size_t(npix / 2 - 1)] + s[std::size_t(npix / 2)]);
        vmin = std::max(vmin, median - (centre - 1) * slope);
        vmax = std::min(vmax, median + (npix - centre) * slope);
    }
    return {vmin, vmax};
}

Interval computeInterval(const float* data, std::size_t n, const std::uint8_t* blank, const IntervalSpec& spec) {
    switch (spec.kind) {
        case IntervalKind::MinMax: return minMaxInterval(data, n, blank);
        case IntervalKind::Percentile: return percentileInterval(data, n, blank, spec.lowerPercent, spec.upperPercent);
        case IntervalKind::ZScale: return zscaleInterval(data, n, blank, spec.zscale);
        case IntervalKind::Manual: return spec.manual;
    }
    return spec.manual;
}

const char* stretchName(DisplayStretch kind) {
    switch (kind) {
        case DisplayStretch::Linear: return "linear";
        case DisplayStretch::Log: return "log";
        case DisplayStretch::Sqrt: return "sqrt";
        case DisplayStretch::Power: return "power";
        case DisplayStretch::Asinh: return "asinh";
        case DisplayStretch::HistEq: return "histeq";
    }
    return "?";
}

const char* intervalName(IntervalKind kind) {
    switch (kind) {
        case IntervalKind::MinMax: return "minmax";
        case IntervalKind::Percentile: return "percentile";
        case IntervalKind::ZScale: return "zscale";
        case IntervalKind::Manual: return "manual";
    }
    return "?";
}

DisplayStretch parseDisplayStretch(const std::string& name) {
    for (DisplayStretch k : {DisplayStretch::Linear, DisplayStretch::Log, DisplayStretch::Sqrt, DisplayStretch::Power,
                          DisplayStretch::Asinh, DisplayStretch::HistEq})
        if (name == stretchName(k)) return k;
    throw InputError("unknown stretch '" + name + "'; choose linear, log, sqrt, power, asinh or histeq");
}

IntervalKind parseIntervalKind(const std::string& name) {
    for (IntervalKind k : {IntervalKind::MinMax, IntervalKind::Percentile, IntervalKind::ZScale, IntervalKind::Manual})
        if (name == intervalName(k)) return k;
    throw InputError("unknown interval '" + name + "'; choose minmax, percentile, zscale or manual");
}

double defaultStretchParameter(DisplayStretch kind) {
    switch (kind) {
        case DisplayStretch::Log: return 1000.0;
        case DisplayStretch::Power: return 2.0;
        case DisplayStretch::Asinh: return 0.1;
        default: return 0.0;
    }
}

void applyStretch(const float* data, std::size_t n, const std::uint8_t* blank, const Interval& interval,
                  const StretchSpec& stretch, float* out) {
    const double a = stretch.a > 0 ? stretch.a : defaultStretchParameter(stretch.kind);
    const double span = interval.high - interval.low;
    const double inv = span != 0 ? 1.0 / span : 0.0;
    auto unit = [&](float v) { return std::clamp((double(v) - interval.low) * inv, 0.0, 1.0); };
    const bool masked = blank != nullptr;
    auto invalid = [&](std::size_t i) { return (masked && blank[i]) || !std::isfinite(data[i]); };

    if (stretch.kind == DisplayStretch::HistEq) {
        // The CDF of the valid normalised values: y = interp(x, sorted, linspace(0, 1, m)).
        std::vector<double> sorted;
        sorted.reserve(n);
        for (std::size_t i = 0; i < n; ++i)
            if (!invalid(i)) sorted.push_back(unit(data[i]));
        std::sort(sorted.begin(), sorted.end());
        const std::size_t m = sorted.size();
        for (std::size_t i = 0; i < n; ++i) {
            if (invalid(i)) {
                out[i] = kNaN;
                continue;
            }
            const double x = unit(data[i]);
            const auto it = std::upper_bound(sorted.begin(), sorted.end(), x);
            const std::size_t j = std::size_t(it - sorted.begin());  // sorted[j-1] <= x < sorted[j]
            double y;
            if (m <= 1 || j == m)
                y = 1.0;
            else if (j == 0)
                y = 0.0;
            else {
                const double step = 1.0 / double(m - 1);
                const double x0 = sorted[j - 1], x1 = sorted[j];
                y = (double(j - 1) + (x - x0) / (x1 - x0)) * step;
            }
            out[i] = float(y);
        }
        return;
    }
    const double logNorm = 1.0 / std::log(a + 1.0), asinhNorm = 1.0 / std::asinh(1.0 / std::max(a, 1e-12));
    const DisplayStretch kind = stretch.kind;
#pragma omp parallel for schedule(static) if (n > 200000)
    for (std::ptrdiff_t k = 0; k < std::ptrdiff_t(n); ++k) {
        const std::size_t i = std::size_t(k);
        if (invalid(i)) {
            out[i] = kNaN;
            continue;
        }
        const double x = unit(data[i]);
        double y = x;
        switch (kind) {
            case DisplayStretch::Linear: break;
            case DisplayStretch::Log: y = std::log(a * x + 1.0) * logNorm; break;
            case DisplayStretch::Sqrt: y = std::sqrt(x); break;
            case DisplayStretch::Power: y = std::pow(x, a); break;
            case DisplayStretch::Asinh: y = std::asinh(x / a) * asinhNorm; break;
            case DisplayStretch::HistEq: break;
        }
        out[i] = float(y);
    }
}

std::vector<float> applyStretch(const float* data, std::size_t n, const std::uint8_t* blank, const Interval& interval,
                                const StretchSpec& stretch) {
    std::vector<float> out(n);
    applyStretch(data, n, blank, interval, stretch, out.data());
    return out;
}

Image stretchImage(const Image& image, const IntervalSpec& intervalSpec, const StretchSpec& stretch) {
    Image out;
    out.pixels.resize(image.pixels.shape());
    out.blank = image.blank;
    out.bottomUp = image.bottomUp;
    const std::size_t plane = std::size_t(image.height()) * std::size_t(image.width());
    for (int c = 0; c < image.channels(); ++c) {
        const Interval interval = computeInterval(image.channel(c), plane, image.channelBlank(c), intervalSpec);
        applyStretch(image.channel(c), plane, image.channelBlank(c), interval, stretch, out.channel(c));
    }
    return out;
}

}  // namespace deepfield
