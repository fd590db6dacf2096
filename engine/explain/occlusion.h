#pragma once
// Occlusion sensitivity (Zeiler & Fergus 2014): slide a window filled with a constant over the
// image (all channels at once) and record how much the target drops:
//   map(y, x) = mean over the windows covering (y, x) of f(x) − f(x with the window filled).
// Window positions step by `stride`; a last position flush with the right/bottom edge is added
// so every pixel is covered. Occluded copies go through the network in batches (forward only).
#include "explain/common.h"
#include "explain/target.h"

namespace deepfield {

struct OcclusionOptions {
    int window = 8;     // square window side, pixels
    int stride = 4;
    float fill = 0.0f;  // value of the occluded pixels (0: the mean of a per-image normalised image)
    int batchSize = 32;
};

// input (C, H, W); map (1, H, W). Progress counts batches.
AttributionMap occlusion(Graph& graph, const Tensor& input, const Target& target,
                         const OcclusionOptions& options = {}, const TaskControl& control = {});

}  // namespace deepfield
