#pragma once
// The model behind the Latent space panel, whichever way it came: a VAE trained in the panel or
// read from a `deepfield-cli train --model vae-latent` run (μ, σ from the encoder), or an
// image-to-image `autoencoder` run, split at its bottleneck (μ = the flattened bottleneck, σ = 0).
// Encoding, decoding and the model-input adaptation of any dataset (channels, size, scaling).
#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "data/dataset.h"
#include "generative/latent.h"
#include "generative/vae.h"

namespace deepfield::app {

class LatentModel {
public:
    enum class Kind { Vae, Autoencoder };
    static std::shared_ptr<LatentModel> fromVae(VaeModel model, std::string origin);
    // A run folder (vae-latent or autoencoder). InputError naming the folder otherwise.
    static std::shared_ptr<LatentModel> openRun(const std::string& folder);

    Kind kind() const { return kind_; }
    const std::string& origin() const { return origin_; }
    int latentDim() const { return latentDim_; }
    Shape inputShape() const { return inputShape_; }  // (C, H, W)
    bool hasSigma() const { return kind_ == Kind::Vae; }

    // Dataset images as this model sees them: channels averaged (model has 1) or repeated, resized
    // to (H, W), then scaled per image as in training. InputError when the channels cannot match.
    std::shared_ptr<const Dataset> adapt(std::shared_ptr<const Dataset> data) const;
    // μ and σ (N, D) of a dataset already adapted; progress(done, total); stops early (returns
    // fewer rows) when cancel becomes true. targets: the first target value per image (class index).
    LatentCodes encode(const Dataset& adapted, const std::function<void(int, int)>& progress = {},
                       const std::atomic<bool>* cancel = nullptr, std::vector<float>* targets = nullptr);
    // Decoded images (N, C, H, W) of latent points (N, D), inference mode. Not thread-safe:
    // a worker uses its own clone().
    Tensor decode(const Tensor& z);
    std::shared_ptr<LatentModel> clone();
    VaeModel* vae() { return kind_ == Kind::Vae ? &vae_ : nullptr; }

private:
    Kind kind_ = Kind::Vae;
    std::string origin_;
    int latentDim_ = 0;
    Shape inputShape_, bottleneckShape_;
    VaeModel vae_;
    Graph aeEncoder_, aeDecoder_;  // autoencoder halves
};

}  // namespace deepfield::app
