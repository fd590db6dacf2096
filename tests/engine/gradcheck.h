#pragma once
// Finite-difference gradient checks shared by the engine tests.
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/tensor.h"
#include "layers/layer.h"

namespace deepfield::test {

struct GradCheckResult {
    double worstError = 0.0;  // largest relative error over all checked tensors
    std::string worst;        // which tensor: "input 0", "param kernel"
};

// Random tensor with values in [-1, 1] (or [lo, hi]).
Tensor randomTensor(const std::vector<int>& shape, Rng& rng, float lo = -1.0f, float hi = 1.0f);

// Checks a layer's input and parameter gradients against central differences of
// L = Σ y·r (r random, fixed). The error of a tensor is ‖analytic − numeric‖ / max(‖·‖, tiny).
// The forward pass is run in `mode`; layers with randomness must be reseeded per call
// (reseed != 0 does that with setSeed(reseed) before every forward).
GradCheckResult checkLayerGradients(Layer& layer, std::vector<Tensor> inputs, Mode mode = Mode::Training,
                                    double eps = 1e-2, std::uint64_t reseed = 0);

// Relative error between two tensors as above.
double relativeError(const Tensor& a, const Tensor& b);

// Builds a layer with the given inputs' shapes, resets it with seed 1.
void buildLayer(Layer& layer, const std::vector<Tensor>& inputs);

}  // namespace deepfield::test
