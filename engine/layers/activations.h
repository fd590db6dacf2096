#pragma once
// Activation layers. Element-wise ones share one class; Softmax normalises over the first
// per-sample axis (features, or channels at every pixel).
#include "layers/layer.h"

namespace deepfield {

enum class ActivationKind { Linear, ReLU, LeakyReLU, ELU, Sigmoid, Tanh };

// How a ReLU passes gradients backward. Training always uses Gradient; attribution switches a
// graph's ReLUs for one explanation (explain/guided.h): Deconvnet dx = max(dy, 0) (Zeiler &
// Fergus 2014), Guided dx = [x > 0]·max(dy, 0) (Springenberg et al. 2015).
enum class ReluBackward { Gradient, Deconvnet, Guided };

// y = f(x) element-wise. alpha: LeakyReLU slope for x < 0 (default 0.3, Keras);
// ELU: alpha·(eˣ − 1) for x < 0 (default 1).
class Activation : public UnaryLayer {
public:
    explicit Activation(ActivationKind kind, float alpha = 0.0f) : kind_(kind), alpha_(alpha) {}
    std::string type() const override;
    Json config() const override;
    Shape outputShape(const Shape& input) const override { return input; }
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;
    ActivationKind kind() const { return kind_; }
    bool isReluFamily() const;
    // Only ReLU layers use it; other kinds always pass their true gradient.
    void setReluBackward(ReluBackward rule) { reluBackward_ = rule; }
    ReluBackward reluBackward() const { return reluBackward_; }

private:
    ActivationKind kind_;
    float alpha_;
    ReluBackward reluBackward_ = ReluBackward::Gradient;
};

// Softmax: yᵢ = exp(xᵢ − max) / Σ exp(xⱼ − max) over axis 0 of each sample.
class Softmax : public UnaryLayer {
public:
    std::string type() const override { return "Softmax"; }
    Shape outputShape(const Shape& input) const override { return input; }
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;
};

}  // namespace deepfield
