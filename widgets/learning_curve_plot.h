#pragma once
// Live learning curves: per-batch loss as a light trace, per-epoch training and validation
// loss and metric as bold traces; earlier runs can stay on the plot in grey. QCustomPlot
// keeps appends cheap; the owner throttles how often it calls us.
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QCPItemTracer;
class QCPItemText;
class QCheckBox;
class QSlider;
class QLabel;

namespace deepfield::widgets {

class LearningCurvePlot : public QWidget {
    Q_OBJECT
public:
    explicit LearningCurvePlot(QWidget* parent = nullptr);

    void clear();                           // current run only; ghosts stay
    void setMetricName(const QString& name);  // "accuracy", "mae" ... (empty: none)
    // x in epochs (fractional for batches: epoch − 1 + batch / batches).
    void appendBatchLosses(const QVector<double>& x, const QVector<double>& loss);
    void appendEpoch(int epoch, double trainLoss, double valLoss, double trainMetric, double valMetric);
    // Keeps the current run as grey traces for comparison and starts a new one.
    void keepAsGhost();
    void clearGhosts();
    void setLogScale(bool on);
    void setSmoothing(double weight);  // 0 … 0.99, exponential moving average of the batch trace

    // Writes the plot as .png, .svg or .pdf, or the numbers as .csv (by suffix). False on failure.
    bool exportTo(const QString& path) const;
    QString toCsv() const;

    int batchPointCount() const { return batchX_.size(); }
    int epochCount() const { return epochX_.size(); }
    QCustomPlot* plot() const { return plot_; }
    // Colours the plot from the widget's palette (background, axes, text, grid, legend); runs
    // again whenever the palette changes, so a dark desktop gets a dark plot.
    void applyPalette();

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;  // fewer legend columns when narrow

private:
    void rebuildSmoothed();
    void rescale();
    void showReadout(QMouseEvent* event);

    QCustomPlot* plot_;
    QCPGraph *batchGraph_, *trainGraph_, *valGraph_, *trainMetricGraph_, *valMetricGraph_;
    QCPItemTracer* tracer_;
    QCPItemText* readout_;
    QCheckBox* logBox_;
    QSlider* smoothSlider_;
    QString metricName_;
    double smoothing_ = 0.6;
    QVector<double> batchX_, batchLoss_, epochX_, trainLoss_, valLoss_, trainMetric_, valMetric_;
    int ghosts_ = 0;
};

}  // namespace deepfield::widgets
