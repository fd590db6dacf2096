#pragma once
#include "layers/initializer.h"
#include "layers/layer.h"

namespace deepfield {

// Dense(units): y = x·Wᵀ + b.  x (N, in), W (units, in) as in PyTorch, b (units), y (N, units).
class Dense : public UnaryLayer {
public:
    explicit Dense(int units, bool useBias = true, Initializer kernelInit = {},
                   Initializer biasInit = Initializer{"zeros"});
    std::string type() const override { return "Dense"; }
    Json config() const override;
    Shape outputShape(const Shape& input) const override;
    void build(const Shape& input) override;
    void reset(Rng& rng, const InitHint& hint) override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;
    std::vector<Param> parameters() override;

    Tensor& kernel() { return kernel_; }
    Tensor& bias() { return bias_; }

private:
    int units_;
    bool useBias_;
    Initializer kernelInit_, biasInit_;
    Tensor kernel_, kernelGrad_;  // (units, in)
    Tensor bias_, biasGrad_;      // (units)
};

}  // namespace deepfield
