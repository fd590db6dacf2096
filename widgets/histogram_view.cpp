#include "histogram_view.h"

#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>
#include <qcustomplot.h>

namespace deepfield::widgets {

Histogram computeHistogram(const float* data, std::size_t n, const std::uint8_t* blank, int bins, std::size_t maxValues) {
    Histogram h;
    bins = std::max(1, bins);
    h.counts.assign(std::size_t(bins), 0);
    const std::size_t stride = std::max<std::size_t>(1, (n + maxValues - 1) / std::max<std::size_t>(1, maxValues));
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (std::size_t i = 0; i < n; i += stride) {
        if ((blank && blank[i]) || !std::isfinite(data[i])) {
            ++h.blank;
            continue;
        }
        lo = std::min<double>(lo, data[i]);
        hi = std::max<double>(hi, data[i]);
    }
    if (lo > hi) return h;
    if (hi == lo) hi = lo + 1;
    h.low = lo;
    h.high = hi;
    const double scale = bins / (hi - lo);
    for (std::size_t i = 0; i < n; i += stride) {
        if ((blank && blank[i]) || !std::isfinite(data[i])) continue;
        const int b = std::min(bins - 1, int((data[i] - lo) * scale));
        ++h.counts[std::size_t(b)];
        ++h.valid;
    }
    return h;
}

HistogramView::HistogramView(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->axisRect()->setRangeDrag(Qt::Horizontal);
    plot_->axisRect()->setRangeZoom(Qt::Horizontal);
    plot_->xAxis->setLabel(tr("value"));
    plot_->yAxis->setLabel(tr("pixels"));
    bars_ = new QCPBars(plot_->xAxis, plot_->yAxis);
    bars_->setPen(Qt::NoPen);
    bars_->setBrush(QColor(70, 120, 200));
    bars_->setWidthType(QCPBars::wtPlotCoords);
    lowLine_ = new QCPItemStraightLine(plot_);
    highLine_ = new QCPItemStraightLine(plot_);
    for (auto* l : {lowLine_, highLine_}) {
        l->setPen(QPen(QColor(220, 90, 20), 1.5, Qt::DashLine));
        l->setVisible(false);
    }
    plot_->setMinimumHeight(120);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
    setLogCounts(true);
}

void HistogramView::setHistogram(const Histogram& h, const QString& title) {
    histogram_ = h;
    QVector<double> keys, values;
    const int bins = int(h.counts.size());
    const double width = bins > 0 ? (h.high - h.low) / bins : 1.0;
    for (int b = 0; b < bins; ++b) {
        keys << h.low + (b + 0.5) * width;
        // Log axis: an empty bin has no bar (0 cannot be drawn).
        values << (h.counts[std::size_t(b)] > 0 ? double(h.counts[std::size_t(b)]) : (log_ ? 0.5 : 0.0));
    }
    bars_->setWidth(width);
    bars_->setData(keys, values, true);
    bars_->setName(title);
    plot_->xAxis->setRange(h.low - width, h.high + width);
    plot_->xAxis->setLabel(title.isEmpty() ? tr("value") : title);
    replot();
}

void HistogramView::setValues(const float* data, std::size_t n, const std::uint8_t* blank, const QString& title) {
    setHistogram(computeHistogram(data, n, blank, 128), title);
}

void HistogramView::setMarkers(double low, double high) {
    lowLine_->setVisible(std::isfinite(low));
    highLine_->setVisible(std::isfinite(high));
    if (std::isfinite(low)) lowLine_->point1->setCoords(low, 0), lowLine_->point2->setCoords(low, 1);
    if (std::isfinite(high)) highLine_->point1->setCoords(high, 0), highLine_->point2->setCoords(high, 1);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void HistogramView::setLogCounts(bool on) {
    log_ = on;
    plot_->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    plot_->yAxis->setTicker(on ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog)
                               : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    bars_->setBaseValue(on ? 0.5 : 0.0);
    if (!histogram_.counts.empty()) setHistogram(histogram_, bars_->name());
}

void HistogramView::replot() {
    std::uint64_t top = 1;
    for (auto c : histogram_.counts) top = std::max(top, c);
    plot_->yAxis->setRange(log_ ? 0.5 : 0.0, log_ ? double(top) * 2.0 : double(top) * 1.05);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace deepfield::widgets
