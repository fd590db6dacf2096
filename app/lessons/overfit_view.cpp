#include "overfit_view.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "tasks/background_task.h"

namespace deepfield::app {

namespace {
QCustomPlot* makePlot(QWidget* parent, const QString& title, const QString& x, const QString& y, bool logY) {
    auto* p = new QCustomPlot(parent);
    p->setMinimumHeight(180);
    p->plotLayout()->insertRow(0);
    p->plotLayout()->addElement(0, 0, new QCPTextElement(p, title, QFont(p->font().family(), 10, QFont::Bold)));
    p->xAxis->setLabel(x);
    p->yAxis->setLabel(y);
    if (logY) {
        p->yAxis->setScaleType(QCPAxis::stLogarithmic);
        p->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    }
    p->legend->setVisible(false);  // until there are curves
    p->legend->setFont(QFont(p->font().family(), 8));
    return p;
}

void addCurve(QCustomPlot* p, const std::vector<double>& y, const QString& name, const QColor& c, Qt::PenStyle style) {
    QVector<double> xs, ys;
    for (std::size_t i = 0; i < y.size(); ++i) {
        xs << double(i + 1);
        ys << y[i];
    }
    QCPGraph* g = p->addGraph();
    g->setData(xs, ys);
    g->setName(name);
    g->setPen(QPen(c, 2, style));
}
}  // namespace

OverfitView::OverfitView(QWidget* parent)
    : QWidget(parent),
      task_(new BackgroundTask(this)),
      lossPlot_(makePlot(this, tr("40 training rows, 3 × 128 ReLU"), tr("epoch"), tr("loss"), false)),
      smallPlot_(makePlot(this, tr("8 sigmoid layers, tiny random weights (σ = 0.01)"), tr("step"), tr("‖∂L/∂W‖ per layer"), true)),
      hePlot_(makePlot(this, tr("8 ReLU layers, He initialisation"), tr("step"), tr("‖∂L/∂W‖ per layer"), true)),
      overfitButton_(new QPushButton(tr("Run: without vs with dropout"), this)),
      initButton_(new QPushButton(tr("Run: bad vs He initialisation"), this)),
      earlyStopping_(new QCheckBox(tr("early stopping (patience 10)"), this)),
      withBatchNorm_(new QCheckBox(tr("also with batch normalisation"), this)),
      status_(new QLabel(this)) {
    setObjectName("OverfitView");
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(overfitButton_);
    buttons->addWidget(earlyStopping_);
    buttons->addWidget(withBatchNorm_);
    buttons->addSpacing(12);
    buttons->addWidget(initButton_);
    buttons->addStretch();
    auto* norms = new QHBoxLayout;
    norms->addWidget(smallPlot_);
    norms->addWidget(hePlot_);
    status_->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(lossPlot_, 1);
    layout->addLayout(norms, 1);
    layout->addWidget(status_);
    connect(overfitButton_, &QPushButton::clicked, this, &OverfitView::runOverfitting);
    connect(initButton_, &QPushButton::clicked, this, &OverfitView::runInitialisation);
    connect(task_, &BackgroundTask::progressed, this, [this](const QString& title, int done, int total) {
        status_->setText(tr("%1: %2 / %3").arg(title).arg(done).arg(total));
    });
    connect(task_, &BackgroundTask::finished, this, [this](const QString& error, bool cancelled) {
        overfitButton_->setEnabled(true);
        initButton_->setEnabled(true);
        if (!error.isEmpty()) status_->setText(error);
        else if (cancelled) status_->setText(tr("Stopped."));
        else {
            plotLosses();
            plotNorms();
        }
        emit finished();
    });
}

OverfitView::~OverfitView() = default;

void OverfitView::setData(const ColourSample& data) { data_ = data; }

void OverfitView::setBatchNormRun(bool on) { withBatchNorm_->setChecked(on); }

bool OverfitView::isRunning() const { return task_->isRunning(); }

void OverfitView::waitUntilDone() {
    task_->waitForFinished();
    QCoreApplication::processEvents();
}

void OverfitView::runOverfitting() {
    if (data_.features.empty() || task_->isRunning()) return;
    overfitButton_->setEnabled(false);
    initButton_->setEnabled(false);
    OverfitOptions plain;
    plain.patience = earlyStopping_->isChecked() ? 10 : 0;
    OverfitOptions drop = plain;
    drop.dropout = 0.5;
    OverfitOptions bn = plain;
    bn.batchNorm = true;
    const bool withBn = withBatchNorm_->isChecked();
    task_->start(tr("Training"), [this, plain, drop, bn, withBn](const BackgroundTask::Progress& progress,
                                                                 const std::atomic<bool>& cancel) {
        const int total = plain.epochs * (withBn ? 3 : 2);
        const int classes = int(data_.classNames.size());
        try {
            plain_ = runOverfit(data_.features, data_.labels, classes, plain, &cancel, [&](int e) { progress(e, total); });
            dropout_ = runOverfit(data_.features, data_.labels, classes, drop, &cancel,
                                  [&](int e) { progress(plain.epochs + e, total); });
            batchNorm_ = withBn ? runOverfit(data_.features, data_.labels, classes, bn, &cancel,
                                             [&](int e) { progress(2 * plain.epochs + e, total); })
                                : OverfitRun{};
        } catch (const std::exception& e) {
            return QString::fromStdString(e.what());
        }
        return QString();
    });
}

void OverfitView::runInitialisation() {
    if (data_.features.empty() || task_->isRunning()) return;
    overfitButton_->setEnabled(false);
    initButton_->setEnabled(false);
    task_->start(tr("Measuring gradients"), [this](const BackgroundTask::Progress& progress,
                                                   const std::atomic<bool>& cancel) {
        try {
            progress(0, 2);
            small_ = runGradientNorms(data_.features, data_.labels, int(data_.classNames.size()), "small", 8, 150,
                                      "Sigmoid", &cancel);
            progress(1, 2);
            he_ = runGradientNorms(data_.features, data_.labels, int(data_.classNames.size()), "he", 8, 150, "ReLU",
                                   &cancel);
            progress(2, 2);
        } catch (const std::exception& e) {
            return QString::fromStdString(e.what());
        }
        return QString();
    });
}

void OverfitView::plotLosses() {
    if (plain_.trainLoss.empty()) return;
    lossPlot_->clearGraphs();
    addCurve(lossPlot_, plain_.trainLoss, tr("training, no dropout"), QColor(47, 127, 208), Qt::SolidLine);
    addCurve(lossPlot_, plain_.valLoss, tr("validation, no dropout"), QColor(214, 60, 50), Qt::SolidLine);
    addCurve(lossPlot_, dropout_.trainLoss, tr("training, dropout 0.5"), QColor(47, 127, 208), Qt::DashLine);
    addCurve(lossPlot_, dropout_.valLoss, tr("validation, dropout 0.5"), QColor(214, 60, 50), Qt::DashLine);
    if (!batchNorm_.valLoss.empty()) {
        addCurve(lossPlot_, batchNorm_.trainLoss, tr("training, batch norm"), QColor(47, 127, 208), Qt::DotLine);
        addCurve(lossPlot_, batchNorm_.valLoss, tr("validation, batch norm"), QColor(214, 60, 50), Qt::DotLine);
    }
    lossPlot_->legend->setVisible(true);
    lossPlot_->rescaleAxes();
    lossPlot_->yAxis->setRangeLower(0);
    lossPlot_->replot();
    status_->setText(tr("Without dropout the validation loss climbs %1 above its minimum (epoch %2); with dropout "
                        "%3 (minimum at epoch %4).")
                         .arg(plain_.valRise(), 0, 'f', 3)
                         .arg(plain_.bestEpoch)
                         .arg(dropout_.valRise(), 0, 'f', 3)
                         .arg(dropout_.bestEpoch) +
                     (batchNorm_.valLoss.empty()
                          ? QString()
                          : tr(" With batch normalisation: %1 (minimum at epoch %2).")
                                .arg(batchNorm_.valRise(), 0, 'f', 3)
                                .arg(batchNorm_.bestEpoch)));
}

void OverfitView::plotNorms() {
    for (auto [plot, run] : {std::pair{smallPlot_, &small_}, std::pair{hePlot_, &he_}}) {
        if (run->norms.empty()) continue;
        plot->clearGraphs();
        const int layers = int(run->norms.size());
        for (int l = 0; l < layers; ++l) {
            // Input side dark, output side light.
            const QColor c = QColor::fromHsvF(0.6 - 0.5 * l / std::max(1, layers - 1), 0.8, 0.8);
            std::vector<double> v = run->norms[std::size_t(l)];
            for (double& x : v) x = std::max(x, 1e-30);  // log axis: no zeros
            addCurve(plot, v, tr("layer %1").arg(l + 1), c, Qt::SolidLine);
        }
        plot->legend->setVisible(plot == hePlot_);
        plot->rescaleAxes();
        plot->replot();
    }
}

}  // namespace deepfield::app
