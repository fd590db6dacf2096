#pragma once
// Value histogram (QCustomPlot): counts of the valid (non-blank, finite) values in equal bins
// between the smallest and largest value, log count axis by default, with the display
// interval marked by two vertical lines.
#include <QWidget>
#include <cstdint>
#include <vector>

class QCustomPlot;
class QCPBars;
class QCPItemStraightLine;

namespace deepfield::widgets {

struct Histogram {
    double low = 0, high = 1;             // range of the bins
    std::vector<std::uint64_t> counts;    // equal bins over [low, high]; high falls in the last
    std::uint64_t valid = 0, blank = 0;   // values counted / skipped
};
// blank may be nullptr. Values are taken with a stride so at most maxValues are read.
Histogram computeHistogram(const float* data, std::size_t n, const std::uint8_t* blank, int bins,
                           std::size_t maxValues = std::size_t(1) << 22);

class HistogramView : public QWidget {
    Q_OBJECT
public:
    explicit HistogramView(QWidget* parent = nullptr);
    void setHistogram(const Histogram& h, const QString& title = {});
    void setValues(const float* data, std::size_t n, const std::uint8_t* blank, const QString& title = {});
    void setMarkers(double low, double high);  // NaN hides them
    void setLogCounts(bool on);
    const Histogram& histogram() const { return histogram_; }
    QCustomPlot* plot() const { return plot_; }

private:
    void replot();
    QCustomPlot* plot_;
    QCPBars* bars_;
    QCPItemStraightLine *lowLine_, *highLine_;
    Histogram histogram_;
    bool log_ = true;
};

}  // namespace deepfield::widgets
