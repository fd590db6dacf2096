#pragma once
// Live GAN curves (QCustomPlot), x in epochs (epoch − 1 + batch / batches per epoch): every step's
// discriminator/critic loss, generator loss and, for WGAN, the Wasserstein estimate
// mean D(x) − mean D(G(z)) as light traces that move within an epoch (GAN Lab-like), and their
// epoch means as bold points. The estimate should rise towards a plateau and then fall as the
// generator improves; the DCGAN losses instead oscillate around an equilibrium.
#include <QVector>
#include <QWidget>
#include <vector>

#include "generative/gan.h"

class QCustomPlot;
class QCPGraph;

namespace deepfield::app {

class GanCurves : public QWidget {
    Q_OBJECT
public:
    explicit GanCurves(QWidget* parent = nullptr);
    void clear();
    void setWgan(bool on);  // names the curves "critic" and shows the Wasserstein estimate
    // Non-finite values (the generator loss of WGAN steps without a generator round) are skipped.
    void appendSteps(const std::vector<GanStep>& steps);
    void appendEpoch(int epoch, double dLoss, double gLoss, double wasserstein);
    int criticPointCount() const;     // per-step D / critic losses drawn
    int generatorPointCount() const;  // per-step generator losses drawn
    int wassersteinPointCount() const;
    int epochCount() const;
    // All per-step values drawn of one trace: 0 D, 1 G, 2 Wasserstein (tests).
    std::vector<double> stepValues(int trace) const;
    QCustomPlot* plot() const { return plot_; }

private:
    void rescale();
    QCustomPlot* plot_;
    QCPGraph *dSteps_, *gSteps_, *wSteps_, *dEpoch_, *gEpoch_, *wEpoch_;
};

}  // namespace deepfield::app
