#include "training_controller.h"

#include "training_worker.h"

namespace deepfield::app {

TrainingController::TrainingController(QObject* parent)
    : QObject(parent), control_(std::make_shared<TrainControl>()) {
    qRegisterMetaType<deepfield::BatchStats>();
    qRegisterMetaType<deepfield::EpochStats>();
    qRegisterMetaType<std::shared_ptr<deepfield::app::TrainingResult>>();
    qRegisterMetaType<std::shared_ptr<const deepfield::TensorFile>>();
}

TrainingController::~TrainingController() {
    if (thread_) {
        control_->cancel = true;
        thread_->quit();
        thread_->wait();
    }
}

bool TrainingController::start(TrainingJob job) {
    if (running_) return false;
    control_ = std::make_shared<TrainControl>();
    thread_ = new QThread(this);
    thread_->setObjectName("deepfield-training");
    auto* worker = new TrainingWorker(std::move(job), control_, wantWeights_);
    worker->moveToThread(thread_);
    connect(thread_, &QThread::started, worker, &TrainingWorker::run);
    connect(worker, &TrainingWorker::batchesReady, this, &TrainingController::batchesReady, Qt::QueuedConnection);
    connect(worker, &TrainingWorker::epochFinished, this, &TrainingController::epochFinished, Qt::QueuedConnection);
    connect(worker, &TrainingWorker::finished, this, &TrainingController::onFinished, Qt::QueuedConnection);
    connect(worker, &TrainingWorker::weightsReady, this, &TrainingController::weightsReady, Qt::QueuedConnection);
    // quit() is thread-safe: call it from the worker at once, not queued behind onFinished.
    connect(worker, &TrainingWorker::finished, thread_, &QThread::quit, Qt::DirectConnection);
    connect(thread_, &QThread::finished, worker, &QObject::deleteLater);
    running_ = true;
    emit runningChanged(true);
    thread_->start();
    return true;
}

void TrainingController::onFinished(std::shared_ptr<TrainingResult> result) {
    if (thread_) {
        thread_->wait();
        thread_->deleteLater();
        thread_ = nullptr;
    }
    running_ = false;
    emit runningChanged(false);
    emit finished(result);
}

void TrainingController::stop() {
    control_->cancel = true;
    control_->pause = false;
}

void TrainingController::pause() { control_->pause = true; }

void TrainingController::resume() {
    control_->stepsAllowed = -1;
    control_->pause = false;
}

void TrainingController::step() {
    control_->stepsAllowed = 1;
    control_->pause = false;
}

}  // namespace deepfield::app
