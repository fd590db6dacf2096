#pragma once
// A progress bar, a Cancel button and a status line for one BackgroundTask of an Inspect tab.
#include <QWidget>

class QProgressBar;
class QPushButton;
class QLabel;

namespace deepfield::app {
class BackgroundTask;
}

namespace deepfield::app::inspect {

class TaskStrip : public QWidget {
    Q_OBJECT
public:
    TaskStrip(BackgroundTask* task, QWidget* parent = nullptr);
    void started(const QString& what);  // call right after BackgroundTask::start
    void setMessage(const QString& text, bool error = false);
    QString message() const;

private:
    BackgroundTask* task_;
    QProgressBar* bar_;
    QPushButton* cancel_;
    QLabel* status_;
};

}  // namespace deepfield::app::inspect
