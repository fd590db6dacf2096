#include <QtTest>

#include <cmath>

#include "gradcheck.h"
#include "layers/activations.h"
#include "layers/dropout.h"
#include "layers/registry.h"
#include "layers/reshaping.h"

using namespace deepfield;
using namespace deepfield::test;

namespace {
// Random values with |x| ≥ 0.1, so no finite-difference step crosses the kink at 0.
Tensor awayFromZero(const std::vector<int>& shape, Rng& rng) {
    Tensor t = randomTensor(shape, rng, -1.5f, 1.5f);
    for (std::size_t i = 0; i < t.size(); ++i)
        if (std::abs(t[i]) < 0.1f) t[i] += t[i] < 0 ? -0.1f : 0.1f;
    return t;
}
}  // namespace

class TestActivations : public QObject {
    Q_OBJECT
private slots:
    void gradients_data() {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("config");
        QTest::addColumn<QList<int>>("input");
        QTest::addColumn<bool>("training");
        const QList<QList<int>> shapes{{3, 7}, {2, 3, 4, 5}};
        for (const char* t : {"Linear", "ReLU", "Sigmoid", "Tanh", "Softmax", "Flatten"})
            for (const auto& s : shapes)
                QTest::newRow(QString("%1 rank %2").arg(t).arg(s.size()).toUtf8()) << t << "{}" << s << true;
        for (const auto& s : shapes) {
            QTest::newRow(QString("LeakyReLU 0.2 rank %1").arg(s.size()).toUtf8())
                << "LeakyReLU" << R"({"alpha":0.2})" << s << true;
            QTest::newRow(QString("ELU 1 rank %1").arg(s.size()).toUtf8()) << "ELU" << "{}" << s << true;
            QTest::newRow(QString("ELU 0.5 rank %1").arg(s.size()).toUtf8()) << "ELU" << R"({"alpha":0.5})" << s
                                                                            << true;
            QTest::newRow(QString("Dropout training rank %1").arg(s.size()).toUtf8())
                << "Dropout" << R"({"rate":0.4})" << s << true;
            QTest::newRow(QString("Dropout inference rank %1").arg(s.size()).toUtf8())
                << "Dropout" << R"({"rate":0.4})" << s << false;
        }
        QTest::newRow("Reshape (3,4,5) -> (12,5)") << "Reshape" << R"({"target_shape":[12,5]})"
                                                   << QList<int>{2, 3, 4, 5} << true;
        QTest::newRow("Reshape (7) -> (7,1,1)") << "Reshape" << R"({"target_shape":[7,1,1]})" << QList<int>{3, 7}
                                                << true;
    }
    void gradients() {
        QFETCH(QString, type);
        QFETCH(QString, config);
        QFETCH(QList<int>, input);
        QFETCH(bool, training);
        auto layer = LayerRegistry::instance().create(type.toStdString(), Json::parse(config.toStdString()));
        Rng rng(21);
        std::vector<Tensor> in{awayFromZero(std::vector<int>(input.begin(), input.end()), rng)};
        buildLayer(*layer, in);
        // Dropout draws a new mask per forward: reseeding keeps the mask fixed across the check.
        const auto r = checkLayerGradients(*layer, in, training ? Mode::Training : Mode::Inference, 1e-2, 99);
        QVERIFY2(r.worstError < 1e-3, (r.worst + " error " + std::to_string(r.worstError)).c_str());
    }

    // The check must notice a wrong derivative: a ReLU evaluated on a kink-free input but
    // compared with the identity's gradient fails.
    void checkCanFail() {
        Activation relu(ActivationKind::ReLU);
        Rng rng(2);
        const Tensor x = awayFromZero({4, 6}, rng);
        Tensor y, dx;
        relu.forward(x, y, Mode::Training);
        const Tensor dy = randomTensor(y.shape(), rng);
        relu.backward(x, y, dy, &dx);
        QVERIFY(relativeError(dx, dy) > 0.1);  // some inputs are negative: gradients differ
        for (std::size_t i = 0; i < x.size(); ++i) QCOMPARE(dx[i], x[i] > 0 ? dy[i] : 0.0f);
    }

    void dropoutMaskStatistics() {
        Dropout d(0.25f);
        d.setSeed(4);
        const Tensor x({200, 50}, 1.0f);
        Tensor y;
        d.outputShape(Shape{50});
        d.forward(x, y, Mode::Training);
        double kept = 0;
        for (std::size_t i = 0; i < y.size(); ++i) {
            QVERIFY(y[i] == 0.0f || std::abs(y[i] - 1.0f / 0.75f) < 1e-6);
            kept += y[i] != 0.0f;
        }
        QVERIFY(std::abs(kept / y.size() - 0.75) < 0.02);
    }
};

QTEST_APPLESS_MAIN(TestActivations)
#include "tst_activations.moc"
