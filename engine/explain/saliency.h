#pragma once
// Gradient attributions of one input: the gradient ∂f/∂x (Simonyan et al. 2014), gradient ×
// input, and SmoothGrad (Smilkov et al. 2017): the gradient averaged over noisy copies
// x + N(0, σ²), σ = noiseLevel · (max x − min x), the copies run through the network in batches.
#include <cstdint>

#include "explain/common.h"
#include "explain/target.h"

namespace deepfield {

enum class SaliencyKind { Gradient, GradientTimesInput };

// input: one sample (C, H, W) (or any per-sample shape). map: the input's shape.
AttributionMap saliency(Graph& graph, const Tensor& input, const Target& target,
                        SaliencyKind kind = SaliencyKind::Gradient, const TaskControl& control = {});

struct SmoothGradOptions {
    int samples = 50;
    float noiseLevel = 0.15f;  // σ as a fraction of the input's value range
    int batchSize = 25;        // noisy copies per forward+backward pass
    bool timesInput = false;   // average of gradient × (noisy) input instead
    std::uint64_t seed = 0;
};
AttributionMap smoothGrad(Graph& graph, const Tensor& input, const Target& target,
                          const SmoothGradOptions& options = {}, const TaskControl& control = {});

}  // namespace deepfield
