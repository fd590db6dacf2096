#include "panels/generate/gan_session.h"

#include <QCoreApplication>
#include <QTimer>
#include <chrono>

#include "core/error.h"
#include "graph/templates.h"
#include "train/optimizer.h"

namespace deepfield::app {

class GanSession::Observer : public GanObserver {
public:
    explicit Observer(GanSession* s) : s_(s) {}
    void onStep(const GanStep& step) override {
        {
            std::lock_guard lock(s_->mutex_);
            GanUpdate& u = s_->pending_;
            u.steps.push_back(step);
            u.epoch = step.epoch, u.batch = step.batch, u.batchesPerEpoch = step.batchesPerEpoch;
            u.generatorSteps = step.generatorSteps;
            u.waiting = false;
        }
        notify(false);
    }
    void onEpochEnd(const EpochStats& e) override {
        {
            std::lock_guard lock(s_->mutex_);
            s_->pending_.epochs.push_back(e);
        }
        notify(false);
    }
    void onSamples(int epoch, int step, const Tensor& images) override {
        {
            std::lock_guard lock(s_->mutex_);
            s_->pending_.samples.push_back(GanSample{epoch, step, images});
        }
        notify(false);
    }
    void onWaiting() override {
        {
            std::lock_guard lock(s_->mutex_);
            s_->pending_.waiting = true;
        }
        notify(true);
    }

private:
    // One notification pending at a time carries everything collected until it fires. It fires
    // 100 ms after the previous one at the earliest (≤ 10 redraws a second however short the steps
    // and epochs are; nothing is dropped, only batched), or at once when the run starts waiting.
    void notify(bool urgent) {
        if (s_->notifyQueued_.exchange(true)) return;
        const auto now = std::chrono::steady_clock::now();
        const auto delay = urgent || now - last_ >= kInterval ? std::chrono::milliseconds(0)
                                                              : std::chrono::ceil<std::chrono::milliseconds>(kInterval - (now - last_));
        last_ = now + delay;
        QMetaObject::invokeMethod(s_, [s = s_, ms = int(delay.count())] {
            QTimer::singleShot(ms, s, [s] { s->notifyQueued_ = false, emit s->updated(); });
        }, Qt::QueuedConnection);
    }
    static constexpr std::chrono::milliseconds kInterval{100};
    GanSession* s_;
    std::chrono::steady_clock::time_point last_{};
};

GanSession::GanSession(QObject* parent) : QObject(parent) {}

GanSession::~GanSession() {
    control_.cancel = true;
    control_.pause = false;
    if (thread_) {
        thread_->wait();
        delete thread_;
    }
}

bool GanSession::isRunning() const { return thread_ && thread_->isRunning(); }

void GanSession::setPaused(bool on) { control_.pause = on; }

void GanSession::stop() {
    control_.cancel = true;
    control_.pause = false;
}

void GanSession::wait() {
    if (thread_) thread_->wait();
    QCoreApplication::sendPostedEvents(this);  // deliver the pending update and the finish
}

GanUpdate GanSession::takeUpdate() {
    std::lock_guard lock(mutex_);
    GanUpdate u = std::move(pending_);
    pending_ = GanUpdate{};
    pending_.epoch = u.epoch, pending_.batch = u.batch, pending_.batchesPerEpoch = u.batchesPerEpoch;
    pending_.generatorSteps = u.generatorSteps;
    pending_.waiting = u.waiting;
    return u;
}

void GanSession::start(std::shared_ptr<const Dataset> images, const GanSetup& setup) {
    if (isRunning()) throw Error("a GAN is already training; stop it first");
    if (!images || images->size() == 0) throw InputError("there are no images to train on; load a dataset in the Data panel");
    const Shape shape = images->inputShape();
    GenerativeTemplateOptions to;
    to.imageShape = shape;
    to.latent = setup.latent;
    to.baseFilters = setup.baseFilters;
    GraphPair pair = makeGenerativeTemplate(setup.options.kind == GanKind::WGAN ? "wgan" : "dcgan", to);
    pair.first.build();
    pair.second.build();
    pair.first.reset(setup.options.seed);
    pair.second.reset(setup.options.seed + 1);
    generator_ = std::make_shared<Graph>(std::move(pair.first));
    critic_ = std::make_shared<Graph>(std::move(pair.second));
    setup_ = setup;
    history_ = GanHistory{};
    stopReason_.clear();
    error_.clear();
    control_.cancel = false;
    control_.pause = false;
    control_.stepsAllowed = -1;
    {
        std::lock_guard lock(mutex_);
        pending_ = GanUpdate{};
    }
    if (thread_) {
        thread_->wait();
        delete thread_;
    }
    auto g = generator_, d = critic_;
    thread_ = QThread::create([this, g, d, images, setup] {
        try {
            const bool wgan = setup.options.kind == GanKind::WGAN;
            OptimizerOptions go, dopt;
            go.learningRate = setup.generatorLearningRate;
            dopt.learningRate = setup.criticLearningRate;
            go.beta1 = dopt.beta1 = 0.5;  // DCGAN's Adam β1 (Radford et al.)
            auto gOpt = makeOptimizer(wgan ? "rmsprop" : "adam", go);
            auto dOpt = makeOptimizer(wgan ? "rmsprop" : "adam", dopt);
            Observer observer(this);
            GanTrainer trainer(*g, *d, *gOpt, *dOpt, setup.options);
            history_ = trainer.fit(*images, &observer, &control_);
            stopReason_ = QString::fromStdString(history_.stopReason);
        } catch (const std::exception& e) {
            error_ = QString::fromUtf8(e.what());
        }
    });
    // Only the current run's end counts (a queued end of an earlier thread may arrive late).
    connect(thread_, &QThread::finished, this, [this, t = thread_] {
        if (t == thread_) onThreadFinished();
    }, Qt::QueuedConnection);
    thread_->start();
}

void GanSession::onThreadFinished() {
    const bool failed = !error_.isEmpty() || history_.diverged;
    emit updated();
    emit finished(error_.isEmpty() ? stopReason_ : error_, failed);
}

}  // namespace deepfield::app
