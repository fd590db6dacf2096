#pragma once
// Lesson 5's two experiments, engine only (they run on a worker thread):
// 1. Overfitting: a few dozen SDSS rows, a wide three-layer MLP; training loss falls while
//    validation loss turns up. The same with dropout (and optionally early stopping).
// 2. Initialisation: per-layer gradient norms of a deep sigmoid MLP over the first steps, with
//    tiny random weights (gradients vanish towards the input) against He initialisation.
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace deepfield::app {

struct OverfitOptions {
    int trainCount = 40;     // rows to learn from
    int epochs = 120;
    std::vector<int> widths{128, 128, 128};
    double dropout = 0.0;    // after every hidden layer; 0 = none
    bool batchNorm = false;  // BatchNormalization between each Dense and its ReLU
    int patience = 0;        // early stopping on validation loss; 0 = off
    double learningRate = 2e-3;
    std::uint64_t seed = 1;
};

struct OverfitRun {
    std::vector<double> trainLoss, valLoss;  // per epoch
    int bestEpoch = 0;                       // 1-based epoch of the lowest validation loss
    std::string stopReason;
    // How far validation loss climbed from its minimum by the end (≥ 0).
    double valRise() const;
};

// x (N, 4) colours, labels 0..classes−1; the first trainCount rows (after a seeded shuffle)
// train, the rest validate. Inputs are standardised with the training rows' statistics.
OverfitRun runOverfit(const Tensor& x, const std::vector<int>& labels, int classes, const OverfitOptions& options,
                      const std::atomic<bool>* cancel = nullptr, const std::function<void(int)>& onEpoch = {});

struct GradientNormRun {
    std::vector<std::vector<double>> norms;  // [layer][step]: Frobenius norm of ∂L/∂kernel
};

// `init` "small" (normal, stddev 0.01) or "he" (he_normal); depth hidden Dense+activation layers.
GradientNormRun runGradientNorms(const Tensor& x, const std::vector<int>& labels, int classes, const std::string& init,
                                 int depth = 8, int steps = 150, const std::string& activation = "Sigmoid",
                                 const std::atomic<bool>* cancel = nullptr);

}  // namespace deepfield::app
