#pragma once
// Trainer: epochs of mini-batch gradient descent (batch size 0 = full batch, 1 = stochastic)
// with seeded shuffling, validation, metrics, callbacks, pause/step/cancel within one batch,
// early stopping and divergence detection. Same seed, data and settings: identical results.
#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "graph/graph.h"
#include "train/loss.h"
#include "train/optimizer.h"
#include "train/schedule.h"

namespace deepfield {

struct TrainOptions {
    int epochs = 10;
    int batchSize = 32;  // 0: the whole training set in one batch
    bool shuffle = true;
    std::uint64_t seed = 0;           // shuffling and the validation split
    double validationSplit = 0.0;     // used when no validation set is given
    std::vector<std::string> metrics;  // accuracy, mae, rmse, nmad, outlier_fraction
    float accuracyThreshold = 0.5f;    // single-output classifiers: a probability (with the logits
                                       // loss it is compared with sigmoid(z); 0 means logit 0)
    int earlyStoppingPatience = 0;     // 0: off; epochs without improvement of the monitored loss
    double earlyStoppingMinDelta = 0.0;
    bool restoreBestWeights = true;    // with early stopping
    Schedule schedule;

    Json toJson() const;
    static TrainOptions fromJson(const Json& j);
};

struct BatchStats {
    int epoch = 0, batch = 0, batchesPerEpoch = 0;
    double loss = 0.0;
    double gradientNorm = 0.0;
    double samplesPerSecond = 0.0;
    double learningRate = 0.0;
};

struct EpochStats {
    int epoch = 0;  // counts from 1 in reports
    double trainLoss = 0.0;
    double valLoss = NAN;  // NaN without validation data
    std::map<std::string, double> trainMetrics, valMetrics;
    double learningRate = 0.0;
    double seconds = 0.0;
};

struct History {
    std::vector<EpochStats> epochs;
    std::vector<double> batchLosses;
    // "completed", "cancelled", "early stopping ...", "diverged: <what happened> ... Try ..."
    std::string stopReason;
    bool diverged = false;
    // CSV: epoch,train_loss,val_loss,train_<metric>,val_<metric>...
    std::string toCsv() const;
};

// Observer of a training run; called on the training thread.
class TrainObserver {
public:
    virtual ~TrainObserver() = default;
    virtual void onBatchEnd(const BatchStats&) {}
    virtual void onEpochEnd(const EpochStats&) {}
    // The run is paused (or has finished its granted steps) and waits: show everything now.
    virtual void onWaiting() {}
};

// Set from any thread; the trainer checks them before every batch. Cancel wins over all.
// Paused, the trainer waits, but still runs one batch per granted step: set stepsAllowed
// to n > 0 to run exactly n batches (it counts down to 0). Unpaused, -1 runs freely and
// n ≥ 0 runs n more batches, then waits.
struct TrainControl {
    std::atomic<bool> cancel{false};
    std::atomic<bool> pause{false};
    std::atomic<int> stepsAllowed{-1};
};

struct Evaluation {
    double loss = 0.0;
    std::map<std::string, double> metrics;
    Tensor predictions;  // (N, outputs...)
    Tensor targets;      // (N, targets...)
};

class Trainer {
public:
    Trainer(Graph& graph, const Loss& loss, Optimizer& optimizer, TrainOptions options);

    // Trains on `train`; validates on `validation` if given, else on a split of `train`.
    History fit(const Dataset& train, const Dataset* validation = nullptr, TrainObserver* observer = nullptr,
                TrainControl* control = nullptr);
    // Forward passes in inference mode over a whole dataset.
    Evaluation evaluate(const Dataset& data, int batchSize = 256);

private:
    double trainBatch(const Tensor& x, const Tensor& y, double& gradientNorm);

    Graph& graph_;
    const Loss& loss_;
    Optimizer& optimizer_;
    TrainOptions options_;
    Tensor x_, y_, grad_;
};

}  // namespace deepfield
