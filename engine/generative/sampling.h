#pragma once
// Sampling: the VAE's reparameterisation trick (Kingma & Welling 2014) as a layer.
// Inputs μ (N, D) and log σ² (N, D); output z (N, D):
//   training  z = μ + exp(½ log σ²)·ε, ε ~ N(0, 1) drawn from the layer's seeded generator
//   inference z = μ
// It also carries the KL divergence of q(z|x) = N(μ, σ²) from N(0, 1) as a loss term, like
// Keras' add_loss: per image KL = −½ Σ_j (1 + log σ²_j − μ_j² − σ²_j), averaged over the batch.
// backward adds β·w·∂KL/∂(μ, log σ²) (w: the annealing weight) to the incoming gradients, so any
// loop that backpropagates through the layer also minimises β·w·KL.
#include "layers/layer.h"

namespace deepfield {

class Sampling : public Layer {
public:
    explicit Sampling(float beta = 1.0f) : beta_(beta) {}
    std::string type() const override { return "Sampling"; }
    Json config() const override { return Json{{"beta", beta_}}; }
    int inputCount() const override { return 2; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void forward(const std::vector<const Tensor*>& x, Tensor& y, Mode mode) override;
    void backward(const std::vector<const Tensor*>& x, const Tensor& y, const Tensor& dy,
                  const std::vector<Tensor*>& dx) override;
    void setSeed(std::uint64_t seed) override { rng_.seed(seed); }

    float beta() const { return beta_; }
    void setBeta(float beta) { beta_ = beta; }
    // KL annealing: the KL term's gradient is scaled by beta·weight (weight 0 → 1 over a warm-up).
    void setKlWeight(float weight) { klWeight_ = weight; }
    float klWeight() const { return klWeight_; }
    // Mean KL per image of the last forward pass (without β), and per image (N).
    double klLoss() const { return klMean_; }
    const std::vector<double>& klPerSample() const { return klPerSample_; }
    // Tests and reference checks: use this ε (N, D) instead of drawing one (empty tensor: draw).
    void setFixedNoise(Tensor eps) { fixedNoise_ = std::move(eps); }
    const Tensor& noise() const { return eps_; }  // ε of the last training forward (N, D)

private:
    float beta_;
    float klWeight_ = 1.0f;
    Rng rng_;
    Tensor eps_;         // (N, D)
    Tensor fixedNoise_;  // (N, D) or empty
    bool trained_ = false;  // last forward was in training mode (z depends on σ)
    double klMean_ = 0.0;
    std::vector<double> klPerSample_;
};

// KL(N(μ, σ²) ‖ N(0, 1)) per row of (N, D) μ and log σ², in double.
std::vector<double> klDivergence(const Tensor& mu, const Tensor& logVar);

}  // namespace deepfield
