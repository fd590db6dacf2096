#include "training_worker.h"

#include "train/loss.h"

namespace deepfield::app {

TrainingWorker::TrainingWorker(TrainingJob job, std::shared_ptr<TrainControl> control,
                               std::shared_ptr<std::atomic<bool>> wantWeights)
    : job_(std::move(job)), control_(std::move(control)), wantWeights_(std::move(wantWeights)) {}

void TrainingWorker::run() {
    auto result = std::make_shared<TrainingResult>();
    sinceEmit_.start();
    sinceWeights_.start();
    try {
        auto loss = makeLoss(job_.loss);
        auto optimizer = makeOptimizer(job_.optimizer, job_.optimizerOptions);
        Trainer trainer(*job_.graph, *loss, *optimizer, job_.options);
        result->history = trainer.fit(*job_.train, job_.validation.get(), this, control_.get());
    } catch (const std::exception& e) {
        result->error = QString::fromStdString(e.what());
    }
    flushBatches();
    result->graph = std::shared_ptr<Graph>(job_.graph.release());
    emit finished(result);
}

void TrainingWorker::onBatchEnd(const BatchStats& stats) {
    pendingX_ << (stats.epoch - 1) + double(stats.batch) / std::max(stats.batchesPerEpoch, 1);
    pendingLoss_ << stats.loss;
    last_ = stats;
    if (sinceEmit_.elapsed() >= kMinEmitIntervalMs) flushBatches();
    if (wantWeights_ && wantWeights_->load() && sinceWeights_.elapsed() >= kWeightsIntervalMs) {
        auto f = std::make_shared<TensorFile>();
        for (const Param& p : job_.graph->parameters()) f->tensors[p.name] = *p.value;
        emit weightsReady(f);
        sinceWeights_.restart();
    }
}

void TrainingWorker::onEpochEnd(const EpochStats& stats) {
    flushBatches();
    emit epochFinished(stats);
}

void TrainingWorker::flushBatches() {
    if (pendingX_.isEmpty()) return;
    emit batchesReady(pendingX_, pendingLoss_, last_);
    pendingX_.clear();
    pendingLoss_.clear();
    sinceEmit_.restart();
}

}  // namespace deepfield::app
