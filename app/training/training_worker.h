#pragma once
#include <QElapsedTimer>
#include <QObject>
#include <QVector>
#include <atomic>
#include <memory>

#include "training_job.h"

namespace deepfield::app {

// Lives on the training thread: runs Trainer::fit and turns the engine's observer calls
// into throttled signals.
class TrainingWorker : public QObject, public TrainObserver {
    Q_OBJECT
public:
    TrainingWorker(TrainingJob job, std::shared_ptr<TrainControl> control,
                   std::shared_ptr<std::atomic<bool>> wantWeights = nullptr);

    void onBatchEnd(const BatchStats& stats) override;
    void onEpochEnd(const EpochStats& stats) override;
    void onWaiting() override { flushBatches(); }

public slots:
    void run();

signals:
    void batchesReady(const QVector<double>& x, const QVector<double>& loss, const deepfield::BatchStats& last);
    void epochFinished(const deepfield::EpochStats& stats);
    void finished(std::shared_ptr<deepfield::app::TrainingResult> result);
    // A copy of every parameter, at most every kWeightsIntervalMs, while *wantWeights is set.
    void weightsReady(std::shared_ptr<const deepfield::TensorFile> weights);

private:
    void flushBatches();

    TrainingJob job_;
    std::shared_ptr<TrainControl> control_;
    std::shared_ptr<std::atomic<bool>> wantWeights_;
    QElapsedTimer sinceEmit_, sinceWeights_;
    QVector<double> pendingX_, pendingLoss_;
    BatchStats last_;
    static constexpr int kMinEmitIntervalMs = 33;
    static constexpr int kWeightsIntervalMs = 500;  // live kernels: at most 2 snapshots per second
};

}  // namespace deepfield::app
