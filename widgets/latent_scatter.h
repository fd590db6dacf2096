#pragma once
// A latent plane in QCustomPlot: one point per encoded image, coloured by class (one scatter
// graph per class, with a legend) or by a numeric label (points binned into 32 colour steps of a
// gradient, one graph per step, with a colour bar), so thousands of points redraw quickly.
// On top: a probe (the latent point being decoded; drag it and the view follows), the selected
// points with their σ ellipses, and decoded galaxies tiled under the points (traversal grid).
// It only shows what it is given and reports what the user did.
#include <QPixmap>
#include <QPointF>
#include <QRectF>
#include <QVector>
#include <QWidget>
#include <vector>

class QCustomPlot;
class QCPColorScale;
class QCPGraph;
class QCPItemEllipse;
class QCPItemPixmap;
class QCPItemTracer;
class QCPLayer;
class QMouseEvent;

namespace deepfield::widgets {

struct LatentTile {
    QRectF region;  // in plot coordinates (x, y of the lower left corner, width, height)
    QPixmap pixmap;
};

class LatentScatter : public QWidget {
    Q_OBJECT
public:
    explicit LatentScatter(QWidget* parent = nullptr);

    // One point per image; keeps the colouring if the count is unchanged, else all one class.
    void setPoints(const QVector<double>& x, const QVector<double>& y);
    int pointCount() const { return int(x_.size()); }
    QPointF point(int i) const { return {x_.at(i), y_.at(i)}; }
    // Class index per point (−1: unlabelled, drawn grey) and names for the legend.
    void setClassColouring(const std::vector<int>& classes, const QStringList& names);
    // A numeric value per point (NaN: grey) on a colour bar titled `name`.
    void setValueColouring(const std::vector<double>& values, const QString& name);
    bool hasColourBar() const;
    int legendItemCount() const;
    void setAxisLabels(const QString& x, const QString& y);
    void rescaleToPoints();  // fits the view to the points with a margin

    // Coordinates: widget pixels ↔ plot values.
    QPointF pixelToPlot(const QPointF& pixel) const;
    QPointF plotToPixel(const QPointF& value) const;
    // Index of the point nearest to a widget position within maxPixels, or −1.
    int nearestPoint(const QPointF& pixel, double maxPixels = 8.0) const;
    QRectF visibleRegion() const;  // the axes' ranges (x, y = lower left)

    void setProbe(const QPointF& value);  // shows the probe marker there
    QPointF probe() const { return probe_; }
    bool hasProbe() const { return hasProbe_; }
    // Highlighted points, and an ellipse of half-axes (σx, σy) around each (empty: none).
    void setSelection(const QVector<int>& points, const QVector<QPointF>& sigmas = {});
    QVector<int> selection() const { return selection_; }
    int ellipseCount() const { return int(ellipses_.size()); }
    // Decoded galaxies under the points (replaces the previous tiles).
    void setTiles(const std::vector<LatentTile>& tiles);
    int tileCount() const { return int(tiles_.size()); }

    bool savePng(const QString& path, int width = 0, int height = 0);
    bool saveSvg(const QString& path, int width = 0, int height = 0);
    // Replots now and returns the time it took (ms).
    double replotTimed();
    QCustomPlot* plot() const { return plot_; }

signals:
    void pointHovered(int index, const QPoint& globalPos);  // −1 when no point is under the mouse
    // A click (press and release without dragging), anywhere; nearest: the point there or −1.
    void clicked(const QPointF& value, int nearest);
    void probeDragged(const QPointF& value);  // while the probe is dragged
    void viewChanged(const QRectF& visible);

private:
    void rebuildGraphs();
    void clearColourGraphs();
    void onPress(QMouseEvent* e);
    void onMove(QMouseEvent* e);
    void onRelease(QMouseEvent* e);

    QCustomPlot* plot_;
    QCPLayer* tileLayer_;
    QCPLayer* probeLayer_;
    QCPItemTracer* probeMarker_;
    QCPGraph* selectionGraph_ = nullptr;
    QCPColorScale* colourScale_ = nullptr;
    std::vector<QCPGraph*> graphs_;
    std::vector<QCPItemEllipse*> ellipses_;
    std::vector<QCPItemPixmap*> tiles_;
    QVector<double> x_, y_;
    std::vector<int> classes_;
    QStringList classNames_;
    std::vector<double> values_;
    QString valueName_;
    bool byValue_ = false;
    QVector<int> selection_;
    QPointF probe_;
    bool hasProbe_ = false;
    bool draggingProbe_ = false;
    bool pressed_ = false;
    QPointF pressPos_;
    int hovered_ = -1;
};

}  // namespace deepfield::widgets
