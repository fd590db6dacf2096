#pragma once
#include "layers/layer.h"

namespace deepfield {

// BatchNormalization(momentum, epsilon, center, scale): per channel c (axis 0 of each
// sample: channels of (C, H, W), features of (F)),
//   y = gamma[c] · (x − mean[c]) / sqrt(var[c] + epsilon) + beta[c].
// Training uses the batch's mean and biased variance over (N, H, W) and updates
//   moving = momentum · moving + (1 − momentum) · batch,
// with the UNBIASED batch variance (m / (m − 1) · var) for moving_variance, as PyTorch does
// (Keras' momentum m is PyTorch's 1 − m). Inference uses moving_mean and moving_variance.
class BatchNormalization : public UnaryLayer {
public:
    explicit BatchNormalization(float momentum = 0.99f, float epsilon = 1e-3f, bool center = true,
                                bool scale = true);
    std::string type() const override { return "BatchNormalization"; }
    Json config() const override;
    Shape outputShape(const Shape& input) const override;
    void build(const Shape& input) override;
    void reset(Rng& rng, const InitHint& hint) override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;
    std::vector<Param> parameters() override;
    std::vector<Param> buffers() override;

    Tensor& gamma() { return gamma_; }
    Tensor& beta() { return beta_; }
    Tensor& movingMean() { return movingMean_; }
    Tensor& movingVariance() { return movingVar_; }

private:
    // Features (N, F): blocks of features vectorised over the batch (see the .cpp).
    void forwardFeatures(const Tensor& x, Tensor& y, Mode mode);
    void backwardFeatures(const Tensor& x, const Tensor& dy, Tensor* dx);

    float momentum_, epsilon_;
    bool center_, scale_;
    int channels_ = 0;
    Tensor gamma_, gammaGrad_;  // (C); all ones when scale is false (not a parameter then)
    Tensor beta_, betaGrad_;    // (C); zeros when center is false
    Tensor movingMean_, movingVar_;  // (C)
    // Cache of the last forward: the statistics it normalised with.
    Mode mode_ = Mode::Inference;
    std::vector<float> mean_, invStd_;  // (C)
};

}  // namespace deepfield
