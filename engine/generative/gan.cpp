#include "generative/gan.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/error.h"
#include "generative/loop.h"
#include "train/loss.h"

namespace deepfield {

GanKind ganKindFromString(const std::string& name) {
    if (name == "dcgan" || name == "gan") return GanKind::DCGAN;
    if (name == "wgan") return GanKind::WGAN;
    throw InputError("unknown GAN kind '" + name + "'; use dcgan or wgan");
}

Json GanOptions::toJson() const {
    return Json{{"kind", kind == GanKind::DCGAN ? "dcgan" : "wgan"},
                {"epochs", epochs},
                {"batch_size", batchSize},
                {"seed", seed},
                {"critic_steps", criticSteps},
                {"generator_steps", generatorSteps},
                {"label_smoothing", labelSmoothing},
                {"clip_value", clipValue},
                {"sample_every", sampleEvery},
                {"sample_count", sampleCount}};
}

GanOptions GanOptions::fromJson(const Json& j) {
    GanOptions o;
    if (!j.is_object()) return o;
    o.kind = ganKindFromString(j.value("kind", std::string("dcgan")));
    o.epochs = j.value("epochs", o.epochs);
    o.batchSize = j.value("batch_size", o.batchSize);
    o.seed = j.value("seed", o.seed);
    o.criticSteps = j.value("critic_steps", o.criticSteps);
    o.generatorSteps = j.value("generator_steps", o.generatorSteps);
    o.labelSmoothing = j.value("label_smoothing", o.labelSmoothing);
    o.clipValue = j.value("clip_value", o.clipValue);
    o.sampleEvery = j.value("sample_every", o.sampleEvery);
    o.sampleCount = j.value("sample_count", o.sampleCount);
    return o;
}

void clipWeights(Graph& graph, float c) {
    for (const Param& p : graph.parameters()) p.value->vec() = p.value->vec().cwiseMax(-c).cwiseMin(c);
}

void concatChannels(const Tensor& a, const Tensor& b, Tensor& out) {
    if (a.rank() != 4 || b.rank() != 4 || a.dim(0) != b.dim(0) || a.dim(2) != b.dim(2) || a.dim(3) != b.dim(3))
        throw ShapeError("stacking images along channels: " + toString(a.shape()) + " and " + toString(b.shape()) +
                         " must both be (N, C, H, W) with the same N, H and W");
    const int n = a.dim(0);
    out.resize({n, a.dim(1) + b.dim(1), a.dim(2), a.dim(3)});
    for (int i = 0; i < n; ++i) {
        std::copy_n(a.sample(i), a.sampleSize(), out.sample(i));
        std::copy_n(b.sample(i), b.sampleSize(), out.sample(i) + a.sampleSize());
    }
}

namespace {
void requireSingle(Graph& g, const char* what) {
    if (!g.isBuilt()) g.build();
    if (g.inputNames().size() != 1 || g.outputNames().size() != 1)
        throw InputError(std::string(what) + " needs a network with one input and one output");
}
// BCE on logits against a constant target; grad scaled by `scale`.
double bceConst(const Tensor& logits, float target, Tensor& grad, Tensor& targetBuf) {
    static const BinaryCrossEntropy bce(true);
    targetBuf.resizeLike(logits);
    targetBuf.fill(target);
    return bce.compute(logits, targetBuf, grad);
}
double meanOf(const Tensor& t) { return t.size() ? double(t.vec().sum()) / double(t.size()) : 0.0; }
double meanSigmoid(const Tensor& t) {
    double s = 0;
    for (std::size_t i = 0; i < t.size(); ++i) s += 1.0 / (1.0 + std::exp(-double(t[i])));
    return t.size() ? s / double(t.size()) : 0.0;
}
}  // namespace

GanTrainer::GanTrainer(Graph& generator, Graph& discriminator, Optimizer& gOpt, Optimizer& dOpt, GanOptions o)
    : g_(generator), d_(discriminator), gOpt_(gOpt), dOpt_(dOpt), o_(o), rng_(o.seed ^ 0xA5A5F00Dull) {
    requireSingle(g_, "the generator");
    requireSingle(d_, o_.kind == GanKind::WGAN ? "the critic" : "the discriminator");
    if (g_.outputShapes()[0] != d_.inputShapes()[0])
        throw ShapeError("the generator makes images " + toString(g_.outputShapes()[0]) + " but the " +
                         (o_.kind == GanKind::WGAN ? "critic" : "discriminator") + " reads " +
                         toString(d_.inputShapes()[0]));
    if (product(d_.outputShapes()[0]) != 1)
        throw ShapeError("the discriminator must give one logit per image, not " + toString(d_.outputShapes()[0]));
    if (g_.inputShapes()[0].size() != 1) throw ShapeError("the generator's input must be a latent vector");
    if (o_.criticSteps < 1 || o_.generatorSteps < 1) throw InputError("GAN: critic and generator steps must be ≥ 1");
    if (!(o_.labelSmoothing >= 0 && o_.labelSmoothing < 0.5f)) throw InputError("GAN: label smoothing must be in [0, 0.5)");
    if (!(o_.clipValue > 0)) throw InputError("WGAN: the clip value must be positive");
    Rng fixed(o_.seed ^ 0xF1C5EDull);
    fixedNoise_ = Tensor::withBatch(std::max(1, o_.sampleCount), g_.inputShapes()[0]);
    for (std::size_t i = 0; i < fixedNoise_.size(); ++i) fixedNoise_[i] = float(fixed.normal());
}

Tensor GanTrainer::noise(int n) {
    Tensor z = Tensor::withBatch(n, g_.inputShapes()[0]);
    for (std::size_t i = 0; i < z.size(); ++i) z[i] = float(rng_.normal());
    return z;
}

GanHistory GanTrainer::fit(const Dataset& real, GanObserver* observer, TrainControl* control) {
    using Clock = std::chrono::steady_clock;
    GanHistory h;
    h.stopReason = "completed";
    if (real.size() == 0) throw InputError("the training set is empty");
    if (real.inputShape() != d_.inputShapes()[0])
        throw ShapeError("the discriminator expects images of shape " + toString(d_.inputShapes()[0]) +
                         " but the data has " + toString(real.inputShape()));
    const bool wgan = o_.kind == GanKind::WGAN;
    std::vector<Graph*> graphs{&g_, &d_};
    WeightSnapshot lastGood = WeightSnapshot::of(graphs);
    Rng shuffleRng(o_.seed ^ 0x5DEECE66Dull);
    Tensor x, y, z, fake, grad, tbuf;
    int gStep = 0, criticStep = 0, criticInRound = 0;
    auto diverge = [&](const std::string& what) {
        lastGood.restore(graphs);
        h.diverged = true;
        h.stopReason = divergenceMessage(what, dOpt_.learningRate(), int(h.epochs.size()));
        return h;
    };
    auto sample = [&](int epoch) {
        GanSample s{epoch, gStep, g_.forward(fixedNoise_, Mode::Inference)};
        if (observer) observer->onSamples(epoch, gStep, s.images);
        h.samples.push_back(std::move(s));
    };
    sample(0);
    for (int epoch = 0; epoch < o_.epochs; ++epoch) {
        const auto t0 = Clock::now();
        real.beginEpoch(epoch);
        const auto batches = epochBatches(real.size(), o_.batchSize, true, shuffleRng);
        double dSum = 0, gSum = 0, wSum = 0, realSum = 0, fakeSum = 0;
        int dCount = 0, gCount = 0;
        for (std::size_t b = 0; b < batches.size(); ++b) {
            if (!waitForGo(control, observer)) {
                h.stopReason = "cancelled";
                return h;
            }
            const auto tb = Clock::now();
            const int n = int(batches[b].size());
            real.batch(batches[b], x, y);
            // Critic / discriminator step on a real batch and a generated one.
            z = noise(n);
            fake = g_.forward(z, Mode::Training);
            d_.zeroGrad();
            const Tensor& outReal = d_.forward(x, Mode::Training);
            double dLoss, wEst = 0;
            const double realMean = wgan ? meanOf(outReal) : meanSigmoid(outReal);
            if (wgan) {
                grad.resizeLike(outReal);
                grad.fill(-1.0f / float(n));
                wEst = meanOf(outReal);
            } else {
                dLoss = bceConst(outReal, 1.0f - o_.labelSmoothing, grad, tbuf);
            }
            d_.backward(grad);
            const Tensor& outFake = d_.forward(fake, Mode::Training);
            const double fakeMean = wgan ? meanOf(outFake) : meanSigmoid(outFake);
            if (wgan) {
                grad.resizeLike(outFake);
                grad.fill(1.0f / float(n));
                wEst -= meanOf(outFake);
                dLoss = -wEst;
            } else {
                dLoss += bceConst(outFake, 0.0f, grad, tbuf);
            }
            d_.backward(grad);
            if (!std::isfinite(dLoss))
                return diverge("the " + std::string(wgan ? "critic" : "discriminator") + " loss became NaN or infinite in epoch " +
                               std::to_string(epoch + 1) + ", batch " + std::to_string(b + 1));
            const double dNorm = dOpt_.step(d_.parameters());
            if (!std::isfinite(dNorm)) return diverge("the discriminator's gradient became NaN or infinite");
            if (wgan) clipWeights(d_, o_.clipValue);
            h.criticLosses.push_back(dLoss);
            if (wgan) h.wassersteinEstimates.push_back(wEst);
            dSum += dLoss;
            wSum += wEst;
            realSum += realMean;
            fakeSum += fakeMean;
            ++dCount;
            GanStep step;
            step.step = ++criticStep;
            step.epoch = epoch + 1;
            step.batch = int(b) + 1;
            step.batchesPerEpoch = int(batches.size());
            step.dLoss = dLoss;
            if (wgan) step.wasserstein = wEst;
            const bool generatorRound = ++criticInRound >= o_.criticSteps;
            if (generatorRound) criticInRound = 0;
            double gBatchSum = 0;
            // Generator steps: gradients flow through D (its parameter gradients are discarded).
            for (int s = 0; generatorRound && s < o_.generatorSteps; ++s) {
                g_.zeroGrad();
                z = noise(n);
                const Tensor& gen = g_.forward(z, Mode::Training);
                const Tensor& out = d_.forward(gen, Mode::Training);
                double gLoss;
                if (wgan) {
                    gLoss = -meanOf(out);
                    grad.resizeLike(out);
                    grad.fill(-1.0f / float(n));
                } else {
                    gLoss = bceConst(out, 1.0f, grad, tbuf);
                }
                if (!std::isfinite(gLoss)) return diverge("the generator loss became NaN or infinite in epoch " + std::to_string(epoch + 1));
                d_.backward(grad, true);
                g_.backward(d_.inputGradient(0));
                BatchStats stats;
                stats.gradientNorm = gOpt_.step(g_.parameters());
                if (!std::isfinite(stats.gradientNorm)) return diverge("the generator's gradient became NaN or infinite");
                ++gStep;
                gSum += gLoss;
                gBatchSum += gLoss;
                ++gCount;
                h.batchLosses.push_back(gLoss);
                stats.loss = gLoss;
                stats.epoch = epoch + 1;
                stats.batch = int(b) + 1;
                stats.batchesPerEpoch = int(batches.size());
                stats.learningRate = gOpt_.learningRate();
                stats.samplesPerSecond = double(n) / std::max(1e-9, std::chrono::duration<double>(Clock::now() - tb).count());
                if (observer) observer->onBatchEnd(stats);
                if (o_.sampleEvery > 0 && gStep % o_.sampleEvery == 0) sample(epoch + 1);
            }
            if (generatorRound) step.gLoss = gBatchSum / o_.generatorSteps;
            step.generatorSteps = gStep;
            if (observer) observer->onStep(step);
        }
        d_.zeroGrad();
        if (!allFinite(graphs)) return diverge("the weights became NaN or infinite in epoch " + std::to_string(epoch + 1));
        EpochStats e;
        e.epoch = epoch + 1;
        e.trainLoss = dCount ? dSum / dCount : NAN;
        e.trainMetrics["d_loss"] = e.trainLoss;
        e.trainMetrics["g_loss"] = gCount ? gSum / gCount : NAN;
        if (wgan) {
            e.trainMetrics["wasserstein"] = dCount ? wSum / dCount : NAN;
        } else {
            e.trainMetrics["d_real"] = dCount ? realSum / dCount : NAN;
            e.trainMetrics["d_fake"] = dCount ? fakeSum / dCount : NAN;
        }
        e.learningRate = gOpt_.learningRate();
        e.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        h.epochs.push_back(e);
        lastGood = WeightSnapshot::of(graphs);
        if (o_.sampleEvery <= 0) sample(epoch + 1);
        if (observer) observer->onEpochEnd(e);
    }
    return h;
}

// ---- Pix2Pix ----

Pix2PixTrainer::Pix2PixTrainer(Graph& generator, Graph* discriminator, Optimizer& gOpt, Optimizer* dOpt,
                               Pix2PixOptions o)
    : g_(generator), d_(discriminator), gOpt_(gOpt), dOpt_(dOpt), o_(o) {
    requireSingle(g_, "the image-to-image generator");
    if (o_.adversarial) {
        if (!d_ || !dOpt_) throw InputError("the adversarial pix2pix variant needs a discriminator and its optimizer");
        requireSingle(*d_, "the pix2pix discriminator");
    }
    if (!(o_.l1Weight >= 0)) throw InputError("pix2pix: the L1 weight must be ≥ 0");
    if (!(o_.adversarialWeight >= 0)) throw InputError("pix2pix: the adversarial weight must be ≥ 0");
}

std::pair<double, double> Pix2PixTrainer::meanSquaredErrors(const Dataset& data, int batchSize) {
    Tensor x, y;
    double out = 0, in = 0;
    std::size_t count = 0;
    bool comparable = true;
    for (int s = 0; s < data.size(); s += batchSize) {
        std::vector<int> idx;
        for (int i = s; i < std::min(data.size(), s + batchSize); ++i) idx.push_back(i);
        data.batch(idx, x, y);
        const Tensor& p = g_.forward(x, Mode::Inference);
        out += double((p.vec() - y.vec()).squaredNorm());
        if (x.size() == y.size()) in += double((x.vec() - y.vec()).squaredNorm());
        else comparable = false;
        count += y.size();
    }
    return {out / double(std::max<std::size_t>(count, 1)), comparable ? in / double(std::max<std::size_t>(count, 1)) : NAN};
}

History Pix2PixTrainer::fit(const Dataset& pairs, const Dataset* validation, TrainObserver* observer, TrainControl* control) {
    using Clock = std::chrono::steady_clock;
    History h;
    h.stopReason = "completed";
    if (pairs.size() == 0) throw InputError("the training set is empty");
    if (pairs.targetShape() != g_.outputShapes()[0])
        throw ShapeError("the generator makes " + toString(g_.outputShapes()[0]) + " but the targets are " +
                         toString(pairs.targetShape()));
    std::vector<Graph*> graphs{&g_};
    if (o_.adversarial) graphs.push_back(d_);
    WeightSnapshot lastGood = WeightSnapshot::of(graphs);
    Rng shuffleRng(o_.seed ^ 0x5DEECE66Dull);
    Tensor x, y, pred, pair, grad, gradL1, tbuf, dIn;
    auto diverge = [&](const std::string& what) {
        lastGood.restore(graphs);
        h.diverged = true;
        h.stopReason = divergenceMessage(what, gOpt_.learningRate(), int(h.epochs.size()));
        return h;
    };
    for (int epoch = 0; epoch < o_.epochs; ++epoch) {
        const auto t0 = Clock::now();
        pairs.beginEpoch(epoch);
        const auto batches = epochBatches(pairs.size(), o_.batchSize, true, shuffleRng);
        double gSum = 0, l1Sum = 0, mseSum = 0, dSum = 0, advSum = 0;
        for (std::size_t b = 0; b < batches.size(); ++b) {
            if (!waitForGo(control, observer)) {
                h.stopReason = "cancelled";
                return h;
            }
            const auto tb = Clock::now();
            pairs.batch(batches[b], x, y);
            const double n = double(batches[b].size());
            g_.zeroGrad();
            pred = g_.forward(x, Mode::Training);
            const auto diff = (pred.vec() - y.vec()).array();
            const double l1 = double(diff.abs().mean());
            const double mse = double(diff.square().mean());
            gradL1.resizeLike(pred);
            gradL1.vec() = (o_.l1Weight / float(pred.size()) * diff.sign()).matrix();
            double gLoss = o_.l1Weight * l1, dLoss = 0, adv = 0;
            if (o_.adversarial) {
                // Discriminator: real pair (x, y) → 1 − s, generated pair (x, G(x)) → 0.
                d_->zeroGrad();
                concatChannels(x, y, pair);
                dLoss = bceConst(d_->forward(pair, Mode::Training), 1.0f - o_.labelSmoothing, grad, tbuf);
                d_->backward(grad);
                concatChannels(x, pred, pair);
                dLoss += bceConst(d_->forward(pair, Mode::Training), 0.0f, grad, tbuf);
                d_->backward(grad);
                if (!std::isfinite(dOpt_->step(d_->parameters())) || !std::isfinite(dLoss))
                    return diverge("the discriminator loss became NaN or infinite in epoch " + std::to_string(epoch + 1));
                // Generator's adversarial term through the updated discriminator.
                adv = bceConst(d_->forward(pair, Mode::Training), 1.0f, grad, tbuf);
                d_->backward(grad, true);
                const Tensor& gp = d_->inputGradient(0);  // (N, C_in + C_out, H, W): keep the output part
                const std::size_t inSize = x.sampleSize();
                const float w = o_.adversarialWeight;
                for (int i = 0; i < pred.batch(); ++i) {
                    Eigen::Map<Eigen::VectorXf> gi(gradL1.sample(i), Eigen::Index(pred.sampleSize()));
                    gi += w * Eigen::Map<const Eigen::VectorXf>(gp.sample(i) + inSize, Eigen::Index(pred.sampleSize()));
                }
                gLoss += w * adv;
            }
            if (!std::isfinite(gLoss))
                return diverge("the generator loss became NaN or infinite in epoch " + std::to_string(epoch + 1));
            // The graph still holds G's activations for this batch (D is a separate graph).
            g_.backward(gradL1);
            BatchStats stats;
            stats.gradientNorm = gOpt_.step(g_.parameters());
            if (!std::isfinite(stats.gradientNorm)) return diverge("the generator's gradient became NaN or infinite");
            gSum += gLoss * n;
            l1Sum += l1 * n;
            mseSum += mse * n;
            dSum += dLoss * n;
            advSum += adv * n;
            h.batchLosses.push_back(gLoss);
            stats.loss = gLoss;
            stats.epoch = epoch + 1;
            stats.batch = int(b) + 1;
            stats.batchesPerEpoch = int(batches.size());
            stats.learningRate = gOpt_.learningRate();
            stats.samplesPerSecond = n / std::max(1e-9, std::chrono::duration<double>(Clock::now() - tb).count());
            if (observer) observer->onBatchEnd(stats);
        }
        if (!allFinite(graphs)) return diverge("the weights became NaN or infinite in epoch " + std::to_string(epoch + 1));
        const double n = pairs.size();
        EpochStats e;
        e.epoch = epoch + 1;
        e.trainLoss = gSum / n;
        e.trainMetrics = {{"l1", l1Sum / n}, {"mse", mseSum / n}};
        if (o_.adversarial) {
            e.trainMetrics["d_loss"] = dSum / n;
            e.trainMetrics["g_adv"] = advSum / n;
        }
        e.learningRate = gOpt_.learningRate();
        if (validation && validation->size() > 0) {
            const auto [mseOut, mseIn] = meanSquaredErrors(*validation);
            e.valLoss = mseOut;
            e.valMetrics = {{"mse", mseOut}};
            if (!std::isnan(mseIn)) e.valMetrics["input_mse"] = mseIn;
        }
        e.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        h.epochs.push_back(e);
        lastGood = WeightSnapshot::of(graphs);
        if (observer) observer->onEpochEnd(e);
    }
    return h;
}

}  // namespace deepfield
