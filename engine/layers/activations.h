#pragma once
// Activation layers. Element-wise ones share one class; Softmax normalises over the first
// per-sample axis (features, or channels at every pixel).
#include "layers/layer.h"

namespace deepfield {

enum class ActivationKind { Linear, ReLU, LeakyReLU, ELU, Sigmoid, Tanh };

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

private:
    ActivationKind kind_;
    float alpha_;
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
