#pragma once
// Kernels: every filter × input channel of a chosen convolution, a histogram and statistics of
// its weights, and (optionally) the grid following the weights live while training runs.
#include <QWidget>
#include <memory>

#include "graph/graph.h"

class QComboBox;
class QCheckBox;
class QSpinBox;
class QLabel;

namespace deepfield::widgets {
class KernelGrid;
class HistogramView;
}  // namespace deepfield::widgets

namespace deepfield::app::inspect {

class KernelsTab : public QWidget {
    Q_OBJECT
public:
    explicit KernelsTab(QWidget* parent = nullptr);
    void setModel(std::shared_ptr<Graph> model);
    // Live weights from a training run (names "layer/kernel"); shown while following is on.
    void showSnapshot(std::shared_ptr<const TensorFile> weights);
    void setLayer(const QString& name);
    QString layer() const;
    bool following() const;
    void setFollowing(bool on);
    widgets::KernelGrid* grid() const { return grid_; }
    widgets::HistogramView* histogram() const { return histogram_; }
    QString statisticsText() const;
    int snapshotsShown() const { return snapshots_; }

signals:
    void followChanged(bool on);

private:
    void showKernels(const Tensor& kernels);
    void refresh();

    std::shared_ptr<Graph> model_;
    QComboBox* layer_;
    QCheckBox *shared_, *follow_;
    QSpinBox* zoom_;
    widgets::KernelGrid* grid_;
    widgets::HistogramView* histogram_;
    QLabel *stats_, *hover_;
    int snapshots_ = 0;
};

}  // namespace deepfield::app::inspect
