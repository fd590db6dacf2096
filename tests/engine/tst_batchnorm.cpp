#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "gradcheck.h"
#include "layers/normalization.h"
#include "layers/registry.h"

using namespace deepfield;
using namespace deepfield::test;

namespace {
std::unique_ptr<BatchNormalization> makeBn(const Json& config) {
    auto l = LayerRegistry::instance().create("BatchNormalization", config);
    return std::unique_ptr<BatchNormalization>(dynamic_cast<BatchNormalization*>(l.release()));
}
}  // namespace

class TestBatchNorm : public QObject {
    Q_OBJECT
private slots:
    void gradients_data() {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QList<int>>("input");
        QTest::addColumn<bool>("training");
        for (bool training : {true, false}) {
            const QString m = training ? " training" : " inference";
            QTest::newRow(("(C,H,W)" + m).toUtf8()) << "{}" << QList<int>{4, 3, 3, 2} << training;
            QTest::newRow(("(C,H,W) odd" + m).toUtf8()) << "{}" << QList<int>{3, 2, 5, 3} << training;
            QTest::newRow(("(F)" + m).toUtf8()) << "{}" << QList<int>{6, 5} << training;
            QTest::newRow(("no scale" + m).toUtf8()) << R"({"scale":false})" << QList<int>{4, 2, 3, 3} << training;
            QTest::newRow(("no center" + m).toUtf8()) << R"({"center":false})" << QList<int>{5, 4} << training;
        }
    }
    void gradients() {
        QFETCH(QString, config);
        QFETCH(QList<int>, input);
        QFETCH(bool, training);
        auto bn = makeBn(Json::parse(config.toStdString()));
        Rng rng(8);
        std::vector<Tensor> in{randomTensor(std::vector<int>(input.begin(), input.end()), rng, -1.0f, 2.0f)};
        buildLayer(*bn, in);
        bn->gamma() = randomTensor(bn->gamma().shape(), rng, 0.5f, 1.5f);
        bn->beta() = randomTensor(bn->beta().shape(), rng);
        bn->movingMean() = randomTensor(bn->movingMean().shape(), rng);
        bn->movingVariance() = randomTensor(bn->movingVariance().shape(), rng, 0.5f, 2.0f);
        const auto r = checkLayerGradients(*bn, in, training ? Mode::Training : Mode::Inference, 1e-2);
        QVERIFY2(r.worstError < 2e-3, (r.worst + " error " + std::to_string(r.worstError)).c_str());
    }

    // Training output: per channel mean beta and variance gamma²·var/(var + eps); moving
    // statistics follow moving = momentum·moving + (1 − momentum)·batch with the unbiased variance.
    void trainingStatistics() {
        auto bn = makeBn(Json{{"momentum", 0.9}, {"epsilon", 0.001}});
        Rng rng(3);
        const int N = 5, C = 2, S = 6;
        const Tensor x = randomTensor({N, C, 2, 3}, rng, -1.0f, 3.0f);
        buildLayer(*bn, {x});
        bn->gamma() = Tensor::fromData({C}, {2.0f, 0.5f});
        bn->beta() = Tensor::fromData({C}, {1.0f, -1.0f});
        bn->movingMean() = Tensor::fromData({C}, {0.5f, -0.5f});
        bn->movingVariance() = Tensor::fromData({C}, {2.0f, 1.0f});
        Tensor y;
        bn->forward(x, y, Mode::Training);
        for (int c = 0; c < C; ++c) {
            double mean = 0, var = 0, ym = 0, yv = 0;
            for (int n = 0; n < N; ++n)
                for (int s = 0; s < S; ++s) mean += x[(n * C + c) * S + s];
            mean /= N * S;
            for (int n = 0; n < N; ++n)
                for (int s = 0; s < S; ++s) {
                    var += std::pow(x[(n * C + c) * S + s] - mean, 2);
                    ym += y[(n * C + c) * S + s];
                }
            ym /= N * S;
            for (int n = 0; n < N; ++n)
                for (int s = 0; s < S; ++s) yv += std::pow(y[(n * C + c) * S + s] - ym, 2);
            yv /= N * S;
            const double biased = var / (N * S), unbiased = var / (N * S - 1);
            const double g = bn->gamma()[c];
            QVERIFY(std::abs(ym - bn->beta()[c]) < 1e-5);
            QVERIFY(std::abs(yv - g * g * biased / (biased + 0.001)) < 1e-4);
            const double mm0 = c == 0 ? 0.5 : -0.5, mv0 = c == 0 ? 2.0 : 1.0;
            QVERIFY(std::abs(bn->movingMean()[c] - (0.9 * mm0 + 0.1 * mean)) < 1e-6);
            QVERIFY(std::abs(bn->movingVariance()[c] - (0.9 * mv0 + 0.1 * unbiased)) < 1e-5);
        }
        // Inference uses the moving statistics and leaves them alone.
        const Tensor mm = bn->movingMean(), mv = bn->movingVariance();
        bn->forward(x, y, Mode::Inference);
        QCOMPARE(bn->movingMean().values(), mm.values());
        const float expect = 2.0f * (x[0] - mm[0]) / std::sqrt(mv[0] + 0.001f) + 1.0f;
        QVERIFY(std::abs(y[0] - expect) < 1e-5);
    }

    void parametersAndBuffers() {
        auto bn = makeBn(Json::object());
        QCOMPARE(bn->config()["momentum"].get<float>(), 0.99f);
        QCOMPARE(bn->config()["epsilon"].get<float>(), 0.001f);
        bn->outputShape(Shape{3, 4, 4});
        bn->build(Shape{3, 4, 4});
        QCOMPARE(bn->parameters().size(), std::size_t(2));
        QCOMPARE(bn->parameters()[0].name, std::string("gamma"));
        QCOMPARE(bn->buffers().size(), std::size_t(2));
        QCOMPARE(bn->buffers()[0].name, std::string("moving_mean"));
        QCOMPARE(bn->buffers()[1].name, std::string("moving_variance"));
        QCOMPARE(bn->movingVariance().values(), (std::vector<float>{1, 1, 1}));
        auto plain = makeBn(Json{{"center", false}, {"scale", false}});
        plain->build(Shape{3});
        QCOMPARE(plain->parameters().size(), std::size_t(0));
        QCOMPARE(LayerRegistry::instance().find("BatchNormalization")->category, std::string("Normalisation"));
        try {
            makeBn(Json{{"momentum", 1.5}})->outputShape(Shape{4});
            QFAIL("no ShapeError");
        } catch (const ShapeError& e) {
            QVERIFY2(QString(e.what()).contains("momentum must be in [0, 1]"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(InputError, makeBn(Json{{"center", 1}}));
    }
};

QTEST_APPLESS_MAIN(TestBatchNorm)
#include "tst_batchnorm.moc"
