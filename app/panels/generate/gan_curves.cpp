#include "panels/generate/gan_curves.h"

#include <QVBoxLayout>
#include <algorithm>
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
    // Steps: thin light traces under the bold epoch means of the same colour.
    dSteps_ = plot_->addGraph();
    dSteps_->setPen(QPen(QColor(230, 130, 110, 150), 1));
    gSteps_ = plot_->addGraph();
    gSteps_->setPen(QPen(QColor(120, 170, 230, 150), 1));
    wSteps_ = plot_->addGraph();
    wSteps_->setPen(QPen(QColor(110, 200, 130, 150), 1));
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
    dSteps_->setName(on ? tr("critic loss (step)") : tr("D loss (step)"));
    gSteps_->setName(tr("G loss (step)"));
    wSteps_->setName(tr("Wasserstein (step)"));
    dEpoch_->setName(on ? tr("critic loss (epoch)") : tr("D loss (epoch)"));
    gEpoch_->setName(tr("G loss (epoch)"));
    wEpoch_->setName(tr("Wasserstein (epoch)"));
    for (QCPGraph* g : {wSteps_, wEpoch_}) {
        g->setVisible(on);
        if (on)
            g->addToLegend();
        else
            g->removeFromLegend();
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void GanCurves::clear() {
    for (QCPGraph* g : {dSteps_, gSteps_, wSteps_, dEpoch_, gEpoch_, wEpoch_}) g->data()->clear();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void GanCurves::appendSteps(const std::vector<GanStep>& steps) {
    if (steps.empty()) return;
    QVector<double> x[3], y[3];
    for (const GanStep& s : steps) {
        const double at = s.epoch - 1 + double(s.batch) / std::max(1, s.batchesPerEpoch);
        const double v[3] = {s.dLoss, s.gLoss, s.wasserstein};
        for (int k = 0; k < 3; ++k)
            if (std::isfinite(v[k])) x[k].push_back(at), y[k].push_back(v[k]);
    }
    QCPGraph* traces[3] = {dSteps_, gSteps_, wSteps_};
    for (int k = 0; k < 3; ++k)
        if (!x[k].isEmpty()) traces[k]->addData(x[k], y[k], true);
    rescale();
}

std::vector<double> GanCurves::stepValues(int trace) const {
    const QCPGraph* g = trace == 0 ? dSteps_ : trace == 1 ? gSteps_ : wSteps_;
    std::vector<double> v;
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) v.push_back(it->value);
    return v;
}

void GanCurves::appendEpoch(int epoch, double dLoss, double gLoss, double wasserstein) {
    if (std::isfinite(dLoss)) dEpoch_->addData(epoch, dLoss);
    if (std::isfinite(gLoss)) gEpoch_->addData(epoch, gLoss);
    if (std::isfinite(wasserstein)) wEpoch_->addData(epoch, wasserstein);
    rescale();
}

int GanCurves::criticPointCount() const { return dSteps_->dataCount(); }
int GanCurves::generatorPointCount() const { return gSteps_->dataCount(); }
int GanCurves::wassersteinPointCount() const { return wSteps_->dataCount(); }
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
