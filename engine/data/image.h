#pragma once
// Image: pixels (C, H, W) as float32 plus an optional per-pixel blank mask. What the FITS,
// PNG and JPEG readers return and what stretches, previews and datasets consume.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace deepfield {

struct Image {
    Tensor pixels;                    // (C, H, W)
    std::vector<std::uint8_t> blank;  // (C, H, W): 1 = blank/invalid pixel; empty = all valid
    // FITS stores the bottom row first (row 0 = FITS y = 1); PNG/JPEG store the top row first.
    // Views flip when this is true so north stays up; the pixel data are never flipped.
    bool bottomUp = false;

    Image() = default;
    Image(int channels, int height, int width, float fill = 0.0f)
        : pixels({channels, height, width}, fill) {}

    int channels() const { return pixels.rank() == 3 ? pixels.dim(0) : 0; }
    int height() const { return pixels.rank() == 3 ? pixels.dim(1) : 0; }
    int width() const { return pixels.rank() == 3 ? pixels.dim(2) : 0; }
    bool empty() const { return pixels.empty(); }
    bool hasBlank() const { return !blank.empty(); }
    bool isBlank(std::size_t i) const { return !blank.empty() && blank[i] != 0; }
    std::size_t blankCount() const;
    // Pointer to channel c's H*W values (row-major, row 0 first).
    float* channel(int c) { return pixels.data() + std::size_t(c) * height() * width(); }
    const float* channel(int c) const { return pixels.data() + std::size_t(c) * height() * width(); }
    // Blank mask of channel c, or nullptr when there is no mask.
    const std::uint8_t* channelBlank(int c) const {
        return blank.empty() ? nullptr : blank.data() + std::size_t(c) * height() * width();
    }
};

// Statistics over the valid (non-blank, finite) values of an array.
struct PixelStats {
    std::size_t count = 0;  // valid values
    std::size_t blank = 0;  // blank or non-finite values skipped
    double min = 0, max = 0, mean = 0, median = 0, std = 0;  // std: population (ddof = 0)
};
// blank may be nullptr. The median of an even count is the mean of the two middle values (numpy).
PixelStats pixelStats(const float* data, std::size_t n, const std::uint8_t* blank = nullptr);
PixelStats pixelStats(const Image& image);                 // all channels together
PixelStats channelStats(const Image& image, int channel);  // one channel

}  // namespace deepfield
