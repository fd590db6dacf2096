#pragma once
// The automatic demonstrations of lessons 4 and 6–9: each drives the studio's own panels through
// their public API (train in the Train panel or the Latent space / Generate panels, then evaluate
// or explain in Inspect, Image to image, Latent space, Generate) and measures the phenomenon the
// lesson teaches. The numbers are kept by name for the lesson page and the tests.
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <map>

namespace deepfield::app {

class MainWindow;

class LessonDemo : public QObject {
    Q_OBJECT
public:
    explicit LessonDemo(MainWindow* window, QObject* parent = nullptr);

    // Whether lesson `number` has a demonstration here (4, 6, 7, 8, 9).
    static bool handles(int number);
    // Starts the demonstration of the lesson that is open; finished() follows (also on failure).
    void run(int number);
    bool isRunning() const { return running_; }

    // What the last run measured, by name (e.g. "accuracy", "dice", "auc"), and a few lines of
    // text for people; error() is non-empty when it could not finish.
    const std::map<QString, double>& numbers() const { return numbers_; }
    double number(const QString& name) const;  // NaN when not measured
    QStringList summary() const { return summary_; }
    QString error() const { return error_; }

signals:
    void progressed(const QString& text);
    void finished();

private:
    void lesson4();
    void lesson6();
    void lesson7();
    void lesson8();
    void lesson9();
    // Trains the studio's network on the Data panel's set (Train panel settings), then `then`.
    void trainStudio(std::function<void()> then);
    // Polls `ready` every 50 ms, then runs `then`; fails after timeoutMs.
    void when(std::function<bool()> ready, std::function<void()> then, int timeoutMs, const QString& what);
    void record(const QString& name, double value);
    void say(const QString& line);
    void fail(const QString& why);
    void done();

    MainWindow* window_;
    bool running_ = false;
    int generation_ = 0;  // a new run makes the callbacks of an older one stale
    std::map<QString, double> numbers_;
    QStringList summary_;
    QString error_;
};

}  // namespace deepfield::app
