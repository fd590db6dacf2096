#pragma once
#include "layers/layer.h"

namespace deepfield {

// Dropout(rate): in training, zeroes each value with probability rate and scales the rest
// by 1/(1-rate) ("inverted" dropout, as Keras and PyTorch); identity at inference.
class Dropout : public UnaryLayer {
public:
    explicit Dropout(float rate) : rate_(rate) {}
    std::string type() const override { return "Dropout"; }
    Json config() const override { return Json{{"rate", rate_}}; }
    Shape outputShape(const Shape& input) const override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;
    void setSeed(std::uint64_t seed) override { rng_.seed(seed); }

private:
    float rate_;
    Rng rng_;
    Tensor mask_;  // same shape as x: 0 or 1/(1-rate); empty after an inference pass
};

}  // namespace deepfield
