#pragma once
// Merge layers: combine two or more inputs (skip connections, U-Net's concatenated skips).
#include "layers/layer.h"

namespace deepfield {

// Add: y = x₀ + x₁ + … (all inputs of the same shape); each dxᵢ = dy.
class Add : public Layer {
public:
    std::string type() const override { return "Add"; }
    int inputCount() const override { return -1; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void forward(const std::vector<const Tensor*>& x, Tensor& y, Mode mode) override;
    void backward(const std::vector<const Tensor*>& x, const Tensor& y, const Tensor& dy,
                  const std::vector<Tensor*>& dx) override;
};

// Concatenate(axis): joins inputs along a per-sample axis (0 = channels of (C, H, W));
// every other axis must agree. (N, C₀, H, W), (N, C₁, H, W) -> (N, C₀ + C₁, H, W).
class Concatenate : public Layer {
public:
    explicit Concatenate(int axis = 0) : axis_(axis) {}
    std::string type() const override { return "Concatenate"; }
    Json config() const override { return Json{{"axis", axis_}}; }
    int inputCount() const override { return -1; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void forward(const std::vector<const Tensor*>& x, Tensor& y, Mode mode) override;
    void backward(const std::vector<const Tensor*>& x, const Tensor& y, const Tensor& dy,
                  const std::vector<Tensor*>& dx) override;

private:
    int axisFor(int rank) const { return axis_ < 0 ? axis_ + rank : axis_; }
    int axis_;
};

}  // namespace deepfield
