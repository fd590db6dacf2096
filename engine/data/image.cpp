#include "data/image.h"

#include <algorithm>
#include <cmath>

namespace deepfield {

std::size_t Image::blankCount() const {
    return static_cast<std::size_t>(std::count_if(blank.begin(), blank.end(), [](std::uint8_t b) { return b != 0; }));
}

PixelStats pixelStats(const float* data, std::size_t n, const std::uint8_t* blank) {
    PixelStats s;
    std::vector<float> valid;
    valid.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        if ((blank && blank[i]) || !std::isfinite(data[i])) continue;
        valid.push_back(data[i]);
    }
    s.count = valid.size();
    s.blank = n - valid.size();
    if (valid.empty()) return s;
    // Sums in double: float accumulation over millions of pixels loses digits.
    double sum = 0;
    double lo = valid[0], hi = valid[0];
    for (float v : valid) {
        sum += v;
        lo = std::min<double>(lo, v);
        hi = std::max<double>(hi, v);
    }
    s.mean = sum / double(valid.size());
    double ss = 0;
    for (float v : valid) ss += (v - s.mean) * (v - s.mean);
    s.std = std::sqrt(ss / double(valid.size()));
    s.min = lo;
    s.max = hi;
    const std::size_t mid = valid.size() / 2;
    std::nth_element(valid.begin(), valid.begin() + std::ptrdiff_t(mid), valid.end());
    const double upper = valid[mid];
    if (valid.size() % 2 == 1) {
        s.median = upper;
    } else {
        const double lower = *std::max_element(valid.begin(), valid.begin() + std::ptrdiff_t(mid));
        s.median = 0.5 * (lower + upper);
    }
    return s;
}

PixelStats pixelStats(const Image& image) {
    return pixelStats(image.pixels.data(), image.pixels.size(), image.hasBlank() ? image.blank.data() : nullptr);
}

PixelStats channelStats(const Image& image, int channel) {
    return pixelStats(image.channel(channel), std::size_t(image.height()) * image.width(), image.channelBlank(channel));
}

}  // namespace deepfield
