#pragma once
// Grad-CAM (Selvaraju et al. 2017) for a convolutional layer with activations A (K, h, w):
//   α_k = mean over (h, w) of ∂f/∂A_k,   cam = ReLU(Σ_k α_k A_k)   (h, w)
// then upsampled bilinearly to the input's (H, W).
#include <string>

#include "explain/common.h"
#include "explain/target.h"

namespace deepfield {

struct GradCamOptions {
    // A layer with a (K, h, w) output. Empty: the last Conv2D, followed through the
    // BatchNormalization and activation that consume it (as Keras' Conv2D(activation=...)).
    std::string layer;
    bool relu = true;  // false: keep negative evidence too
};

// The layer Grad-CAM uses by default (InputError when the network has no Conv2D).
std::string defaultGradCamLayer(const Graph& graph);

// input (C, H, W); map (1, H, W). parameters hold the layer used.
AttributionMap gradCam(Graph& graph, const Tensor& input, const Target& target, const GradCamOptions& options = {},
                       const TaskControl& control = {});

}  // namespace deepfield
