#include "background_task.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QMetaObject>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace deepfield::app {

BackgroundTask::BackgroundTask(QObject* parent) : QObject(parent), cancel_(std::make_shared<std::atomic<bool>>(false)) {
    connect(&watcher_, &QFutureWatcher<QString>::finished, this, [this] {
        emit finished(watcher_.result(), cancel_->load());
    });
}

BackgroundTask::~BackgroundTask() {
    cancel_->store(true);
    watcher_.waitForFinished();
}

bool BackgroundTask::isRunning() const { return watcher_.isRunning(); }

void BackgroundTask::waitForFinished() { watcher_.waitForFinished(); }

void BackgroundTask::waitAndDeliver() {
    watcher_.waitForFinished();
    QCoreApplication::sendPostedEvents(this);       // progress, queued before the end
    QCoreApplication::sendPostedEvents(&watcher_);  // the end: emits `finished`
    QCoreApplication::processEvents();              // what the result handlers queued
}

bool BackgroundTask::start(const QString& title, Work work) {
    if (isRunning()) return false;
    title_ = title;
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    QPointer<BackgroundTask> self(this);
    auto cancel = cancel_;
    // Progress crosses to the UI thread as queued calls, at most every ~30 ms.
    auto lastReport = std::make_shared<std::atomic<qint64>>(0);
    Progress progress = [self, title, lastReport](int done, int total) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (done < total && now - lastReport->load() < 30) return;
        lastReport->store(now);
        QMetaObject::invokeMethod(
            self.data(), [self, title, done, total] {
                if (self) emit self->progressed(title, done, total);
            },
            Qt::QueuedConnection);
    };
    watcher_.setFuture(QtConcurrent::run([work, progress, cancel]() -> QString {
        try {
            return work(progress, *cancel);
        } catch (const std::exception& e) {
            return QString::fromStdString(e.what());
        }
    }));
    return true;
}

}  // namespace deepfield::app
