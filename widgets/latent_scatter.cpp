#include "latent_scatter.h"

#include <qcustomplot.h>

#include <QElapsedTimer>
#include <QLineF>
#include <QPainter>
#include <QSvgGenerator>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

#include "data/colormap.h"

namespace deepfield::widgets {

namespace {
constexpr int kValueBins = 32;  // colour steps of a numeric colouring (one graph each)

// Distinct class colours (Okabe–Ito, readable for colour-blind eyes), then hues.
QColor classColour(int c) {
    static const QColor k[] = {QColor(0, 114, 178), QColor(213, 94, 0), QColor(0, 158, 115), QColor(204, 121, 167),
                               QColor(230, 159, 0), QColor(86, 180, 233), QColor(120, 120, 120), QColor(240, 228, 66)};
    if (c < 0) return QColor(150, 150, 150);
    if (c < 8) return k[c];
    return QColor::fromHsv((c * 47) % 360, 200, 200);
}

QCPColorGradient viridis() {
    QCPColorGradient g;
    g.clearColorStops();
    for (int i = 0; i <= 8; ++i) {
        const Rgb8 c = colormapColor(Colormap::Viridis, float(i) / 8.0f);
        g.setColorStopAt(i / 8.0, QColor(c[0], c[1], c[2]));
    }
    return g;
}

QCPGraph* scatterGraph(QCustomPlot* p, const QColor& c, double size) {
    QCPGraph* g = p->addGraph();
    g->setLineStyle(QCPGraph::lsNone);
    // A pre-rendered antialiased disc: blitting a pixmap per point is several times faster than
    // painting an antialiased ellipse per point (5,000 points stay well under a frame or two).
    const qreal dpr = 2.0;
    const int side = int(std::ceil(size + 2));
    QPixmap disc(QSize(side, side) * dpr);
    disc.setDevicePixelRatio(dpr);
    disc.fill(Qt::transparent);
    {
        QPainter pa(&disc);
        pa.setRenderHint(QPainter::Antialiasing);
        QColor fill = c;
        fill.setAlpha(200);
        pa.setPen(QPen(c.darker(130), 0.8));
        pa.setBrush(fill);
        pa.drawEllipse(QRectF(1, 1, size, size));
    }
    g->setScatterStyle(QCPScatterStyle(disc));
    g->setAdaptiveSampling(false);  // every point must stay visible (scatter)
    return g;
}
}  // namespace

LatentScatter::LatentScatter(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->setNoAntialiasingOnDrag(true);
    plot_->setMouseTracking(true);
    plot_->xAxis->setLabel("z₀");
    plot_->yAxis->setLabel("z₁");
    plot_->legend->setVisible(false);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    plot_->legend->setBrush(QColor(255, 255, 255, 210));
    // Decoded tiles lie under the points; probe and selection over them, in a buffered layer
    // of their own so dragging the probe repaints only that layer.
    plot_->addLayer("tiles", plot_->layer("main"), QCustomPlot::limBelow);
    tileLayer_ = plot_->layer("tiles");
    plot_->addLayer("probe", plot_->layer("main"), QCustomPlot::limAbove);
    probeLayer_ = plot_->layer("probe");
    probeLayer_->setMode(QCPLayer::lmBuffered);

    probeMarker_ = new QCPItemTracer(plot_);
    probeMarker_->setLayer(probeLayer_);
    probeMarker_->setStyle(QCPItemTracer::tsCircle);
    probeMarker_->setSize(14);
    probeMarker_->setPen(QPen(QColor(220, 30, 30), 2.5));
    probeMarker_->setBrush(QColor(220, 30, 30, 60));
    probeMarker_->position->setType(QCPItemPosition::ptPlotCoords);
    probeMarker_->setVisible(false);

    connect(plot_, &QCustomPlot::mousePress, this, &LatentScatter::onPress);
    connect(plot_, &QCustomPlot::mouseMove, this, &LatentScatter::onMove);
    connect(plot_, &QCustomPlot::mouseRelease, this, &LatentScatter::onRelease);
    auto changed = [this] { emit viewChanged(visibleRegion()); };
    connect(plot_->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, changed);
    connect(plot_->yAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, changed);
}

void LatentScatter::setPoints(const QVector<double>& x, const QVector<double>& y) {
    const bool sameCount = x.size() == x_.size();
    x_ = x;
    y_ = y.mid(0, x.size());
    if (!sameCount) {
        classes_.assign(std::size_t(x_.size()), 0);
        classNames_.clear();
        values_.clear();
        byValue_ = false;
        selection_.clear();
    }
    rebuildGraphs();
    setSelection(selection_);
}

void LatentScatter::setClassColouring(const std::vector<int>& classes, const QStringList& names) {
    classes_ = classes;
    classes_.resize(std::size_t(x_.size()), -1);
    classNames_ = names;
    byValue_ = false;
    rebuildGraphs();
}

void LatentScatter::setValueColouring(const std::vector<double>& values, const QString& name) {
    values_ = values;
    values_.resize(std::size_t(x_.size()), std::numeric_limits<double>::quiet_NaN());
    valueName_ = name;
    byValue_ = true;
    rebuildGraphs();
}

bool LatentScatter::hasColourBar() const { return colourScale_ != nullptr; }
int LatentScatter::legendItemCount() const { return plot_->legend->visible() ? plot_->legend->itemCount() : 0; }

void LatentScatter::clearColourGraphs() {
    for (QCPGraph* g : graphs_) plot_->removeGraph(g);
    graphs_.clear();
    if (colourScale_) {
        plot_->plotLayout()->remove(colourScale_);
        plot_->plotLayout()->simplify();
        colourScale_ = nullptr;
    }
}

void LatentScatter::rebuildGraphs() {
    clearColourGraphs();
    const double size = x_.size() > 3000 ? 4.0 : x_.size() > 800 ? 5.0 : 6.5;
    const int n = int(x_.size());
    if (!byValue_) {
        int classCount = 0;
        for (int c : classes_) classCount = std::max(classCount, c + 1);
        std::vector<QVector<double>> gx(std::size_t(classCount) + 1), gy(std::size_t(classCount) + 1);
        for (int i = 0; i < n; ++i) {
            const int c = classes_[std::size_t(i)];
            const std::size_t slot = c < 0 ? std::size_t(classCount) : std::size_t(c);
            gx[slot].push_back(x_[i]);
            gy[slot].push_back(y_[i]);
        }
        for (int c = 0; c <= classCount; ++c) {
            if (c == classCount && gx[std::size_t(c)].isEmpty()) break;
            QCPGraph* g = scatterGraph(plot_, classColour(c == classCount ? -1 : c), size);
            g->setData(gx[std::size_t(c)], gy[std::size_t(c)]);
            g->setName(c < classNames_.size() ? classNames_[c] : c == classCount ? tr("unlabelled") : tr("class %1").arg(c));
            graphs_.push_back(g);
        }
        plot_->legend->setVisible(classNames_.size() > 0);
    } else {
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (double v : values_)
            if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
        if (!(hi > lo)) hi = lo + 1.0;
        if (!std::isfinite(lo)) lo = 0.0, hi = 1.0;
        QCPColorGradient gradient = viridis();
        std::vector<QVector<double>> gx(kValueBins + 1), gy(kValueBins + 1);
        for (int i = 0; i < n; ++i) {
            const double v = values_[std::size_t(i)];
            const int bin = std::isfinite(v) ? std::clamp(int((v - lo) / (hi - lo) * kValueBins), 0, kValueBins - 1) : kValueBins;
            gx[std::size_t(bin)].push_back(x_[i]);
            gy[std::size_t(bin)].push_back(y_[i]);
        }
        for (int b = 0; b <= kValueBins; ++b) {
            const QColor c = b == kValueBins ? classColour(-1) : QColor(gradient.color((b + 0.5) / kValueBins, QCPRange(0, 1)));
            QCPGraph* g = scatterGraph(plot_, c, size);
            g->setData(gx[std::size_t(b)], gy[std::size_t(b)]);
            g->removeFromLegend();
            graphs_.push_back(g);
        }
        plot_->legend->setVisible(false);
        colourScale_ = new QCPColorScale(plot_);
        plot_->plotLayout()->addElement(0, 1, colourScale_);
        colourScale_->setGradient(gradient);
        colourScale_->setDataRange(QCPRange(lo, hi));
        colourScale_->axis()->setLabel(valueName_);
        auto* group = new QCPMarginGroup(plot_);
        plot_->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, group);
        colourScale_->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    }
    if (selectionGraph_) selectionGraph_->setLayer(probeLayer_);
    plot_->replot();
}

void LatentScatter::setAxisLabels(const QString& x, const QString& y) {
    plot_->xAxis->setLabel(x);
    plot_->yAxis->setLabel(y);
    plot_->replot();
}

void LatentScatter::rescaleToPoints() {
    if (x_.isEmpty()) return;
    const auto [x0, x1] = std::minmax_element(x_.begin(), x_.end());
    const auto [y0, y1] = std::minmax_element(y_.begin(), y_.end());
    const double mx = std::max(1e-3, (*x1 - *x0) * 0.06), my = std::max(1e-3, (*y1 - *y0) * 0.06);
    plot_->xAxis->setRange(*x0 - mx, *x1 + mx);
    plot_->yAxis->setRange(*y0 - my, *y1 + my);
    plot_->replot();
}

QPointF LatentScatter::pixelToPlot(const QPointF& p) const {
    return {plot_->xAxis->pixelToCoord(p.x()), plot_->yAxis->pixelToCoord(p.y())};
}

QPointF LatentScatter::plotToPixel(const QPointF& v) const {
    return {plot_->xAxis->coordToPixel(v.x()), plot_->yAxis->coordToPixel(v.y())};
}

int LatentScatter::nearestPoint(const QPointF& pixel, double maxPixels) const {
    int best = -1;
    double bestD = maxPixels * maxPixels;
    for (int i = 0; i < x_.size(); ++i) {
        const double dx = plot_->xAxis->coordToPixel(x_[i]) - pixel.x();
        const double dy = plot_->yAxis->coordToPixel(y_[i]) - pixel.y();
        const double d = dx * dx + dy * dy;
        if (d <= bestD) bestD = d, best = i;
    }
    return best;
}

QRectF LatentScatter::visibleRegion() const {
    const QCPRange x = plot_->xAxis->range(), y = plot_->yAxis->range();
    return QRectF(x.lower, y.lower, x.size(), y.size());
}

void LatentScatter::setProbe(const QPointF& value) {
    probe_ = value;
    hasProbe_ = true;
    probeMarker_->position->setCoords(value);
    probeMarker_->setVisible(true);
    probeLayer_->replot();
}

void LatentScatter::setSelection(const QVector<int>& points, const QVector<QPointF>& sigmas) {
    selection_.clear();
    for (int i : points)
        if (i >= 0 && i < x_.size()) selection_.push_back(i);
    for (QCPItemEllipse* e : ellipses_) plot_->removeItem(e);
    ellipses_.clear();
    if (!selectionGraph_) {
        selectionGraph_ = plot_->addGraph();
        selectionGraph_->setLineStyle(QCPGraph::lsNone);
        selectionGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 2), Qt::NoBrush, 12));
        selectionGraph_->removeFromLegend();
        selectionGraph_->setLayer(probeLayer_);
    }
    QVector<double> sx, sy;
    for (int k = 0; k < selection_.size(); ++k) {
        const int i = selection_[k];
        sx.push_back(x_[i]);
        sy.push_back(y_[i]);
        if (k < sigmas.size() && sigmas[k].x() > 0 && sigmas[k].y() > 0) {
            auto* e = new QCPItemEllipse(plot_);
            e->setLayer(probeLayer_);
            e->setPen(QPen(QColor(0, 0, 0, 200), 1.5, Qt::DashLine));
            e->setBrush(QColor(0, 0, 0, 25));
            e->topLeft->setCoords(x_[i] - sigmas[k].x(), y_[i] + sigmas[k].y());
            e->bottomRight->setCoords(x_[i] + sigmas[k].x(), y_[i] - sigmas[k].y());
            ellipses_.push_back(e);
        }
    }
    selectionGraph_->setData(sx, sy, true);
    plot_->replot();
}

void LatentScatter::setTiles(const std::vector<LatentTile>& tiles) {
    for (QCPItemPixmap* t : tiles_) plot_->removeItem(t);
    tiles_.clear();
    for (const LatentTile& t : tiles) {
        auto* item = new QCPItemPixmap(plot_);
        item->setLayer(tileLayer_);
        item->setPixmap(t.pixmap);
        item->setScaled(true, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        item->topLeft->setCoords(t.region.left(), t.region.top() + t.region.height());
        item->bottomRight->setCoords(t.region.left() + t.region.width(), t.region.top());
        item->setSelectable(false);
        tiles_.push_back(item);
    }
    plot_->replot();
}

bool LatentScatter::savePng(const QString& path, int width, int height) {
    return plot_->savePng(path, width, height, 2.0);
}

bool LatentScatter::saveSvg(const QString& path, int width, int height) {
    const int w = width > 0 ? width : plot_->width(), h = height > 0 ? height : plot_->height();
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(QSize(w, h));
    svg.setViewBox(QRect(0, 0, w, h));
    svg.setTitle(tr("DeepField latent space"));
    QCPPainter painter;
    if (!painter.begin(&svg)) return false;
    plot_->toPainter(&painter, w, h);
    return painter.end();
}

double LatentScatter::replotTimed() {
    QElapsedTimer t;
    t.start();
    plot_->replot(QCustomPlot::rpImmediateRefresh);
    return double(t.nsecsElapsed()) / 1e6;
}

void LatentScatter::onPress(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton) return;
    pressed_ = true;
    pressPos_ = e->position();
    // Pressing on the probe drags it instead of panning the plane.
    const QPointF p = hasProbe_ ? plotToPixel(probe_) : QPointF(-1e9, -1e9);
    draggingProbe_ = hasProbe_ && QLineF(p, e->position()).length() <= 10.0;
    plot_->setInteraction(QCP::iRangeDrag, !draggingProbe_);
}

void LatentScatter::onMove(QMouseEvent* e) {
    if (draggingProbe_) {
        setProbe(pixelToPlot(e->position()));
        emit probeDragged(probe_);
        return;
    }
    if (pressed_) return;  // panning
    const int i = nearestPoint(e->position());
    if (i != hovered_ || i >= 0) {
        hovered_ = i;
        emit pointHovered(i, e->globalPosition().toPoint());
    }
}

void LatentScatter::onRelease(QMouseEvent* e) {
    if (!pressed_) return;
    pressed_ = false;
    const bool wasDragging = draggingProbe_;
    draggingProbe_ = false;
    plot_->setInteraction(QCP::iRangeDrag, true);
    if (wasDragging) return;
    if (QLineF(pressPos_, e->position()).length() > 4.0) return;  // the plane was panned
    const QPointF v = pixelToPlot(e->position());
    const int near = nearestPoint(e->position());
    setProbe(v);
    emit clicked(v, near);
}

}  // namespace deepfield::widgets
