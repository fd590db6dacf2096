#include "learning_curve_plot.h"

#include <QResizeEvent>

#include <qcustomplot.h>

#include <QCheckBox>
#include <QFile>
#include <QHBoxLayout>
#include <QLabel>
#include <QSaveFile>
#include <QSlider>
#include <QSvgGenerator>
#include <QTextStream>
#include <QVBoxLayout>
#include <cmath>

namespace deepfield::widgets {

namespace {
QCPGraph* addGraph(QCustomPlot* p, QCPAxis* y, const QColor& c, double width, const QString& name,
                   Qt::PenStyle style = Qt::SolidLine) {
    QCPGraph* g = p->addGraph(p->xAxis, y);
    QPen pen(c, width, style);
    g->setPen(pen);
    g->setName(name);
    g->setAdaptiveSampling(true);  // keeps 100,000-point traces fast to redraw
    return g;
}
}  // namespace

LearningCurvePlot::LearningCurvePlot(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
    plot_->setNoAntialiasingOnDrag(true);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->xAxis->setLabel(tr("epoch"));
    plot_->yAxis->setLabel(tr("loss"));
    plot_->yAxis2->setVisible(false);
    plot_->legend->setVisible(true);
    // The legend sits above the plot, so it never hides the curves.
    plot_->plotLayout()->insertRow(0);
    auto* legendRect = new QCPLayoutGrid;
    plot_->plotLayout()->addElement(0, 0, legendRect);
    legendRect->addElement(0, 0, plot_->legend);
    plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot_->legend->setWrap(3);
    plot_->legend->setBorderPen(Qt::NoPen);
    plot_->plotLayout()->setRowStretchFactor(0, 0.001);

    const QPalette pal = palette();
    batchGraph_ = addGraph(plot_, plot_->yAxis, QColor(70, 130, 220, 90), 1, tr("batch loss"));
    trainGraph_ = addGraph(plot_, plot_->yAxis, QColor(30, 90, 200), 2.5, tr("train loss"));
    valGraph_ = addGraph(plot_, plot_->yAxis, QColor(230, 110, 20), 2.5, tr("val loss"));
    trainMetricGraph_ = addGraph(plot_, plot_->yAxis2, QColor(30, 90, 200), 1.8, tr("train metric"), Qt::DashLine);
    valMetricGraph_ = addGraph(plot_, plot_->yAxis2, QColor(230, 110, 20), 1.8, tr("val metric"), Qt::DashLine);
    for (QCPGraph* g : {trainGraph_, valGraph_}) g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
    trainMetricGraph_->removeFromLegend();
    valMetricGraph_->removeFromLegend();

    tracer_ = new QCPItemTracer(plot_);
    tracer_->setStyle(QCPItemTracer::tsCircle);
    tracer_->setSize(8);
    tracer_->setVisible(false);
    readout_ = new QCPItemText(plot_);
    readout_->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    readout_->setPadding(QMargins(4, 2, 4, 2));
    readout_->setBrush(QBrush(QColor(255, 255, 255, 220)));
    readout_->setVisible(false);
    connect(plot_, &QCustomPlot::mouseMove, this, &LearningCurvePlot::showReadout);

    logBox_ = new QCheckBox(tr("Log scale"), this);
    connect(logBox_, &QCheckBox::toggled, this, &LearningCurvePlot::setLogScale);
    smoothSlider_ = new QSlider(Qt::Horizontal, this);
    smoothSlider_->setRange(0, 99);
    smoothSlider_->setValue(int(smoothing_ * 100));
    smoothSlider_->setToolTip(tr("Smoothing of the per-batch loss (exponential moving average)"));
    connect(smoothSlider_, &QSlider::valueChanged, this, [this](int v) { setSmoothing(v / 100.0); });

    auto* controls = new QHBoxLayout;
    controls->addWidget(logBox_);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Smoothing"), this));
    controls->addWidget(smoothSlider_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_, 1);
    layout->addLayout(controls);
    Q_UNUSED(pal);
    applyPalette();
}

void LearningCurvePlot::applyPalette() {
    const QPalette pal = palette();
    const QColor base = pal.color(QPalette::Base), text = pal.color(QPalette::Text);
    const bool dark = base.lightnessF() < 0.5;
    plot_->setBackground(pal.brush(QPalette::Window));
    plot_->axisRect()->setBackground(QBrush(base));
    QColor grid = text;
    grid.setAlpha(dark ? 45 : 35);
    for (QCPAxis* a : {plot_->xAxis, plot_->yAxis, plot_->xAxis2, plot_->yAxis2}) {
        a->setBasePen(QPen(text, 1));
        a->setTickPen(QPen(text, 1));
        a->setSubTickPen(QPen(text, 1));
        a->setTickLabelColor(text);
        a->setLabelColor(text);
        a->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        a->grid()->setSubGridPen(Qt::NoPen);
        a->grid()->setZeroLinePen(Qt::NoPen);
    }
    plot_->legend->setBrush(Qt::NoBrush);
    plot_->legend->setTextColor(pal.color(QPalette::WindowText));
    QColor box = base;
    box.setAlpha(225);
    readout_->setBrush(QBrush(box));
    readout_->setColor(text);
    readout_->setPen(QPen(pal.color(QPalette::Mid)));
    tracer_->setPen(QPen(text, 1.5));
    // The traces: brighter blues on a dark background keep their contrast.
    const QColor train = dark ? QColor(100, 160, 255) : QColor(30, 90, 200);
    const QColor batch = dark ? QColor(110, 160, 240, 110) : QColor(70, 130, 220, 90);
    const QColor val = dark ? QColor(255, 150, 60) : QColor(230, 110, 20);
    auto recolour = [](QCPGraph* g, const QColor& c) {
        QPen pen = g->pen();
        pen.setColor(c);
        g->setPen(pen);
        QCPScatterStyle st = g->scatterStyle();
        if (st.shape() != QCPScatterStyle::ssNone) {
            st.setPen(QPen(c));
            st.setBrush(c);
            g->setScatterStyle(st);
        }
    };
    recolour(batchGraph_, batch);
    recolour(trainGraph_, train);
    recolour(trainMetricGraph_, train);
    recolour(valGraph_, val);
    recolour(valMetricGraph_, val);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LearningCurvePlot::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    // Three legend entries need ~420 px side by side; a narrow plot stacks them in two columns.
    const int columns = width() >= 420 ? 3 : 2;
    if (plot_->legend->wrap() != columns) {
        plot_->legend->setWrap(columns);
        plot_->legend->setFillOrder(QCPLegend::foColumnsFirst, true);  // re-lays out the entries
        plot_->replot(QCustomPlot::rpQueuedReplot);
    }
}

void LearningCurvePlot::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) applyPalette();
}

void LearningCurvePlot::clear() {
    batchX_.clear();
    batchLoss_.clear();
    epochX_.clear();
    trainLoss_.clear();
    valLoss_.clear();
    trainMetric_.clear();
    valMetric_.clear();
    for (QCPGraph* g : {batchGraph_, trainGraph_, valGraph_, trainMetricGraph_, valMetricGraph_}) g->data()->clear();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LearningCurvePlot::setMetricName(const QString& name) {
    metricName_ = name;
    plot_->yAxis2->setVisible(!name.isEmpty());
    plot_->yAxis2->setLabel(name);
    trainMetricGraph_->setName(tr("train %1").arg(name));
    valMetricGraph_->setName(tr("val %1").arg(name));
    if (!name.isEmpty()) {
        trainMetricGraph_->addToLegend();
        valMetricGraph_->addToLegend();
    }
}

void LearningCurvePlot::appendBatchLosses(const QVector<double>& x, const QVector<double>& loss) {
    batchX_ += x;
    batchLoss_ += loss;
    // Continue the moving average from the last smoothed point.
    double s = batchGraph_->data()->isEmpty() ? loss.value(0) : (batchGraph_->data()->constEnd() - 1)->value;
    for (int i = 0; i < x.size(); ++i) {
        s = smoothing_ * s + (1 - smoothing_) * loss[i];
        batchGraph_->addData(x[i], s);
    }
    rescale();
}

void LearningCurvePlot::appendEpoch(int epoch, double trainLoss, double valLoss, double trainMetric, double valMetric) {
    epochX_ << epoch;
    trainLoss_ << trainLoss;
    valLoss_ << valLoss;
    trainMetric_ << trainMetric;
    valMetric_ << valMetric;
    trainGraph_->addData(epoch, trainLoss);
    if (std::isfinite(valLoss)) valGraph_->addData(epoch, valLoss);
    if (std::isfinite(trainMetric)) trainMetricGraph_->addData(epoch, trainMetric);
    if (std::isfinite(valMetric)) valMetricGraph_->addData(epoch, valMetric);
    rescale();
}

void LearningCurvePlot::keepAsGhost() {
    if (trainGraph_->data()->isEmpty()) return;
    ++ghosts_;
    for (QCPGraph* src : {trainGraph_, valGraph_}) {
        QCPGraph* g = plot_->addGraph(plot_->xAxis, plot_->yAxis);
        g->setPen(QPen(QColor(150, 150, 150, 160), 1.5, src == valGraph_ ? Qt::DashLine : Qt::SolidLine));
        g->data()->set(*src->data());
        g->setName(tr("run %1 %2").arg(ghosts_).arg(src == valGraph_ ? tr("val") : tr("train")));
        g->removeFromLegend();
        g->setProperty("ghost", true);
    }
    clear();
}

void LearningCurvePlot::clearGhosts() {
    for (int i = plot_->graphCount() - 1; i >= 0; --i)
        if (plot_->graph(i)->property("ghost").toBool()) plot_->removeGraph(i);
    ghosts_ = 0;
    plot_->replot();
}

void LearningCurvePlot::setLogScale(bool on) {
    if (logBox_->isChecked() != on) logBox_->setChecked(on);
    plot_->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    plot_->yAxis->setTicker(on ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog)
                               : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    rescale();
}

void LearningCurvePlot::setSmoothing(double weight) {
    smoothing_ = std::clamp(weight, 0.0, 0.99);
    rebuildSmoothed();
}

void LearningCurvePlot::rebuildSmoothed() {
    batchGraph_->data()->clear();
    QVector<double> x = batchX_, l = batchLoss_;
    batchX_.clear();
    batchLoss_.clear();
    appendBatchLosses(x, l);
}

void LearningCurvePlot::rescale() {
    plot_->rescaleAxes(true);
    plot_->xAxis->setRangeLower(0);
    if (plot_->yAxis2->visible() && metricName_ == "accuracy") plot_->yAxis2->setRange(0, 1);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LearningCurvePlot::showReadout(QMouseEvent* event) {
    const double x = plot_->xAxis->pixelToCoord(event->pos().x());
    QCPGraph* g = trainGraph_->data()->isEmpty() ? batchGraph_ : trainGraph_;
    if (g->data()->isEmpty()) return;
    tracer_->setGraph(g);
    tracer_->setGraphKey(x);
    tracer_->setInterpolating(false);
    tracer_->updatePosition();
    const double key = tracer_->position->key();
    QString text = tr("epoch %1: loss %2").arg(key, 0, 'g', 4).arg(tracer_->position->value(), 0, 'g', 5);
    const int i = epochX_.indexOf(key);
    if (i >= 0 && std::isfinite(valLoss_[i])) text += tr(", val %1").arg(valLoss_[i], 0, 'g', 5);
    if (i >= 0 && !metricName_.isEmpty() && std::isfinite(valMetric_[i]))
        text += tr(", val %1 %2").arg(metricName_).arg(valMetric_[i], 0, 'g', 4);
    readout_->setText(text);
    readout_->position->setCoords(tracer_->position->coords());
    tracer_->setVisible(true);
    readout_->setVisible(true);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QString LearningCurvePlot::toCsv() const {
    QString out;
    QTextStream s(&out);
    const QString m = metricName_.isEmpty() ? QString("metric") : metricName_;
    s << "epoch,train_loss,val_loss,train_" << m << ",val_" << m << "\n";
    auto num = [](double v) { return std::isfinite(v) ? QString::number(v, 'g', 9) : QString(); };
    for (int i = 0; i < epochX_.size(); ++i)
        s << epochX_[i] << "," << num(trainLoss_[i]) << "," << num(valLoss_[i]) << "," << num(trainMetric_[i]) << ","
          << num(valMetric_[i]) << "\n";
    s << "\nbatch_epoch,batch_loss\n";
    for (int i = 0; i < batchX_.size(); ++i) s << QString::number(batchX_[i], 'g', 9) << "," << num(batchLoss_[i]) << "\n";
    return out;
}

bool LearningCurvePlot::exportTo(const QString& path) const {
    const QString lower = path.toLower();
    if (lower.endsWith(".png")) return plot_->savePng(path, 0, 0, 2.0);
    if (lower.endsWith(".pdf")) return plot_->savePdf(path);
    if (lower.endsWith(".svg")) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(plot_->size());
        svg.setViewBox(QRect(QPoint(0, 0), plot_->size()));
        svg.setTitle(tr("DeepField learning curves"));
        QCPPainter painter;
        if (!painter.begin(&svg)) return false;
        plot_->toPainter(&painter, plot_->width(), plot_->height());
        painter.end();
        return QFile(path).size() > 0;
    }
    if (lower.endsWith(".csv")) {
        QSaveFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) return false;
        f.write(toCsv().toUtf8());
        return f.commit();
    }
    return false;
}

}  // namespace deepfield::widgets
