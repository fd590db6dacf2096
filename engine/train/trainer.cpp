#include "train/trainer.h"

#include <chrono>
#include <cmath>
#include <memory>
#include <sstream>
#include <thread>

#include "core/error.h"
#include "train/metrics.h"
#include "train/run_control.h"

namespace deepfield {

Json TrainOptions::toJson() const {
    return Json{{"epochs", epochs},
                {"batch_size", batchSize},
                {"shuffle", shuffle},
                {"seed", seed},
                {"validation_split", validationSplit},
                {"metrics", metrics},
                {"accuracy_threshold", accuracyThreshold},
                {"early_stopping_patience", earlyStoppingPatience},
                {"early_stopping_min_delta", earlyStoppingMinDelta},
                {"restore_best_weights", restoreBestWeights},
                {"schedule", schedule.toJson()}};
}

TrainOptions TrainOptions::fromJson(const Json& j) {
    TrainOptions o;
    if (j.is_null()) return o;
    if (!j.is_object()) throw InputError("training settings must be a JSON object, got " + j.dump());
    try {
        o.epochs = j.value("epochs", o.epochs);
        o.batchSize = j.value("batch_size", o.batchSize);
        o.shuffle = j.value("shuffle", o.shuffle);
        o.seed = j.value("seed", o.seed);
        o.validationSplit = j.value("validation_split", o.validationSplit);
        o.metrics = j.value("metrics", o.metrics);
        o.accuracyThreshold = j.value("accuracy_threshold", o.accuracyThreshold);
        o.earlyStoppingPatience = j.value("early_stopping_patience", o.earlyStoppingPatience);
        o.earlyStoppingMinDelta = j.value("early_stopping_min_delta", o.earlyStoppingMinDelta);
        o.restoreBestWeights = j.value("restore_best_weights", o.restoreBestWeights);
    } catch (const Json::exception& e) {
        throw InputError(std::string("training settings: a value has the wrong type (") + e.what() + ")");
    }
    if (j.contains("schedule")) o.schedule = Schedule::fromJson(j["schedule"]);
    if (o.epochs < 0) throw InputError("training settings: 'epochs' must be ≥ 0, got " + std::to_string(o.epochs));
    if (!(o.validationSplit >= 0 && o.validationSplit < 1))
        throw InputError("training settings: 'validation_split' must be in [0, 1), got " + std::to_string(o.validationSplit));
    return o;
}

std::string History::toCsv() const {
    std::ostringstream out;
    out.precision(9);
    out << "epoch,train_loss,val_loss";
    std::vector<std::string> names;
    if (!epochs.empty())
        for (const auto& [name, v] : epochs.front().trainMetrics) names.push_back(name);
    for (const auto& n : names) out << ",train_" << n << ",val_" << n;
    out << "\n";
    for (const EpochStats& e : epochs) {
        out << e.epoch << "," << e.trainLoss << ",";
        if (!std::isnan(e.valLoss)) out << e.valLoss;
        for (const auto& n : names) {
            out << "," << e.trainMetrics.at(n) << ",";
            if (auto it = e.valMetrics.find(n); it != e.valMetrics.end()) out << it->second;
        }
        out << "\n";
    }
    return out.str();
}

Trainer::Trainer(Graph& graph, const Loss& loss, Optimizer& optimizer, TrainOptions options)
    : graph_(graph), loss_(loss), optimizer_(optimizer), options_(std::move(options)) {
    if (!graph_.isBuilt()) graph_.build();
    if (graph_.inputNames().size() != 1 || graph_.outputNames().size() != 1)
        throw InputError("the trainer needs a network with one input and one output");
}

double Trainer::trainBatch(const Tensor& x, const Tensor& y, double& gradientNorm) {
    graph_.zeroGrad();
    const Tensor& pred = graph_.forward(x, Mode::Training);
    const double loss = loss_.compute(pred, y, grad_);
    if (!std::isfinite(loss)) return loss;  // caller stops before the update
    graph_.backward(grad_);
    gradientNorm = optimizer_.step(graph_.parameters());  // no update when the norm is not finite
    return std::isfinite(gradientNorm) ? loss : gradientNorm;
}

namespace {
// "accuracy_threshold" is a probability; a loss on logits compares logits with its logit.
float thresholdFor(const Loss& loss, float threshold) {
    if (loss.name() != "binary_crossentropy_logits" || threshold <= 0.0f || threshold >= 1.0f) return threshold;
    return std::log(threshold / (1.0f - threshold));
}
// Collects batches of rows and turns them into one (N, ...) tensor at the end.
struct RowCollector {
    std::vector<float> values;
    Shape sample;
    void add(const Tensor& t) {
        sample = t.sampleShape();
        values.insert(values.end(), t.data(), t.data() + t.size());
    }
    Tensor tensor() const {
        std::vector<int> shape{int(values.size() / std::max<std::size_t>(product(sample), 1))};
        shape.insert(shape.end(), sample.begin(), sample.end());
        return Tensor::fromData(shape, values);
    }
};
}  // namespace

History Trainer::fit(const Dataset& train, const Dataset* validation, TrainObserver* observer, TrainControl* control) {
    using Clock = std::chrono::steady_clock;
    History history;
    if (train.size() == 0) throw InputError("the training set is empty");
    if (train.inputShape() != graph_.inputShapes()[0])
        throw ShapeError("the network expects inputs of shape " + toString(graph_.inputShapes()[0]) +
                         " but the data has samples of shape " + toString(train.inputShape()));

    // Validation split from the training set when no validation set is given.
    std::vector<int> trainIdx(std::size_t(train.size()));
    for (int i = 0; i < train.size(); ++i) trainIdx[std::size_t(i)] = i;
    std::unique_ptr<SubsetDataset> splitVal;
    if (!validation && options_.validationSplit > 0) {
        struct NonOwning : Dataset {
            const Dataset& d;
            explicit NonOwning(const Dataset& d) : d(d) {}
            int size() const override { return d.size(); }
            Shape inputShape() const override { return d.inputShape(); }
            Shape targetShape() const override { return d.targetShape(); }
            void batch(const std::vector<int>& i, Tensor& x, Tensor& y) const override { d.batch(i, x, y); }
            void beginEpoch(int e) const override { d.beginEpoch(e); }
        };
        auto [tr, va] = splitIndices(train.size(), options_.validationSplit, options_.seed);
        trainIdx = tr;
        splitVal = std::make_unique<SubsetDataset>(std::make_shared<NonOwning>(train), va);
        validation = splitVal.get();
    }
    const int n = int(trainIdx.size());
    if (n == 0)
        throw InputError("the validation split of " + std::to_string(options_.validationSplit) + " leaves no training "
                         "samples out of " + std::to_string(train.size()) + "; use a smaller split or more data");
    const int bs = options_.batchSize <= 0 ? n : std::min(options_.batchSize, n);
    const int batches = (n + bs - 1) / bs;
    const double baseLr = optimizer_.learningRate();
    Rng shuffleRng(options_.seed ^ 0x5DEECE66Dull);

    const std::vector<Graph*> graphs{&graph_};
    WeightSnapshot lastGood = WeightSnapshot::of(graphs), best;
    double bestLoss = INFINITY;
    int sinceBest = 0;
    history.stopReason = "completed";
    const float threshold = thresholdFor(loss_, options_.accuracyThreshold);
    // The schedule changes the optimizer's rate per epoch; the caller gets its base rate back.
    struct RestoreRate {
        Optimizer& o;
        double lr;
        ~RestoreRate() { o.setLearningRate(lr); }
    } restoreRate{optimizer_, baseLr};
    auto diverge = [&](const std::string& what) {
        lastGood.restore(graphs);
        history.diverged = true;
        history.stopReason = divergenceMessage(what, optimizer_.learningRate(), int(history.epochs.size()));
    };

    for (int epoch = 0; epoch < options_.epochs; ++epoch) {
        const auto t0 = Clock::now();
        const double lr = options_.schedule.learningRate(baseLr, epoch, options_.epochs);
        optimizer_.setLearningRate(lr);
        train.beginEpoch(epoch);
        std::vector<int> order = trainIdx;
        if (options_.shuffle) {
            const std::vector<int> p = shuffleRng.permutation(n);
            for (int i = 0; i < n; ++i) order[std::size_t(i)] = trainIdx[std::size_t(p[std::size_t(i)])];
        }
        double lossSum = 0;
        RowCollector epochPred, epochTarget;
        const bool wantMetrics = !options_.metrics.empty();
        for (int b = 0; b < batches; ++b) {
            if (!waitForGo(control, observer)) {
                history.stopReason = "cancelled";
                return history;
            }
            const auto tb = Clock::now();
            const std::vector<int> idx(order.begin() + b * bs, order.begin() + std::min(n, (b + 1) * bs));
            train.batch(idx, x_, y_);
            BatchStats stats;
            stats.loss = trainBatch(x_, y_, stats.gradientNorm);
            if (!std::isfinite(stats.loss)) {
                diverge(std::string("the loss (or its gradient) became ") + (std::isnan(stats.loss) ? "NaN" : "infinite") +
                        " in epoch " + std::to_string(epoch + 1) + ", batch " + std::to_string(b + 1));
                return history;
            }
            if (wantMetrics) {
                epochPred.add(graph_.output());
                epochTarget.add(y_);
            }
            lossSum += stats.loss * double(idx.size());
            history.batchLosses.push_back(stats.loss);
            stats.epoch = epoch + 1;
            stats.batch = b + 1;
            stats.batchesPerEpoch = batches;
            stats.learningRate = lr;
            stats.samplesPerSecond = double(idx.size()) / std::max(1e-9, std::chrono::duration<double>(Clock::now() - tb).count());
            if (observer) observer->onBatchEnd(stats);
        }
        EpochStats e;
        e.epoch = epoch + 1;
        e.trainLoss = lossSum / n;
        e.learningRate = lr;
        // The last update of an epoch can overflow the weights without a bad loss yet.
        if (!allFinite(graphs)) {
            diverge("the weights became NaN or infinite in epoch " + std::to_string(epoch + 1));
            return history;
        }
        if (wantMetrics) e.trainMetrics = computeMetrics(options_.metrics, epochPred.tensor(), epochTarget.tensor(), threshold);
        if (validation && validation->size() > 0) {
            Evaluation v = evaluate(*validation, std::max(bs, 256));
            e.valLoss = v.loss;
            e.valMetrics = v.metrics;
            if (!std::isfinite(v.loss)) {
                diverge("the validation loss became " + std::string(std::isnan(v.loss) ? "NaN" : "infinite") +
                        " after epoch " + std::to_string(epoch + 1));
                return history;
            }
        }
        e.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        history.epochs.push_back(e);
        lastGood = WeightSnapshot::of(graphs);
        if (observer) observer->onEpochEnd(e);

        if (options_.earlyStoppingPatience > 0) {
            const double monitored = std::isnan(e.valLoss) ? e.trainLoss : e.valLoss;
            if (monitored < bestLoss - options_.earlyStoppingMinDelta) {
                bestLoss = monitored;
                sinceBest = 0;
                if (options_.restoreBestWeights) best = lastGood;
            } else if (++sinceBest >= options_.earlyStoppingPatience) {
                if (options_.restoreBestWeights && !best.empty()) best.restore(graphs);
                history.stopReason = "early stopping after epoch " + std::to_string(epoch + 1) + ": no improvement for " +
                                     std::to_string(sinceBest) + " epochs";
                return history;
            }
        }
    }
    return history;
}

Evaluation Trainer::evaluate(const Dataset& data, int batchSize) {
    Evaluation ev;
    if (batchSize <= 0) batchSize = 256;
    const int n = data.size();
    RowCollector preds, targets;
    double lossSum = 0;
    Tensor x, y, g;
    for (int start = 0; start < n; start += batchSize) {
        std::vector<int> idx;
        for (int i = start; i < std::min(n, start + batchSize); ++i) idx.push_back(i);
        data.batch(idx, x, y);
        const Tensor& pred = graph_.forward(x, Mode::Inference);
        lossSum += loss_.compute(pred, y, g) * double(idx.size());
        preds.add(pred);
        targets.add(y);
    }
    ev.predictions = preds.tensor();
    ev.targets = targets.tensor();
    ev.loss = n ? lossSum / n : NAN;
    if (n && !options_.metrics.empty())
        ev.metrics = computeMetrics(options_.metrics, ev.predictions, ev.targets, thresholdFor(loss_, options_.accuracyThreshold));
    return ev;
}

}  // namespace deepfield
