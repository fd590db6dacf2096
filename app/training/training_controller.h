#pragma once
// Runs a TrainingJob on a worker thread. The worker owns the model while it trains; the UI
// gets copies through queued, throttled signals (about 30 updates per second). Stop, pause
// and step are atomics the UI sets directly: a busy worker cannot run queued slots.
#include <QObject>
#include <QThread>
#include <QVector>
#include <memory>

#include "training_job.h"

Q_DECLARE_METATYPE(deepfield::BatchStats)
Q_DECLARE_METATYPE(deepfield::EpochStats)
Q_DECLARE_METATYPE(std::shared_ptr<deepfield::app::TrainingResult>)
Q_DECLARE_METATYPE(std::shared_ptr<const deepfield::TensorFile>)

namespace deepfield::app {

class TrainingWorker;

class TrainingController : public QObject {
    Q_OBJECT
public:
    explicit TrainingController(QObject* parent = nullptr);
    ~TrainingController() override;  // cancels, quits and waits

    bool isRunning() const { return running_; }
    bool isPaused() const { return control_->pause; }
    // Starts training; false if a run is active.
    bool start(TrainingJob job);
    // While on, weightsReady() delivers parameter snapshots (≤ 2/s) during training.
    void setWeightSnapshots(bool on) { wantWeights_->store(on); }
    bool weightSnapshots() const { return wantWeights_->load(); }

public slots:
    void stop();    // takes effect before the next batch
    void pause();
    void resume();
    void step();    // one batch, then pause again

signals:
    // Batch losses since the last signal; x in epochs (epoch − 1 + batch/batches).
    void batchesReady(const QVector<double>& x, const QVector<double>& loss, const deepfield::BatchStats& last);
    void epochFinished(const deepfield::EpochStats& stats);
    void finished(std::shared_ptr<deepfield::app::TrainingResult> result);
    void runningChanged(bool running);
    void weightsReady(std::shared_ptr<const deepfield::TensorFile> weights);

private:
    void onFinished(std::shared_ptr<TrainingResult> result);

    std::shared_ptr<TrainControl> control_;
    std::shared_ptr<std::atomic<bool>> wantWeights_ = std::make_shared<std::atomic<bool>>(false);
    QThread* thread_ = nullptr;
    bool running_ = false;
};

}  // namespace deepfield::app
