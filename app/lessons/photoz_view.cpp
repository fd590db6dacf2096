#include "photoz_view.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <memory>

#include "qcustomplot.h"
#include "tasks/background_task.h"

namespace deepfield::app {

namespace {
QCustomPlot* scatterPlot(QWidget* parent) {
    auto* p = new QCustomPlot(parent);
    p->setMinimumSize(260, 240);
    p->addGraph();
    p->graph(0)->setLineStyle(QCPGraph::lsNone);
    p->graph(0)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(47, 127, 208, 120), 3));
    p->addGraph();  // the diagonal: perfect predictions
    p->graph(1)->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    p->xAxis->setLabel(QObject::tr("true redshift"));
    p->yAxis->setLabel(QObject::tr("predicted redshift"));
    p->plotLayout()->insertRow(0);
    p->plotLayout()->addElement(0, 0, new QCPTextElement(p, ""));
    return p;
}
}  // namespace

PhotoZView::PhotoZView(QWidget* parent)
    : QWidget(parent),
      task_(new BackgroundTask(this)),
      colourPlot_(scatterPlot(this)),
      imagePlot_(scatterPlot(this)),
      runButton_(new QPushButton(tr("Train both"), this)),
      status_(new QLabel(this)) {
    runButton_->setObjectName("runPhotoZ");
    runButton_->setToolTip(tr("Fit photometric redshift from the catalogue's colours and from the images"));
    status_->setWordWrap(true);
    auto* plots = new QHBoxLayout;
    plots->addWidget(colourPlot_);
    plots->addWidget(imagePlot_);
    auto* bar = new QHBoxLayout;
    bar->addWidget(runButton_);
    bar->addWidget(status_, 1);
    auto* v = new QVBoxLayout(this);
    v->addLayout(bar);
    v->addLayout(plots, 1);
    connect(runButton_, &QPushButton::clicked, this, &PhotoZView::run);
    connect(task_, &BackgroundTask::finished, this, [this](const QString& error, bool cancelled) {
        runButton_->setEnabled(true);
        error_ = cancelled ? tr("cancelled") : error;
        if (error_.isEmpty()) {
            plot(colourPlot_, colour_, tr("Colours (%1 BOSS galaxies)").arg(colour_.trainCount));
            plot(imagePlot_, image_, tr("Images (%1 simulated galaxies)").arg(image_.trainCount));
            status_->setText(tr("Held-out NMAD: colours %1, images %2; always the mean: %3 and %4.")
                                 .arg(colour_.nmad, 0, 'f', 4)
                                 .arg(image_.nmad, 0, 'f', 4)
                                 .arg(colour_.trivialNmad, 0, 'f', 4)
                                 .arg(image_.trivialNmad, 0, 'f', 4));
        } else {
            status_->setText(tr("Stopped: %1").arg(error_));
        }
        emit finished();
    });
    connect(task_, &BackgroundTask::progressed, this,
            [this](const QString& title, int, int) { status_->setText(title + "…"); });
}

PhotoZView::~PhotoZView() {
    task_->cancel();
    task_->waitForFinished();
}

void PhotoZView::setColourData(const ColourSample& galaxies) { colours_ = galaxies; }
bool PhotoZView::isRunning() const { return task_->isRunning(); }

void PhotoZView::run() {
    if (task_->isRunning()) return;
    runButton_->setEnabled(false);
    error_.clear();
    const ColourSample c = colours_;
    task_->start(tr("Training on colours, then on images"),
                 [this, c](const BackgroundTask::Progress& progress, const std::atomic<bool>& cancel) -> QString {
                     try {
                         progress(0, 2);
                         colour_ = runColourPhotoZ(c.features, c.redshift, 40, 1, &cancel);
                         progress(1, 2);
                         image_ = runImagePhotoZ(simulateRedshiftedGalaxies(600, 32, 5), 12, 1, &cancel);
                         progress(2, 2);
                     } catch (const std::exception& e) {
                         return QString::fromUtf8(e.what());
                     }
                     return {};
                 });
}

void PhotoZView::plot(QCustomPlot* p, const PhotoZRun& run, const QString& what) {
    QVector<double> x, y;
    for (std::size_t i = 0; i < run.truth.size(); ++i) {
        x << run.truth[i];
        y << run.predicted[i];
    }
    p->graph(0)->setData(x, y);
    double top = 0.1;
    for (double v : x) top = std::max(top, v);
    p->graph(1)->setData({0, top}, {0, top});
    p->xAxis->setRange(0, top * 1.05);
    p->yAxis->setRange(0, top * 1.05);
    if (auto* title = qobject_cast<QCPTextElement*>(p->plotLayout()->element(0, 0)))
        title->setText(tr("%1: NMAD %2 (mean only %3)").arg(what).arg(run.nmad, 0, 'f', 4).arg(run.trivialNmad, 0, 'f', 4));
    p->replot();
}

}  // namespace deepfield::app
