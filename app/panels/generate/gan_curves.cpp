#include "panels/generate/gan_curves.h"

#include <QVBoxLayout>
#include <cmath>
#include <qcustomplot.h>

namespace deepfield::app {

GanCurves::GanCurves(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    plot_ = new QCustomPlot;
    plot_->setMinimumHeight(160);
    layout->addWidget(plot_);
    plot_->xAxis->setLabel(tr("epoch"));
    plot_->yAxis->setLabel(tr("loss"));
    plot_->legend->setVisible(true);
    plot_->legend->setFont(QFont(font().family(), 8));
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    gSteps_ = plot_->addGraph();
    gSteps_->setPen(QPen(QColor(120, 170, 230, 140), 1));
    gSteps_->setName(tr("G loss (step)"));
    dEpoch_ = plot_->addGraph();
    dEpoch_->setPen(QPen(QColor(200, 60, 40), 2.2));
    dEpoch_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
    gEpoch_ = plot_->addGraph();
    gEpoch_->setPen(QPen(QColor(30, 90, 190), 2.2));
    gEpoch_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
    wEpoch_ = plot_->addGraph();
    wEpoch_->setPen(QPen(QColor(30, 150, 70), 2.2, Qt::DashLine));
    wEpoch_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, 5));
    setWgan(false);
}

void GanCurves::setWgan(bool on) {
    dEpoch_->setName(on ? tr("critic loss") : tr("D loss"));
    gEpoch_->setName(tr("G loss"));
    wEpoch_->setName(tr("Wasserstein estimate"));
    wEpoch_->setVisible(on);
    if (on)
        wEpoch_->addToLegend();
    else
        wEpoch_->removeFromLegend();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void GanCurves::clear() {
    for (QCPGraph* g : {gSteps_, dEpoch_, gEpoch_, wEpoch_}) g->data()->clear();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void GanCurves::appendGeneratorSteps(const QVector<double>& x, const QVector<double>& loss) {
    gSteps_->addData(x, loss, true);
    rescale();
}

void GanCurves::appendEpoch(int epoch, double dLoss, double gLoss, double wasserstein) {
    if (std::isfinite(dLoss)) dEpoch_->addData(epoch, dLoss);
    if (std::isfinite(gLoss)) gEpoch_->addData(epoch, gLoss);
    if (std::isfinite(wasserstein)) wEpoch_->addData(epoch, wasserstein);
    rescale();
}

int GanCurves::generatorPointCount() const { return gSteps_->dataCount(); }
int GanCurves::epochCount() const { return dEpoch_->dataCount(); }

void GanCurves::rescale() {
    plot_->rescaleAxes(true);
    const QCPRange x = plot_->xAxis->range();
    plot_->xAxis->setRange(std::min(0.0, x.lower), std::max(1.0, x.upper));
    QCPRange y = plot_->yAxis->range();
    const double pad = std::max(1e-3, 0.05 * y.size());
    plot_->yAxis->setRange(y.lower - pad, y.upper + pad);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace deepfield::app
