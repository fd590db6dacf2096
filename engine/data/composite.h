#pragma once
// Three-band colour composites with the asinh method of Lupton et al. (2004, PASP 116, 133), as
// astropy.visualization.make_lupton_rgb: I = (r + g + b) / 3 after subtracting `minimum`;
// every band is scaled by f(I) = asinh(Q I / stretch) * slope / I with slope = 0.1 * 255 /
// asinh(0.1 Q), so colours stay fixed while brightness is compressed; a pixel whose brightest
// band exceeds 255 is scaled down as a whole (hue kept); values truncate to 8 bits.
#include <cstdint>
#include <vector>

#include "data/image.h"

namespace deepfield {

struct LuptonParams {
    double minimum[3] = {0.0, 0.0, 0.0};  // black level per band (r, g, b)
    double stretch = 5.0;                 // linear range of the stretch
    double Q = 8.0;                       // asinh softening
};

// r, g, b: H*W values each (row-major). Returns H*W*3 interleaved RGB bytes. Blank (NaN) pixels
// come out black.
std::vector<std::uint8_t> luptonRgb(const float* r, const float* g, const float* b, int height, int width,
                                    const LuptonParams& params = {});
// From a 3-channel image (channels taken as r, g, b in that order): (3, H, W) values 0..255.
Image luptonRgbImage(const Image& rgb, const LuptonParams& params = {});

}  // namespace deepfield
