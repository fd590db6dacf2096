#include "generative/vae.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/error.h"
#include "generative/loop.h"

namespace deepfield {

ReconstructionLoss reconstructionLossFromString(const std::string& name) {
    if (name == "mse" || name == "summed_mse") return ReconstructionLoss::SummedMse;
    if (name == "bce" || name == "binary_crossentropy") return ReconstructionLoss::SummedBce;
    throw InputError("unknown VAE reconstruction loss '" + name + "'; use mse or bce");
}

const char* toString(ReconstructionLoss loss) { return loss == ReconstructionLoss::SummedMse ? "mse" : "bce"; }

double reconstructionLoss(ReconstructionLoss kind, const Tensor& pred, const Tensor& target, Tensor* grad,
                          std::vector<double>* perImage) {
    if (pred.size() != target.size() || pred.batch() != target.batch())
        throw ShapeError("VAE reconstruction: decoder output " + toString(pred.shape()) + " and image " +
                         toString(target.shape()) + " differ; the decoder must rebuild the input's shape");
    const int n = pred.batch();
    const std::size_t m = pred.sampleSize();
    if (grad) grad->resizeLike(pred);
    if (perImage) perImage->assign(std::size_t(n), 0.0);
    double total = 0;
    const float invN = 1.0f / float(std::max(1, n));
    for (int i = 0; i < n; ++i) {
        const float* p = pred.sample(i);
        const float* t = target.sample(i);
        float* g = grad ? grad->sample(i) : nullptr;
        double s = 0;
        if (kind == ReconstructionLoss::SummedMse) {
            for (std::size_t j = 0; j < m; ++j) {
                const float d = p[j] - t[j];
                s += double(d) * d;
                if (g) g[j] = 2.0f * d * invN;
            }
        } else {
            for (std::size_t j = 0; j < m; ++j) {
                const float q = std::clamp(p[j], 1e-7f, 1.0f - 1e-7f);
                s -= t[j] * std::log(double(q)) + (1.0 - t[j]) * std::log(1.0 - q);
                // The clip has zero gradient outside [1e-7, 1 − 1e-7] (as torch.clamp).
                if (g) g[j] = (p[j] == q) ? (q - t[j]) / (q * (1.0f - q)) * invN : 0.0f;
            }
        }
        if (perImage) (*perImage)[std::size_t(i)] = s;
        total += s;
    }
    return n ? total / n : 0.0;
}

void VaeModel::build() {
    encoder.build();
    decoder.build();
    samplingIndex_ = -1;
    for (std::size_t i = 0; i < encoder.nodes().size(); ++i)
        if (encoder.nodes()[i].type == "Sampling") {
            if (samplingIndex_ >= 0) throw InputError("VAE encoder: more than one Sampling layer");
            samplingIndex_ = int(i);
        }
    if (samplingIndex_ < 0) throw InputError("VAE encoder: no Sampling layer (z = μ + σ·ε); add one fed by μ and log σ²");
    const Node& s = encoder.nodes()[std::size_t(samplingIndex_)];
    meanNode_ = s.inputs.at(0);
    logVarNode_ = s.inputs.at(1);
    const auto outs = encoder.outputNames();
    zOutput_ = int(std::find(outs.begin(), outs.end(), s.name) - outs.begin());
    if (zOutput_ == int(outs.size()))
        throw InputError("VAE encoder: the Sampling node '" + s.name + "' must be one of the encoder's outputs");
    if (encoder.inputNames().size() != 1 || decoder.inputNames().size() != 1 || decoder.outputNames().size() != 1)
        throw InputError("VAE: the encoder needs one input and the decoder one input and one output");
    if (decoder.inputShapes()[0] != encoder.shapeOf(s.name))
        throw ShapeError("VAE: the decoder takes " + toString(decoder.inputShapes()[0]) + " but the latent z is " +
                         toString(encoder.shapeOf(s.name)));
    if (decoder.outputShapes()[0] != encoder.inputShapes()[0])
        throw ShapeError("VAE: the decoder makes images " + toString(decoder.outputShapes()[0]) +
                         " but the encoder reads " + toString(encoder.inputShapes()[0]));
}

Sampling& VaeModel::sampling() {
    if (samplingIndex_ < 0) build();
    return static_cast<Sampling&>(*encoder.nodes()[std::size_t(samplingIndex_)].layer);
}

int VaeModel::latentDim() {
    if (samplingIndex_ < 0) build();
    return decoder.inputShapes()[0][0];
}

void VaeModel::encode(const Tensor& images, Tensor& mu, Tensor& logVar) {
    if (samplingIndex_ < 0) build();
    encoder.forward(images, Mode::Inference);
    mu = encoder.activation(meanNode_);
    logVar = encoder.activation(logVarNode_);
}

const Tensor& VaeModel::decode(const Tensor& z) {
    if (samplingIndex_ < 0) build();
    return decoder.forward(z, Mode::Inference);
}

const Tensor& VaeModel::reconstruct(const Tensor& images) {
    if (samplingIndex_ < 0) build();
    encoder.forward(images, Mode::Inference);
    const Tensor mu = encoder.activation(meanNode_);
    return decoder.forward(mu, Mode::Inference);
}

Json VaeOptions::toJson() const {
    return Json{{"epochs", epochs},     {"batch_size", batchSize}, {"shuffle", shuffle},
                {"seed", seed},         {"reconstruction", toString(reconstruction)},
                {"beta", beta},         {"kl_warmup_epochs", klWarmupEpochs}};
}

VaeOptions VaeOptions::fromJson(const Json& j) {
    VaeOptions o;
    if (!j.is_object()) return o;
    o.epochs = j.value("epochs", o.epochs);
    o.batchSize = j.value("batch_size", o.batchSize);
    o.shuffle = j.value("shuffle", o.shuffle);
    o.seed = j.value("seed", o.seed);
    o.reconstruction = reconstructionLossFromString(j.value("reconstruction", std::string("mse")));
    o.beta = j.value("beta", o.beta);
    o.klWarmupEpochs = j.value("kl_warmup_epochs", o.klWarmupEpochs);
    return o;
}

VaeTrainer::VaeTrainer(VaeModel& model, Optimizer& optimizer, VaeOptions options)
    : model_(model), optimizer_(optimizer), options_(std::move(options)) {
    model_.build();
    if (!(options_.beta >= 0)) throw InputError("VAE: beta must be ≥ 0, got " + std::to_string(options_.beta));
    if (options_.epochs < 0) throw InputError("VAE: epochs must be ≥ 0");
}

std::vector<double> VaeTrainer::evaluate(const Dataset& data, int batchSize) {
    Sampling& s = model_.sampling();
    double rec = 0, kl = 0;
    Tensor x, y, mu;
    const int n = data.size();
    for (int start = 0; start < n; start += batchSize) {
        std::vector<int> idx;
        for (int i = start; i < std::min(n, start + batchSize); ++i) idx.push_back(i);
        data.batch(idx, x, y);
        model_.encoder.forward(x, Mode::Inference);
        const double k = s.klLoss();
        mu = model_.encoder.activation(model_.meanNode());
        const Tensor& xr = model_.decoder.forward(mu, Mode::Inference);
        rec += reconstructionLoss(options_.reconstruction, xr, x, nullptr) * double(idx.size());
        kl += k * double(idx.size());
    }
    rec /= std::max(1, n);
    kl /= std::max(1, n);
    return {rec + s.beta() * kl, rec, kl};
}

History VaeTrainer::fit(const Dataset& train, const Dataset* validation, TrainObserver* observer,
                        TrainControl* control) {
    using Clock = std::chrono::steady_clock;
    History history;
    history.stopReason = "completed";
    if (train.size() == 0) throw InputError("the training set is empty");
    if (train.inputShape() != model_.encoder.inputShapes()[0])
        throw ShapeError("the VAE expects images of shape " + toString(model_.encoder.inputShapes()[0]) +
                         " but the data has samples of shape " + toString(train.inputShape()));
    Sampling& sampling = model_.sampling();
    sampling.setBeta(options_.beta);
    std::vector<Graph*> graphs{&model_.encoder, &model_.decoder};
    const std::vector<Param> params = parametersOf(graphs);
    Rng shuffleRng(options_.seed ^ 0x5DEECE66Dull);
    WeightSnapshot lastGood = WeightSnapshot::of(graphs);
    Tensor x, y, grad;
    std::vector<Tensor> zeroGrads(model_.encoder.outputNames().size());
    const double lr = optimizer_.learningRate();
    auto diverge = [&](const std::string& what) {
        lastGood.restore(graphs);
        history.diverged = true;
        history.stopReason = divergenceMessage(what, lr, int(history.epochs.size()));
        return history;
    };
    for (int epoch = 0; epoch < options_.epochs; ++epoch) {
        const auto t0 = Clock::now();
        train.beginEpoch(epoch);
        const auto batches = epochBatches(train.size(), options_.batchSize, options_.shuffle, shuffleRng);
        double lossSum = 0, recSum = 0, klSum = 0, wSum = 0;
        for (std::size_t b = 0; b < batches.size(); ++b) {
            if (!waitForGo(control, observer)) {
                history.stopReason = "cancelled";
                return history;
            }
            const auto tb = Clock::now();
            const std::vector<int>& idx = batches[b];
            const float w = options_.klWarmupEpochs > 0
                                ? std::min(1.0f, (float(epoch) + float(b) / float(batches.size())) / float(options_.klWarmupEpochs))
                                : 1.0f;
            sampling.setKlWeight(w);
            train.batch(idx, x, y);
            model_.encoder.zeroGrad();
            model_.decoder.zeroGrad();
            model_.encoder.forward(x, Mode::Training);
            const double kl = sampling.klLoss();
            const Tensor& z = model_.encoder.output(model_.zOutput_);
            const Tensor& xr = model_.decoder.forward(z, Mode::Training);
            const double rec = reconstructionLoss(options_.reconstruction, xr, x, &grad);
            const double loss = rec + double(options_.beta) * w * kl;
            if (!std::isfinite(loss))
                return diverge(std::string("the loss became ") + (std::isnan(loss) ? "NaN" : "infinite") + " in epoch " +
                               std::to_string(epoch + 1) + ", batch " + std::to_string(b + 1));
            model_.decoder.backward(grad, true);
            std::vector<const Tensor*> outGrads;
            const auto outs = model_.encoder.outputNames();
            for (std::size_t o = 0; o < outs.size(); ++o) {
                if (int(o) == model_.zOutput_) {
                    outGrads.push_back(&model_.decoder.inputGradient(0));
                } else {
                    zeroGrads[o].resizeLike(model_.encoder.output(int(o)));
                    zeroGrads[o].setZero();
                    outGrads.push_back(&zeroGrads[o]);
                }
            }
            model_.encoder.backward(outGrads);
            BatchStats stats;
            stats.gradientNorm = optimizer_.step(params);
            if (!std::isfinite(stats.gradientNorm))
                return diverge("the gradient became NaN or infinite in epoch " + std::to_string(epoch + 1) + ", batch " +
                               std::to_string(b + 1));
            lossSum += loss * double(idx.size());
            recSum += rec * double(idx.size());
            klSum += kl * double(idx.size());
            wSum += w * double(idx.size());
            history.batchLosses.push_back(loss);
            stats.loss = loss;
            stats.epoch = epoch + 1;
            stats.batch = int(b) + 1;
            stats.batchesPerEpoch = int(batches.size());
            stats.learningRate = lr;
            stats.samplesPerSecond =
                double(idx.size()) / std::max(1e-9, std::chrono::duration<double>(Clock::now() - tb).count());
            if (observer) observer->onBatchEnd(stats);
        }
        if (!allFinite(graphs)) return diverge("the weights became NaN or infinite in epoch " + std::to_string(epoch + 1));
        const double n = train.size();
        EpochStats e;
        e.epoch = epoch + 1;
        e.trainLoss = lossSum / n;
        e.trainMetrics = {{"reconstruction", recSum / n}, {"kl", klSum / n}, {"kl_weight", wSum / n}};
        e.learningRate = lr;
        if (validation && validation->size() > 0) {
            const auto v = evaluate(*validation);
            if (!std::isfinite(v[0]))
                return diverge("the validation loss became NaN or infinite after epoch " + std::to_string(epoch + 1));
            e.valLoss = v[0];
            e.valMetrics = {{"reconstruction", v[1]}, {"kl", v[2]}};
        }
        e.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        history.epochs.push_back(e);
        lastGood = WeightSnapshot::of(graphs);
        if (observer) observer->onEpochEnd(e);
    }
    sampling.setKlWeight(1.0f);
    return history;
}

}  // namespace deepfield
