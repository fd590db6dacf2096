#pragma once
// Integrated gradients (Sundararajan, Taly & Yan 2017):
//   IGᵢ(x) = (xᵢ − x'ᵢ) · ∫₀¹ ∂f(x' + α(x − x'))/∂xᵢ dα
// with the midpoint Riemann sum α_k = (k + ½)/m, k = 0..m−1. The m interpolants go through the
// network in batches (one forward + backward per batch). Completeness: Σᵢ IGᵢ ≈ f(x) − f(x'),
// reported with every map (AttributionMap::completenessError).
#include <cstdint>
#include <string>

#include "explain/common.h"
#include "explain/target.h"

namespace deepfield {

// The baseline x': a black image (zero), a heavily blurred copy of the image, the sky level
// (per channel, the median of the pixels within `borderWidth` of the image edge) everywhere,
// uniform noise (per channel, between the channel's min and max), or one given by the caller.
enum class BaselineKind { Zero, Blur, Sky, Noise, Custom };
BaselineKind baselineKindFromString(const std::string& name);  // zero, blur, sky, noise
const char* toString(BaselineKind kind);

struct IntegratedGradientsOptions {
    int steps = 50;
    BaselineKind baseline = BaselineKind::Zero;
    int batchSize = 50;       // interpolants per forward + backward pass
    double blurSigma = 5.0;   // pixels (Blur)
    int borderWidth = 2;      // pixels (Sky)
    std::uint64_t seed = 0;   // Noise
    Tensor customBaseline;    // (C, H, W) (Custom)
};

// The baseline for an image (C, H, W) (Zero and Custom also accept any per-sample shape).
Tensor makeBaseline(const Tensor& input, const IntegratedGradientsOptions& options);

// map: (C, H, W) like the input; completeness filled in. Progress counts batches.
AttributionMap integratedGradients(Graph& graph, const Tensor& input, const Target& target,
                                   const IntegratedGradientsOptions& options = {}, const TaskControl& control = {});

}  // namespace deepfield
