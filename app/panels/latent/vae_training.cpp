#include "vae_training.h"

#include "core/error.h"
#include "generative/sampling.h"
#include "graph/templates.h"
#include "latent_model.h"
#include "train/optimizer.h"

namespace deepfield::app {

namespace {
// Passes batch and epoch results on, split into the two loss terms; stops the trainer on cancel.
class Reporter : public TrainObserver {
public:
    Reporter(VaeModel& m, const VaeTrainSettings& s, const std::function<void(const VaeTrainProgress&)>& report,
             const std::atomic<bool>& cancel, TrainControl& control)
        : model_(m), settings_(s), report_(report), cancel_(cancel), control_(control) {}
    void onBatchEnd(const BatchStats& b) override {
        if (cancel_.load()) control_.cancel = true;
        Sampling& s = model_.sampling();
        VaeTrainProgress p;
        p.epoch = b.epoch;
        p.batch = b.batch;
        p.batchesPerEpoch = b.batchesPerEpoch;
        p.epochs = settings_.epochs;
        p.betaKl = double(s.beta()) * double(s.klWeight()) * s.klLoss();
        p.reconstruction = b.loss - p.betaKl;
        if (report_) report_(p);
    }
    void onEpochEnd(const EpochStats& e) override {
        VaeTrainProgress p;
        p.epoch = e.epoch;
        p.epochs = settings_.epochs;
        p.epochEnd = true;
        p.reconstruction = e.trainMetrics.at("reconstruction");
        p.betaKl = e.trainLoss - p.reconstruction;
        if (report_) report_(p);
    }

private:
    VaeModel& model_;
    const VaeTrainSettings& settings_;
    const std::function<void(const VaeTrainProgress&)>& report_;
    const std::atomic<bool>& cancel_;
    TrainControl& control_;
};
}  // namespace

Shape vaeInputShape(const Shape& in, const VaeTrainSettings& s) {
    if (in.size() != 3) throw InputError("a VAE learns from images; the loaded data has samples of shape " + toString(in));
    const int side = s.imageSize > 0 ? s.imageSize : std::min(in[1], in[2]) / 8 * 8;
    if (side < 8) throw InputError("images must be at least 8×8 pixels for the VAE (got " + toString(in) + ")");
    return {s.grey ? 1 : in[0], side, side};
}

VaeModel trainVae(std::shared_ptr<const Dataset> data, const VaeTrainSettings& s,
                  const std::function<void(const VaeTrainProgress&)>& report, const std::atomic<bool>& cancel,
                  History* history) {
    GenerativeTemplateOptions to;
    to.imageShape = vaeInputShape(data->inputShape(), s);
    to.latent = s.latent;
    to.baseFilters = s.baseFilters;
    to.beta = s.beta;
    GraphPair pair = makeGenerativeTemplate("vae-latent", to);
    pair.first.build();
    pair.second.build();
    pair.first.reset(s.seed);
    pair.second.reset(s.seed + 1);
    VaeModel model(std::move(pair.first), std::move(pair.second));
    model.build();
    // The adaptation (grey, size, per-image scaling) is the one the panel encodes with later.
    auto probe = LatentModel::fromVae(VaeModel(model.encoder.clone(), model.decoder.clone()), "");
    const auto adapted = probe->adapt(std::move(data));
    auto opt = makeOptimizer("adam", OptimizerOptions{s.learningRate});
    VaeOptions o;
    o.epochs = s.epochs;
    o.batchSize = s.batchSize;
    o.seed = s.seed;
    o.beta = s.beta;
    o.klWarmupEpochs = s.klWarmupEpochs;
    TrainControl control;
    Reporter reporter(model, s, report, cancel, control);
    History h = VaeTrainer(model, *opt, o).fit(*adapted, nullptr, &reporter, &control);
    if (h.diverged) throw Error(h.stopReason);
    if (history) *history = std::move(h);
    return model;
}

}  // namespace deepfield::app
