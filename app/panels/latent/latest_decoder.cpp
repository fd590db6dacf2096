#include "latest_decoder.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QtConcurrent>

#include "latent_model.h"

namespace deepfield::app {

LatestDecoder::LatestDecoder(QObject* parent) : QObject(parent) {
    connect(&watcher_, &QFutureWatcher<Result>::finished, this, [this] {
        running_ = false;
        Result r = watcher_.result();
        lastMs_ = r.ms;
        // A result from a model that was replaced meanwhile is dropped.
        if (r.model == model_) emit decoded(r.images, r.z, r.tag);
        startNext();
    });
}

LatestDecoder::~LatestDecoder() { watcher_.waitForFinished(); }

void LatestDecoder::setModel(std::shared_ptr<LatentModel> model) {
    waiting_.reset();
    model_ = model ? model->clone() : nullptr;
}

void LatestDecoder::request(Tensor z, int tag) {
    if (!model_) return;
    waiting_ = Job{std::move(z), tag};
    if (!running_) startNext();
}

bool LatestDecoder::isBusy() const { return running_ || waiting_.has_value(); }

void LatestDecoder::waitForFinished() {
    while (isBusy()) {
        watcher_.waitForFinished();
        QCoreApplication::processEvents();  // delivers `finished`, which starts the waiting job
    }
}

void LatestDecoder::startNext() {
    if (!waiting_ || !model_) return;
    Job job = std::move(*waiting_);
    waiting_.reset();
    auto model = model_;
    running_ = true;
    watcher_.setFuture(QtConcurrent::run([model, job = std::move(job)]() mutable {
        QElapsedTimer t;
        t.start();
        Result r;
        r.images = model->decode(job.z);
        r.z = std::move(job.z);
        r.tag = job.tag;
        r.model = model;
        r.ms = double(t.nsecsElapsed()) / 1e6;
        return r;
    }));
}

}  // namespace deepfield::app
