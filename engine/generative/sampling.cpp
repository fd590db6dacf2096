#include "generative/sampling.h"

#include <cmath>

#include "core/error.h"
#include "layers/registry.h"

namespace deepfield {

Shape Sampling::outputShape(const std::vector<Shape>& inputs) const {
    if (inputs.size() != 2) throwShapeError(type(), inputs, "needs two inputs: z_mean and z_log_var");
    if (inputs[0].size() != 1 || inputs[0] != inputs[1])
        throwShapeError(type(), inputs, "z_mean and z_log_var must be vectors (latent) of the same length");
    if (!(beta_ >= 0.0f)) throwShapeError(type(), inputs, "beta must be ≥ 0, got " + std::to_string(beta_));
    return inputs[0];
}

std::vector<double> klDivergence(const Tensor& mu, const Tensor& logVar) {
    const int n = mu.batch();
    const std::size_t d = mu.sampleSize();
    std::vector<double> kl(std::size_t(n), 0.0);
    for (int i = 0; i < n; ++i) {
        const float* m = mu.sample(i);
        const float* lv = logVar.sample(i);
        double s = 0;
        for (std::size_t j = 0; j < d; ++j) s += 1.0 + lv[j] - double(m[j]) * m[j] - std::exp(double(lv[j]));
        kl[std::size_t(i)] = -0.5 * s;
    }
    return kl;
}

void Sampling::forward(const std::vector<const Tensor*>& x, Tensor& y, Mode mode) {
    const Tensor& mu = *x.at(0);
    const Tensor& lv = *x.at(1);
    y.resizeLike(mu);
    klPerSample_ = klDivergence(mu, lv);
    klMean_ = 0;
    for (double k : klPerSample_) klMean_ += k;
    klMean_ = klPerSample_.empty() ? 0.0 : klMean_ / double(klPerSample_.size());
    trained_ = mode == Mode::Training;
    if (!trained_) {
        y.vec() = mu.vec();
        return;
    }
    if (!fixedNoise_.empty()) {
        if (fixedNoise_.shape() != mu.shape())
            throw ShapeError("Sampling: fixed noise has shape " + toString(fixedNoise_.shape()) + " but z_mean has " +
                             toString(mu.shape()));
        eps_ = fixedNoise_;
    } else {
        eps_.resizeLike(mu);
        for (std::size_t i = 0; i < eps_.size(); ++i) eps_[i] = float(rng_.normal());
    }
    y.vec() = mu.vec().array() + (0.5f * lv.vec().array()).exp() * eps_.vec().array();
}

void Sampling::backward(const std::vector<const Tensor*>& x, const Tensor&, const Tensor& dy,
                        const std::vector<Tensor*>& dx) {
    const Tensor& mu = *x.at(0);
    const Tensor& lv = *x.at(1);
    const int n = std::max(1, mu.batch());
    // ∂(β·w·mean KL)/∂μ = β·w·μ/N; ∂/∂log σ² = β·w·½(σ² − 1)/N.
    const float c = beta_ * klWeight_ / float(n);
    if (dx.size() > 0 && dx[0]) {
        dx[0]->resizeLike(mu);
        dx[0]->vec() = dy.vec() + c * mu.vec();
    }
    if (dx.size() > 1 && dx[1]) {
        Tensor& g = *dx[1];
        g.resizeLike(lv);
        const auto sigma2 = lv.vec().array().exp();
        if (trained_) {
            // z = μ + e^{½ lv}·ε → ∂z/∂lv = ½ e^{½ lv}·ε
            g.vec() = (dy.vec().array() * 0.5f * (0.5f * lv.vec().array()).exp() * eps_.vec().array() +
                       c * 0.5f * (sigma2 - 1.0f)).matrix();
        } else {
            g.vec() = (c * 0.5f * (sigma2 - 1.0f)).matrix();
        }
    }
}

void registerGenerativeLayers(LayerRegistry& r) {
    r.add({"Sampling", "Generative",
           "VAE reparameterisation: z = μ + σ·ε while training (z = μ at inference), with a β-weighted KL term",
           Json{{"beta", 1.0}},
           [](const Json& c) { return std::make_unique<Sampling>(configFloat(c, "beta", "Sampling")); }});
}

}  // namespace deepfield
