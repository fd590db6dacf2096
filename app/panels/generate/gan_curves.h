#pragma once
// Live GAN curves (QCustomPlot), x in epochs: the generator loss of every generator step as a light
// trace, and per epoch the discriminator/critic loss, the generator loss and, for WGAN, the
// Wasserstein estimate mean D(x) − mean D(G(z)) (which should rise towards a plateau and then fall
// as the generator improves; the DCGAN losses instead oscillate around an equilibrium).
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPGraph;

namespace deepfield::app {

class GanCurves : public QWidget {
    Q_OBJECT
public:
    explicit GanCurves(QWidget* parent = nullptr);
    void clear();
    void setWgan(bool on);  // names the curves "critic" and shows the Wasserstein estimate
    void appendGeneratorSteps(const QVector<double>& x, const QVector<double>& loss);
    void appendEpoch(int epoch, double dLoss, double gLoss, double wasserstein);
    int generatorPointCount() const;
    int epochCount() const;
    QCustomPlot* plot() const { return plot_; }

private:
    void rescale();
    QCustomPlot* plot_;
    QCPGraph *gSteps_, *dEpoch_, *gEpoch_, *wEpoch_;
};

}  // namespace deepfield::app
