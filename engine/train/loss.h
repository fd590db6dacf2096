#pragma once
// Losses: the mean over the batch (and over elements for element-wise losses), with the
// gradient with respect to the prediction computed in the same pass.
#include <memory>
#include <string>

#include "core/json.h"
#include "core/tensor.h"

namespace deepfield {

class Loss {
public:
    virtual ~Loss() = default;
    virtual std::string name() const = 0;
    // pred (N, ...), target as described per loss; writes grad = ∂L/∂pred (pred's shape).
    virtual double compute(const Tensor& pred, const Tensor& target, Tensor& grad) const = 0;
    // Whether the targets are class indices (then accuracy is the natural metric).
    virtual bool isClassification() const { return false; }
};

// Names: mse, mae, huber (delta), binary_crossentropy (from probabilities),
// binary_crossentropy_logits, sparse_categorical_crossentropy (logits and integer labels).
// Throws InputError listing the known names.
std::unique_ptr<Loss> makeLoss(const std::string& name, const Json& options = Json::object());

// mean((pred − target)²)
class MeanSquaredError : public Loss {
public:
    std::string name() const override { return "mse"; }
    double compute(const Tensor& pred, const Tensor& target, Tensor& grad) const override;
};

// mean(|pred − target|)
class MeanAbsoluteError : public Loss {
public:
    std::string name() const override { return "mae"; }
    double compute(const Tensor& pred, const Tensor& target, Tensor& grad) const override;
};

// mean(½d² if |d| ≤ δ else δ(|d| − ½δ)), d = pred − target
class Huber : public Loss {
public:
    explicit Huber(float delta = 1.0f) : delta_(delta) {}
    std::string name() const override { return "huber"; }
    double compute(const Tensor& pred, const Tensor& target, Tensor& grad) const override;

private:
    float delta_;
};

// mean(−t log p − (1 − t) log(1 − p)), p clipped to [1e-7, 1 − 1e-7]; or from logits z with
// the stable form max(z, 0) − z·t + log(1 + e^−|z|).
class BinaryCrossEntropy : public Loss {
public:
    explicit BinaryCrossEntropy(bool fromLogits) : fromLogits_(fromLogits) {}
    std::string name() const override { return fromLogits_ ? "binary_crossentropy_logits" : "binary_crossentropy"; }
    double compute(const Tensor& pred, const Tensor& target, Tensor& grad) const override;
    bool isClassification() const override { return true; }

private:
    bool fromLogits_;
};

// Logits (N, K) or (N, K, H, W) and integer labels (N) / (N, 1) or (N, 1, H, W): softmax fused
// with −log pₜ, averaged over samples (and pixels).
class SparseCategoricalCrossEntropy : public Loss {
public:
    std::string name() const override { return "sparse_categorical_crossentropy"; }
    double compute(const Tensor& pred, const Tensor& target, Tensor& grad) const override;
    bool isClassification() const override { return true; }
};

}  // namespace deepfield
