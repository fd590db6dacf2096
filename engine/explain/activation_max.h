#pragma once
// Activation maximisation ("DeepDream", Erhan et al. 2009; Olah et al. 2017): gradient ascent
// on the input image towards what most excites one filter or class,
//   x ← x + η · g / mean|g|,  g = ∂a/∂x at a randomly shifted (jittered) copy of x,
//   x ← (1 − λ) x  (L2 regularisation),  every few steps x ← blur(x),
// where a is the mean of a filter's map over (h, w), or one unit / class output (raw value).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "explain/common.h"
#include "graph/graph.h"

namespace deepfield {

struct ActivationMaxObjective {
    std::string layer;  // empty: the network's (first) output, i.e. a class or output unit
    int index = 0;      // filter (channel) of a (K, h, w) layer, or unit of a flat layer
};

struct ActivationMaxOptions {
    int steps = 200;
    float stepSize = 0.05f;    // η: mean absolute change of a pixel per step
    int jitter = 2;            // largest random shift in pixels (cyclic), 0: none; large shifts fight
                               // position-bound dense heads on small images
    double blurSigma = 0.5;    // pixels; 0: no blur
    int blurEvery = 4;         // steps between blurs
    float l2 = 1e-3f;          // λ
    float initScale = 0.1f;    // the start: Gaussian noise of this standard deviation
    std::uint64_t seed = 0;
    int reportEvery = 10;      // steps between onImage calls (and after the last step)
};

struct ActivationMaxResult {
    Tensor image;                  // (C, H, W) the input found
    std::vector<float> objective;  // a before each step, then the final value (steps + 1)
    std::string description;       // "filter 3 of conv2d_2"
};

// Intermediate images: (step, steps, objective, image (C, H, W)).
using ActivationMaxCallback = std::function<void(int, int, float, const Tensor&)>;

// Works on a copy of the graph (the caller's network is not touched). Throws Cancelled.
ActivationMaxResult maximiseActivation(Graph& graph, const ActivationMaxObjective& objective,
                                       const ActivationMaxOptions& options = {},
                                       const ActivationMaxCallback& onImage = {}, const TaskControl& control = {});

}  // namespace deepfield
