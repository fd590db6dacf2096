#pragma once
// Display stretches as in astropy.visualization: an interval maps data to x = (v - low) / (high - low),
// clipped to [0, 1]; a stretch maps x to y in [0, 1]. Blank (masked) and non-finite pixels are left
// out of every statistic and come out as NaN. Used by the GUI's image views and the CLI's exports.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "data/image.h"

namespace deepfield {

struct Interval {
    double low = 0.0, high = 1.0;
};

// Smallest and largest valid value.
Interval minMaxInterval(const float* data, std::size_t n, const std::uint8_t* blank = nullptr);
// Percentiles (0..100) with numpy's linear interpolation; percentileInterval(.., 98) keeps the
// central 98% (1st to 99th), as astropy's PercentileInterval(98).
Interval percentileInterval(const float* data, std::size_t n, const std::uint8_t* blank, double lowerPercent,
                            double upperPercent);
Interval percentileInterval(const float* data, std::size_t n, const std::uint8_t* blank, double keepPercent);

// IRAF's zscale (as astropy's ZScaleInterval): about `samples` values taken at a fixed stride
// over the valid pixels, sorted, a line fitted to them with iterative k-sigma rejection (rejected
// points grown by 1% of the sample); limits = median -/+ slope / contrast around the centre,
// kept within the sample's range.
struct ZScaleOptions {
    int samples = 1000;
    double contrast = 0.25;
    double maxReject = 0.5;
    int minPixels = 5;
    double krej = 2.5;
    int maxIterations = 5;
};
Interval zscaleInterval(const float* data, std::size_t n, const std::uint8_t* blank = nullptr,
                        const ZScaleOptions& options = {});

enum class IntervalKind { MinMax, Percentile, ZScale, Manual };
struct IntervalSpec {
    IntervalKind kind = IntervalKind::MinMax;
    double lowerPercent = 1.0, upperPercent = 99.0;  // Percentile
    Interval manual;                                  // Manual
    ZScaleOptions zscale;                             // ZScale
};
Interval computeInterval(const float* data, std::size_t n, const std::uint8_t* blank, const IntervalSpec& spec);

// y = f(x), x in [0, 1]:
//   Linear  y = x
//   Log     y = log(a x + 1) / log(a + 1)          (a: default 1000)
//   Sqrt    y = sqrt(x)
//   Power   y = x^a                                (a: the exponent, default 2)
//   Asinh   y = asinh(x / a) / asinh(1 / a)        (a: softening, default 0.1; linear below ~a)
//   HistEq  y = the fraction of valid pixels below x (the data's own CDF, interpolated as astropy)
// (Display stretches; the network-input stretches of preprocess.h are a separate, smaller set.)
enum class DisplayStretch { Linear, Log, Sqrt, Power, Asinh, HistEq };
struct StretchSpec {
    DisplayStretch kind = DisplayStretch::Linear;
    double a = 0.0;  // 0: the kind's default above
};
const char* stretchName(DisplayStretch kind);
const char* intervalName(IntervalKind kind);
// "linear", "log", "sqrt", "power", "asinh", "histeq" (and "minmax", "percentile", "zscale");
// InputError listing the choices otherwise.
DisplayStretch parseDisplayStretch(const std::string& name);
IntervalKind parseIntervalKind(const std::string& name);
double defaultStretchParameter(DisplayStretch kind);

// Writes n values in [0, 1] (NaN for blank / non-finite pixels) to `out`.
void applyStretch(const float* data, std::size_t n, const std::uint8_t* blank, const Interval& interval,
                  const StretchSpec& stretch, float* out);
std::vector<float> applyStretch(const float* data, std::size_t n, const std::uint8_t* blank,
                                const Interval& interval, const StretchSpec& stretch);

// Every channel through its own interval (computed per channel) and the same stretch:
// an image (C, H, W) of values in [0, 1], blanks NaN, mask and orientation kept.
Image stretchImage(const Image& image, const IntervalSpec& interval, const StretchSpec& stretch);

}  // namespace deepfield
