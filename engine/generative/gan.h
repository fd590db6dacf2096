#pragma once
// Adversarial training. A generator G: z (N, latent) → image and a discriminator / critic
// D: image → (N, 1), updated in turn with a chosen ratio.
//   DCGAN (Radford et al. 2016): D minimises BCE(D(x), 1 − s) + BCE(D(G(z)), 0) on logits (s: one-sided
//         label smoothing); G minimises the non-saturating BCE(D(G(z)), 1).
//   WGAN  (Arjovsky et al. 2017): the critic minimises mean D(G(z)) − mean D(x) and its weights are
//         clipped to [−c, c] after every step; n_critic critic steps per generator step; G minimises
//         −mean D(G(z)). The Wasserstein estimate is mean D(x) − mean D(G(z)).
// Pix2Pix (Isola et al. 2017): G: input image → output image, D sees input and output stacked along
// channels; G minimises λ·|G(x) − y|₁ (mean) + w·BCE(D(x, G(x)), 1), or only the λ term (plain).
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.h"
#include "graph/graph.h"
#include "train/optimizer.h"
#include "train/trainer.h"

namespace deepfield {

enum class GanKind { DCGAN, WGAN };
GanKind ganKindFromString(const std::string& name);  // dcgan, wgan

struct GanOptions {
    GanKind kind = GanKind::DCGAN;
    int epochs = 10;           // passes over the real images (each critic step takes one real batch)
    int batchSize = 32;
    std::uint64_t seed = 0;    // shuffling and the noise z
    int criticSteps = 1;       // D/critic updates per generator update (WGAN: n_critic, usually 5)
    int generatorSteps = 1;    // generator updates after each round of critic updates
    float labelSmoothing = 0;  // DCGAN: real targets 1 − s (one-sided, Salimans et al. 2016)
    float clipValue = 0.01f;   // WGAN weight clipping c
    int sampleEvery = 0;       // generator steps between samples of the fixed noise (0: every epoch)
    int sampleCount = 16;      // images in the fixed noise batch
    Json toJson() const;
    static GanOptions fromJson(const Json& j);
};

// One critic / discriminator step (one real batch) and the generator steps that followed it.
struct GanStep {
    int step = 0;  // counts critic steps from 1 over the run: batches per epoch × epochs at the end
    int epoch = 0, batch = 0, batchesPerEpoch = 0;  // epoch and batch count from 1
    int generatorSteps = 0;  // generator steps so far
    double dLoss = NAN;        // this batch's D / critic loss
    double gLoss = NAN;        // mean loss of the generator steps after this batch; NaN if none (WGAN between rounds)
    double wasserstein = NAN;  // WGAN: mean D(x) − mean D(G(z)) on this batch; NaN for DCGAN
};

// Also told about every step's losses (live curves within an epoch) and the generator's images
// on the fixed noise (the views animate them). Called on the training thread: keep it cheap.
class GanObserver : public TrainObserver {
public:
    virtual void onStep(const GanStep& /*step*/) {}
    virtual void onSamples(int /*epoch*/, int /*generatorStep*/, const Tensor& /*images (K, C, H, W)*/) {}
};

struct GanSample {
    int epoch = 0, generatorStep = 0;
    Tensor images;  // (K, C, H, W), generator in inference mode on the fixed noise
};

struct GanHistory : History {
    // Epoch stats: trainLoss = mean D/critic loss; trainMetrics d_loss, g_loss and, for WGAN,
    // wasserstein; for DCGAN d_real, d_fake (mean D probability on real and generated images).
    // batchLosses: the generator loss of every generator step.
    std::vector<double> criticLosses;        // every critic step
    std::vector<double> wassersteinEstimates;  // every critic step (WGAN)
    std::vector<GanSample> samples;
};

class GanTrainer {
public:
    GanTrainer(Graph& generator, Graph& discriminator, Optimizer& generatorOptimizer,
               Optimizer& discriminatorOptimizer, GanOptions options);
    // Real images are the inputs of `real`, already scaled to the generator's output range.
    GanHistory fit(const Dataset& real, GanObserver* observer = nullptr, TrainControl* control = nullptr);
    const Tensor& fixedNoise() const { return fixedNoise_; }  // (sampleCount, latent)
    // Normal noise (n, latent) from the trainer's generator.
    Tensor noise(int n);
    // Generator images for noise in inference mode.
    const Tensor& generate(const Tensor& z) { return g_.forward(z, Mode::Inference); }

private:
    Graph& g_;
    Graph& d_;
    Optimizer& gOpt_;
    Optimizer& dOpt_;
    GanOptions o_;
    Rng rng_;
    Tensor fixedNoise_;
};

// WGAN clipping: every trainable parameter to [−c, c].
void clipWeights(Graph& graph, float c);
// Stacks (N, C1, H, W) and (N, C2, H, W) to (N, C1 + C2, H, W).
void concatChannels(const Tensor& a, const Tensor& b, Tensor& out);

struct Pix2PixOptions {
    int epochs = 10;
    int batchSize = 16;
    std::uint64_t seed = 0;
    bool adversarial = true;   // false: the plain variant (only the λ·L1 term, no discriminator)
    float l1Weight = 100.0f;   // λ
    float labelSmoothing = 0;
    float adversarialWeight = 1.0f;  // w (0: D is trained but G sees only the L1 term)
};

class Pix2PixTrainer {
public:
    // discriminator: (N, C_in + C_out, H, W) → logits (N, ...) (one or a patch of them); may be null
    // with adversarial = false.
    Pix2PixTrainer(Graph& generator, Graph* discriminator, Optimizer& generatorOptimizer,
                   Optimizer* discriminatorOptimizer, Pix2PixOptions options);
    // Pairs: inputs (N, C_in, H, W), targets (N, C_out, H, W). Epoch stats: trainLoss = generator loss,
    // trainMetrics l1, mse (G(x) vs y), and with the adversarial variant d_loss, g_adv; valLoss and
    // valMetrics mse, input_mse (x vs y, when C_in = C_out) on `validation`.
    History fit(const Dataset& pairs, const Dataset* validation = nullptr, TrainObserver* observer = nullptr,
                TrainControl* control = nullptr);
    // Mean squared error of G(x) against y, and of x against y (NaN when the shapes differ).
    std::pair<double, double> meanSquaredErrors(const Dataset& data, int batchSize = 64);

private:
    Graph& g_;
    Graph* d_;
    Optimizer& gOpt_;
    Optimizer* dOpt_;
    Pix2PixOptions o_;
};

}  // namespace deepfield
