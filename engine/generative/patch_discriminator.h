#pragma once
// The pix2pix discriminator (Isola et al. 2017, "PatchGAN"): it reads an input image and an output
// image stacked along channels and gives one logit per overlapping patch, so it judges local texture
// and leaves the global agreement to the L1 term.
//   (C_in + C_out, H, W) → Conv2D 4×4 s2 pad 1 (b) LeakyReLU 0.2 → Conv2D 4×4 s2 pad 1 (2b) BN
//   LeakyReLU 0.2 → Conv2D 3×3 same (1): logits (1, H/4, W/4). H and W must be multiples of 4.
#include "graph/graph.h"

namespace deepfield {

// Built (not initialised): call reset(seed).
Graph makePatchDiscriminator(const Shape& pairShape /* (C_in + C_out, H, W) */, int baseFilters = 16);

}  // namespace deepfield
