#include "task_strip.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

#include "tasks/background_task.h"

namespace deepfield::app::inspect {

TaskStrip::TaskStrip(BackgroundTask* task, QWidget* parent)
    : QWidget(parent), task_(task), bar_(new QProgressBar(this)), cancel_(new QPushButton(tr("Cancel"), this)),
      status_(new QLabel(this)) {
    auto* l = new QHBoxLayout(this);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(bar_);
    l->addWidget(cancel_);
    l->addWidget(status_, 1);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bar_->setMaximumWidth(180);
    bar_->hide();
    cancel_->hide();
    connect(cancel_, &QPushButton::clicked, task_, &BackgroundTask::cancel);
    connect(task_, &BackgroundTask::progressed, this, [this](const QString&, int done, int total) {
        bar_->setRange(0, std::max(total, 1));
        bar_->setValue(done);
    });
    connect(task_, &BackgroundTask::finished, this, [this](const QString& error, bool cancelled) {
        bar_->hide();
        cancel_->hide();
        if (cancelled) setMessage(tr("Cancelled."));
        else if (!error.isEmpty()) setMessage(error, true);
    });
}

void TaskStrip::started(const QString& what) {
    bar_->setRange(0, 0);  // busy until the first progress report
    bar_->show();
    cancel_->show();
    setMessage(what);
}

void TaskStrip::setMessage(const QString& text, bool error) {
    status_->setStyleSheet(error ? "color:#c0392b" : "");
    status_->setText(text);
}

QString TaskStrip::message() const { return status_->text(); }

}  // namespace deepfield::app::inspect
