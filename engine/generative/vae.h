#pragma once
// Variational autoencoder training (Kingma & Welling 2014): an encoder graph whose Sampling
// node draws z, and a decoder graph z → image. Loss per image, averaged over the batch:
//   L = reconstruction(x̂, x) + β·w·KL(q(z|x) ‖ N(0, 1)),  w: KL annealing weight (0 → 1)
// reconstruction = Σ_pixels (x̂ − x)² (summed MSE) or Σ_pixels BCE(x̂, x). The history reports the
// two terms apart (train_reconstruction, train_kl, train_kl_weight).
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "generative/sampling.h"
#include "graph/graph.h"
#include "train/optimizer.h"
#include "train/trainer.h"

namespace deepfield {

enum class ReconstructionLoss { SummedMse, SummedBce };
ReconstructionLoss reconstructionLossFromString(const std::string& name);  // mse, bce
const char* toString(ReconstructionLoss loss);

// Mean over the batch of the per-image summed loss; grad = ∂/∂pred (pred's shape) unless null;
// perImage (N) unless null. BCE clips pred to [1e-7, 1 − 1e-7].
double reconstructionLoss(ReconstructionLoss kind, const Tensor& pred, const Tensor& target, Tensor* grad,
                          std::vector<double>* perImage = nullptr);

// Encoder (image → outputs including a Sampling node's z) and decoder (z → image).
struct VaeModel {
    VaeModel() = default;
    VaeModel(Graph e, Graph d) : encoder(std::move(e)), decoder(std::move(d)) {}
    Graph encoder, decoder;

    void build();  // builds both; checks that the encoder has one Sampling node among its outputs
    Sampling& sampling();
    const std::string& meanNode() const { return meanNode_; }
    const std::string& logVarNode() const { return logVarNode_; }
    int latentDim();
    // Inference (z = μ): μ and log σ² (N, D) of images (N, C, H, W).
    void encode(const Tensor& images, Tensor& mu, Tensor& logVar);
    // Decoder output (N, C, H, W) for latent points (N, D), inference mode.
    const Tensor& decode(const Tensor& z);
    // decode(μ(x)).
    const Tensor& reconstruct(const Tensor& images);

private:
    int samplingIndex_ = -1;  // node index in the encoder
    int zOutput_ = -1;        // which encoder output is z
    std::string meanNode_, logVarNode_;
    friend class VaeTrainer;
};

struct VaeOptions {
    int epochs = 10;
    int batchSize = 32;
    bool shuffle = true;
    std::uint64_t seed = 0;  // shuffling (ε comes from the Sampling layer's seed, set by Graph::reset)
    ReconstructionLoss reconstruction = ReconstructionLoss::SummedMse;
    float beta = 1.0f;       // written into the Sampling layer
    int klWarmupEpochs = 0;  // KL annealing: w rises linearly from 0 to 1 over these epochs (per batch)
    Json toJson() const;
    static VaeOptions fromJson(const Json& j);
};

class VaeTrainer {
public:
    VaeTrainer(VaeModel& model, Optimizer& optimizer, VaeOptions options);
    // Trains on the inputs of `train` (targets are ignored); validates on `validation` if given.
    // Epoch stats: trainLoss = reconstruction + β·w·KL; trainMetrics reconstruction, kl, kl_weight;
    // valLoss = reconstruction + β·KL at inference (z = μ); valMetrics reconstruction, kl.
    History fit(const Dataset& train, const Dataset* validation = nullptr, TrainObserver* observer = nullptr,
                TrainControl* control = nullptr);
    // Mean losses over a dataset in inference mode: {loss, reconstruction, kl}.
    std::vector<double> evaluate(const Dataset& data, int batchSize = 128);

private:
    VaeModel& model_;
    Optimizer& optimizer_;
    VaeOptions options_;
};

}  // namespace deepfield
