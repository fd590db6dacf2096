#pragma once
// One GAN training run (DCGAN or WGAN) on a worker thread. The worker owns the generator and the
// critic while it trains; what the views need (every step's losses, epoch statistics, generator
// samples on the fixed noise) is collected under a lock and handed over by takeUpdate() after an
// `updated` signal, which is throttled (one pending at a time, at most every 100 ms except when the
// run starts waiting: the UI thread redraws ≤ 10 times a second however short the steps are). Pause and stop go through the engine's TrainControl, set directly from the UI.
#include <QObject>
#include <QThread>
#include <memory>
#include <mutex>
#include <vector>

#include "data/dataset.h"
#include "generative/gan.h"
#include "graph/graph.h"

namespace deepfield::app {

struct GanSetup {
    GanOptions options;  // kind, epochs, batch, seed, critic steps, smoothing, clipping, sample interval/count
    double generatorLearningRate = 2e-4;
    double criticLearningRate = 2e-4;
    int latent = 64;
    int baseFilters = 16;
};

struct GanUpdate {
    std::vector<GanStep> steps;           // new since the last update, one per critic step (D, G, W losses)
    std::vector<EpochStats> epochs;       // new finished epochs (d_loss, g_loss, wasserstein ...)
    std::vector<GanSample> samples;       // new generator samples on the fixed noise
    int epoch = 0, batch = 0, batchesPerEpoch = 0, generatorSteps = 0;  // the latest (not new ones)
    bool waiting = false;  // paused
};

class GanSession : public QObject {
    Q_OBJECT
public:
    explicit GanSession(QObject* parent = nullptr);
    ~GanSession() override;  // cancels and waits

    // Builds the templates for the images' shape and starts; throws InputError (bad shapes, empty data).
    // `images` are already scaled to the generator's range [−1, 1].
    void start(std::shared_ptr<const Dataset> images, const GanSetup& setup);
    bool isRunning() const;
    void setPaused(bool on);
    bool isPaused() const { return control_.pause.load(); }
    void stop();
    void wait();  // until the worker has finished (tests, shutdown)

    GanUpdate takeUpdate();
    // After `finished`: the trained graphs (null before the first run) and the history.
    std::shared_ptr<Graph> generator() const { return generator_; }
    std::shared_ptr<Graph> critic() const { return critic_; }
    const GanHistory& history() const { return history_; }
    const GanSetup& setup() const { return setup_; }
    QString stopReason() const { return stopReason_; }

signals:
    void updated();
    void finished(const QString& stopReason, bool failed);

private:
    class Observer;
    void onThreadFinished();

    QThread* thread_ = nullptr;
    TrainControl control_;
    std::shared_ptr<Graph> generator_, critic_;
    GanSetup setup_;
    GanHistory history_;
    QString stopReason_, error_;

    std::mutex mutex_;
    GanUpdate pending_;
    std::atomic<bool> notifyQueued_{false};
};

}  // namespace deepfield::app
