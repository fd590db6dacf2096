#pragma once
// Layers that only move data: Input (the graph feeds it), Flatten, Reshape.
#include "layers/layer.h"

namespace deepfield {

// Input(shape): a graph entry point; the graph binds the fed tensor as its output.
class Input : public Layer {
public:
    explicit Input(Shape shape) : shape_(std::move(shape)) {}
    std::string type() const override { return "Input"; }
    Json config() const override { return Json{{"shape", shape_}}; }
    int inputCount() const override { return 0; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void forward(const std::vector<const Tensor*>& x, Tensor& y, Mode mode) override;
    void backward(const std::vector<const Tensor*>&, const Tensor&, const Tensor&,
                  const std::vector<Tensor*>&) override {}
    const Shape& shape() const { return shape_; }

private:
    Shape shape_;
};

// Flatten: (N, C, H, W) -> (N, C·H·W), in NCHW order.
class Flatten : public UnaryLayer {
public:
    std::string type() const override { return "Flatten"; }
    Shape outputShape(const Shape& input) const override { return {static_cast<int>(product(input))}; }
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;
};

// Reshape(target_shape): same elements, new per-sample shape.
class Reshape : public UnaryLayer {
public:
    explicit Reshape(Shape target) : target_(std::move(target)) {}
    std::string type() const override { return "Reshape"; }
    Json config() const override { return Json{{"target_shape", target_}}; }
    Shape outputShape(const Shape& input) const override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;

private:
    Shape target_;
};

}  // namespace deepfield
