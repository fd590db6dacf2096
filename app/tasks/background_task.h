#pragma once
// Runs one piece of long work (loading, generating, computing a map) on the thread pool with
// progress and cancel; the result comes back on the UI thread. The work function gets a
// progress callback (done, total) and a cancel flag the UI can set at any time.
#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>

namespace deepfield::app {

class BackgroundTask : public QObject {
    Q_OBJECT
public:
    using Progress = std::function<void(int done, int total)>;
    // The work returns an error message ("" on success); it must poll `cancel`.
    using Work = std::function<QString(const Progress& progress, const std::atomic<bool>& cancel)>;

    explicit BackgroundTask(QObject* parent = nullptr);
    ~BackgroundTask() override;  // cancels and waits

    bool isRunning() const;
    // Starts the work; false if one is already running.
    bool start(const QString& title, Work work);
    void cancel() { cancel_->store(true); }
    void waitForFinished();
    // Waits for the work, then delivers its queued progress and `finished` on this (UI) thread, so
    // the result is shown when it returns (tests, screenshots, a blocking "wait for the result").
    void waitAndDeliver();

signals:
    void progressed(const QString& title, int done, int total);
    // error is empty on success; cancelled when the user stopped it.
    void finished(const QString& error, bool cancelled);

private:
    QFutureWatcher<QString> watcher_;
    std::shared_ptr<std::atomic<bool>> cancel_;
    QString title_;
};

}  // namespace deepfield::app
