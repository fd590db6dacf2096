// The decision-boundary playground on synthetic data: two Gaussian blobs are separated, the
// map and the neuron maps follow the architecture, and regression reports NMAD.
#include <QtTest>

#include <QToolButton>
#include <cmath>

#include "core/rng.h"
#include "decision_boundary_view.h"

using namespace deepfield;
using deepfield::widgets::DecisionBoundaryView;

class TestDecisionBoundaryView : public QObject {
    Q_OBJECT
private slots:
    void separatesTwoBlobs() {
        Rng rng(1);
        const int n = 400;
        Tensor x({n, 3});
        std::vector<int> labels;
        for (int i = 0; i < n; ++i) {
            const int c = i % 2;
            x.sample(i)[0] = rng.normal(c ? 1.5f : -1.5f, 0.7f);
            x.sample(i)[1] = rng.normal(c ? -1.0f : 1.0f, 0.7f);
            x.sample(i)[2] = rng.normal(0.0f, 1.0f);  // noise feature
            labels.push_back(c);
        }
        DecisionBoundaryView v;
        v.resize(900, 600);
        v.setClassificationData(x, {"a", "b", "noise"}, labels, {"left", "right"});
        v.setFeatures(0, 1);
        QCOMPARE(v.model().featureCount(), 2);
        v.trainEpochs(30);
        const double acc = v.model().testAccuracy();
        QVERIFY2(acc > 0.95, qPrintable(QString::number(acc)));
        // The left half of the map is one class's colour, the right half the other's.
        const QImage map = v.boundaryImage();
        QCOMPARE(map.size(), QSize(v.gridSize(), v.gridSize()));
        QVERIFY(map.pixel(2, 2) != map.pixel(map.width() - 3, map.height() - 3));
        // With the noise feature on the y axis the classes still part along x.
        v.setFeatures(0, 2);
        v.trainEpochs(30);
        QVERIFY(v.model().testAccuracy() > 0.9);
        // Neurons: one map each; buttons add and remove them.
        v.setHiddenLayers({3});
        QVERIFY(!v.neuronImage(0, 2).isNull());
        QVERIFY(v.neuronImage(0, 3).isNull());
        v.findChild<QToolButton*>("addNeuron0")->click();
        QCOMPARE(v.model().hiddenLayers(), std::vector<int>({4}));
        v.findChild<QToolButton*>("removeNeuron0")->click();
        v.findChild<QToolButton*>("removeNeuron0")->click();
        QCOMPARE(v.model().hiddenLayers(), std::vector<int>({2}));
        v.addLayer();
        QCOMPARE(v.model().hiddenLayers(), std::vector<int>({2, 2}));
        v.removeLayer();
        v.removeLayer();
        QVERIFY(v.model().hiddenLayers().empty());
        v.trainEpochs(10);  // a perceptron still separates linearly separable blobs
        QVERIFY(v.model().testAccuracy() > 0.9);
        QVERIFY(v.statsText().contains("test accuracy"));
        // Training on a timer.
        v.start();
        QVERIFY(v.isRunning());
        const int before = v.model().epoch();
        QTRY_VERIFY_WITH_TIMEOUT(v.model().epoch() > before + 2, 5000);
        v.stop();
        QVERIFY(!v.isRunning());
    }

    void regressionReportsNmad() {
        Rng rng(2);
        const int n = 500;
        Tensor x({n, 2});
        std::vector<float> z;
        for (int i = 0; i < n; ++i) {
            const float t = rng.uniform(0.05f, 0.8f);
            x.sample(i)[0] = 2 * t + rng.normal(0.0f, 0.02f);
            x.sample(i)[1] = -t + rng.normal(0.0f, 0.02f);
            z.push_back(t);
        }
        DecisionBoundaryView v;
        v.setRegressionData(x, {"a", "b"}, z);
        v.setMode("regression");
        QVERIFY(v.model().isRegression());
        const double before = v.model().testNmad();
        v.trainEpochs(60);
        const double after = v.model().testNmad();
        QVERIFY2(after < 0.05 && after < before, qPrintable(QString("%1 -> %2").arg(before).arg(after)));
        QVERIFY(v.model().testOutlierFraction() < 0.05);
        QVERIFY(v.statsText().contains("NMAD"));
        QVERIFY(v.boundaryImage().isNull());
    }
};

QTEST_MAIN(TestDecisionBoundaryView)
#include "tst_decision_boundary_view.moc"
