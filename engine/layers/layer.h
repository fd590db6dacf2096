#pragma once
// Layer: hyper-parameters in the constructor, a pure shape rule, forward with the layer's
// own cache, explicit backward. The graph owns activations: the inputs x and output y
// handed to forward stay alive and unchanged until the matching backward.
#include <string>
#include <vector>

#include "core/json.h"
#include "core/rng.h"
#include "core/tensor.h"

namespace deepfield {

enum class Mode { Inference, Training };

// A trainable parameter or a saved buffer (BatchNorm running statistics): value and gradient.
struct Param {
    std::string name;       // "kernel", "bias", "gamma", "moving_mean" ...
    Tensor* value = nullptr;
    Tensor* grad = nullptr;  // null for buffers
};

// What the graph knows about a layer's surroundings when it initialises weights.
struct InitHint {
    bool reluFollows = false;  // a ReLU-family activation consumes this layer's output
};

class Layer {
public:
    virtual ~Layer() = default;

    virtual std::string type() const = 0;  // Keras name: "Dense", "Conv2D" ...
    // Hyper-parameters with Keras names; the registry rebuilds the layer from them.
    virtual Json config() const { return Json::object(); }
    // Number of inputs: 1 for most layers, -1 for variadic merges (Add, Concatenate).
    virtual int inputCount() const { return 1; }

    // Pure: per-sample output shape for per-sample input shapes. Throws ShapeError naming
    // the incoming shape and what was expected. Runs before anything is allocated.
    virtual Shape outputShape(const std::vector<Shape>& inputs) const = 0;
    // Allocates parameters for these input shapes (after outputShape accepted them).
    virtual void build(const std::vector<Shape>& /*inputs*/) {}
    // Draws initial weights from rng.
    virtual void reset(Rng& /*rng*/, const InitHint& /*hint*/) {}

    // x: inputs with a batch dimension; y is resized by the layer.
    virtual void forward(const std::vector<const Tensor*>& x, Tensor& y, Mode mode) = 0;
    // Accumulates (+=) parameter gradients and writes input gradients: dx[i] has x[i]'s
    // shape on return; a null dx[i] means that gradient is not needed (skip the work).
    virtual void backward(const std::vector<const Tensor*>& x, const Tensor& y, const Tensor& dy,
                          const std::vector<Tensor*>& dx) = 0;

    virtual std::vector<Param> parameters() { return {}; }
    // Non-trainable state that is saved with the weights.
    virtual std::vector<Param> buffers() { return {}; }
    // Whether the layer draws random numbers in training mode (Dropout, Sampling).
    virtual void setSeed(std::uint64_t /*seed*/) {}

    std::size_t parameterCount();
};

// Most layers have one input; they implement these simpler signatures.
class UnaryLayer : public Layer {
public:
    virtual Shape outputShape(const Shape& input) const = 0;
    virtual void build(const Shape& /*input*/) {}
    virtual void forward(const Tensor& x, Tensor& y, Mode mode) = 0;
    virtual void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) = 0;

    Shape outputShape(const std::vector<Shape>& inputs) const final;
    void build(const std::vector<Shape>& inputs) final { build(inputs.at(0)); }
    void forward(const std::vector<const Tensor*>& x, Tensor& y, Mode mode) final {
        forward(*x.at(0), y, mode);
    }
    void backward(const std::vector<const Tensor*>& x, const Tensor& y, const Tensor& dy,
                  const std::vector<Tensor*>& dx) final {
        backward(*x.at(0), y, dy, dx.empty() ? nullptr : dx[0]);
    }
};

// Shape errors read the same everywhere: "Conv2D: input (3, 4) ...: expected (C, H, W)".
[[noreturn]] void throwShapeError(const std::string& layerType, const std::vector<Shape>& inputs,
                                  const std::string& why);

}  // namespace deepfield
