#include <QtTest>

#include <cmath>
#include <cstring>

#include "core/error.h"
#include "gradcheck.h"
#include "layers/pooling.h"
#include "layers/registry.h"

using namespace deepfield;
using namespace deepfield::test;

namespace {
// Distinct values 0.05 apart in random order: no two pixels of a window within a
// finite-difference step of each other, so max pooling stays differentiable for the check.
Tensor distinctTensor(const std::vector<int>& shape, Rng& rng) {
    Tensor t(shape);
    const std::vector<int> perm = rng.permutation(static_cast<int>(t.size()));
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = 0.05f * (perm[i] - 0.5f * t.size());
    return t;
}
std::unique_ptr<Layer> make(const QString& type, const QString& config) {
    return LayerRegistry::instance().create(type.toStdString(), Json::parse(config.toStdString()));
}
}  // namespace

class TestPooling : public QObject {
    Q_OBJECT
private slots:
    void gradients_data() {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("config");
        QTest::addColumn<QList<int>>("input");   // N, C, H, W
        QTest::addColumn<QList<int>>("output");  // C, Ho, Wo
        for (const char* t : {"MaxPooling2D", "AveragePooling2D"}) {
            const QString type(t);
            QTest::newRow((type + " 2 even").toUtf8()) << type << "{}" << QList<int>{2, 3, 6, 8} << QList<int>{3, 3, 4};
            QTest::newRow((type + " 2 odd valid").toUtf8()) << type << "{}" << QList<int>{2, 2, 7, 5}
                                                            << QList<int>{2, 3, 2};
            QTest::newRow((type + " 2 odd same").toUtf8()) << type << R"({"padding":"same"})"
                                                           << QList<int>{2, 2, 7, 5} << QList<int>{2, 4, 3};
            QTest::newRow((type + " 3 s2 valid").toUtf8()) << type << R"({"pool_size":3,"strides":2})"
                                                           << QList<int>{2, 2, 9, 8} << QList<int>{2, 4, 3};
            QTest::newRow((type + " 3 s2 same").toUtf8())
                << type << R"({"pool_size":3,"strides":2,"padding":"same"})" << QList<int>{2, 2, 8, 7}
                << QList<int>{2, 4, 4};
            QTest::newRow((type + " 3 s1 same").toUtf8()) << type << R"({"pool_size":3,"strides":1,"padding":"same"})"
                                                          << QList<int>{1, 2, 5, 6} << QList<int>{2, 5, 6};
            QTest::newRow((type + " [2,3] s[1,2]").toUtf8()) << type << R"({"pool_size":[2,3],"strides":[1,2]})"
                                                             << QList<int>{2, 1, 5, 7} << QList<int>{1, 4, 3};
        }
        QTest::newRow("GlobalAveragePooling2D") << "GlobalAveragePooling2D" << "{}" << QList<int>{3, 4, 5, 3}
                                                << QList<int>{4};
    }
    void gradients() {
        QFETCH(QString, type);
        QFETCH(QString, config);
        QFETCH(QList<int>, input);
        QFETCH(QList<int>, output);
        auto layer = make(type, config);
        Rng rng(4);
        std::vector<Tensor> in{distinctTensor({input[0], input[1], input[2], input[3]}, rng)};
        QCOMPARE(layer->outputShape({in[0].sampleShape()}), Shape(output.begin(), output.end()));
        buildLayer(*layer, in);
        const auto r = checkLayerGradients(*layer, in, Mode::Training, 1e-3);
        QVERIFY2(r.worstError < 1e-3, (r.worst + " error " + std::to_string(r.worstError)).c_str());
    }

    // Hand-computed values: a 3x3 image pooled 2x2 with "same" covers partial windows at
    // the bottom and right; the average counts only pixels inside the image.
    void sameAveragesValidPixels() {
        const Tensor x = Tensor::fromData({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
        Tensor y;
        auto avg = make("AveragePooling2D", R"({"padding":"same"})");
        buildLayer(*avg, {x});
        avg->forward({&x}, y, Mode::Inference);
        QCOMPARE(y.shape(), (std::vector<int>{1, 1, 2, 2}));
        QCOMPARE(y.values(), (std::vector<float>{3.0f, 4.5f, 7.5f, 9.0f}));
        auto mx = make("MaxPooling2D", R"({"padding":"same"})");
        buildLayer(*mx, {x});
        mx->forward({&x}, y, Mode::Inference);
        QCOMPARE(y.values(), (std::vector<float>{5, 6, 8, 9}));
        // All negative: the zero padding of the partial windows must not win.
        const Tensor neg = Tensor::fromData({1, 1, 3, 3}, {-1, -2, -3, -4, -5, -6, -7, -8, -9});
        mx->forward({&neg}, y, Mode::Inference);
        QCOMPARE(y.values(), (std::vector<float>{-1, -3, -7, -9}));  // padding never wins
        auto g = make("GlobalAveragePooling2D", "{}");
        buildLayer(*g, {x});
        g->forward({&x}, y, Mode::Inference);
        QCOMPARE(y.shape(), (std::vector<int>{1, 1}));
        QCOMPARE(y[0], 5.0f);
    }

    void maxRoutesGradientToWinner() {
        // Windows 3 wide with stride 2 share column 2 of this 3x5 image.
        Tensor x = Tensor::fromData({1, 1, 3, 5}, {0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0});
        auto mx = make("MaxPooling2D", R"({"pool_size":3,"strides":2})");
        buildLayer(*mx, {x});
        Tensor y, dx;
        mx->forward({&x}, y, Mode::Training);
        QCOMPARE(y.values(), (std::vector<float>{0, 9}));
        const Tensor dy = Tensor::fromData({1, 1, 1, 2}, {1.0f, 2.0f});
        mx->backward({&x}, y, dy, {&dx});
        QCOMPARE(dx[8], 2.0f);
        QCOMPARE(dx[0], 1.0f);  // the first of equal values wins, as in PyTorch
        QCOMPARE(dx.vec().sum(), 3.0f);
        // A winner in the shared column collects the gradient of both windows.
        x[8] = 0.0f;
        x[7] = 9.0f;
        mx->forward({&x}, y, Mode::Training);
        QCOMPARE(y.values(), (std::vector<float>{9, 9}));
        mx->backward({&x}, y, dy, {&dx});
        QCOMPARE(dx[7], 3.0f);
        QCOMPARE(dx.vec().sum(), 3.0f);
    }

    // The 2x2 stride-2 fast path against a plain scan written here: ties (zeros after a ReLU,
    // repeated values), NaN pixels, -0 gradients and odd sizes, compared bit for bit.
    void max2x2MatchesScanBitForBit_data() {
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("width");
        QTest::newRow("even 8x40") << 8 << 40;
        QTest::newRow("odd 7x37") << 7 << 37;
    }
    void max2x2MatchesScanBitForBit() {
        QFETCH(int, height);
        QFETCH(int, width);
        const int N = 2, C = 3, Ho = height / 2, Wo = width / 2;
        Rng rng(11);
        Tensor x({N, C, height, width});
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double u = rng.uniform();
            x[i] = u < 0.4 ? 0.0f : u < 0.5 ? 1.0f : u < 0.52 ? -0.0f : u < 0.53 ? NAN : float(rng.normal());
        }
        Tensor dy({N, C, Ho, Wo});
        for (std::size_t i = 0; i < dy.size(); ++i) dy[i] = rng.uniform() < 0.1 ? -0.0f : float(rng.normal());
        // Reference: first pixel of the window, then strictly greater pixels in row-major order;
        // the gradient goes to the first pixel equal to the maximum (the first one if none is).
        std::vector<float> yRef(dy.size()), dxRef(x.size(), 0.0f);
        for (int p = 0; p < N * C; ++p)
            for (int oh = 0; oh < Ho; ++oh)
                for (int ow = 0; ow < Wo; ++ow) {
                    const std::size_t base = std::size_t(p) * height * width;
                    std::size_t at[4];
                    for (int k = 0; k < 4; ++k) at[k] = base + (2 * oh + k / 2) * width + 2 * ow + k % 2;
                    float m = x[at[0]];
                    for (int k = 1; k < 4; ++k)
                        if (x[at[k]] > m) m = x[at[k]];
                    const std::size_t o = (std::size_t(p) * Ho + oh) * Wo + ow;
                    yRef[o] = m;
                    int win = 0;
                    while (win < 4 && !(x[at[win]] == m)) ++win;
                    dxRef[at[win == 4 ? 0 : win]] += dy[o];
                }
        auto mx = make("MaxPooling2D", "{}");
        buildLayer(*mx, {x});
        Tensor y, dx;
        mx->forward({&x}, y, Mode::Training);
        mx->backward({&x}, y, dy, {&dx});
        QCOMPARE(y.size(), yRef.size());
        QCOMPARE(dx.size(), dxRef.size());
        QVERIFY(std::memcmp(y.data(), yRef.data(), yRef.size() * sizeof(float)) == 0);
        QVERIFY(std::memcmp(dx.data(), dxRef.data(), dxRef.size() * sizeof(float)) == 0);
    }

    void errors_data() {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("config");
        QTest::addColumn<QList<int>>("input");
        QTest::addColumn<QString>("message");
        QTest::newRow("flat") << "MaxPooling2D" << "{}" << QList<int>{16}
                              << "MaxPooling2D expects (channels, height, width); got (16)";
        QTest::newRow("too small") << "AveragePooling2D" << R"({"pool_size":3})" << QList<int>{4, 2, 8}
                                   << "3x3 pool does not fit a 2x8 image";
        QTest::newRow("global flat") << "GlobalAveragePooling2D" << "{}" << QList<int>{4, 4}
                                     << "expects (channels, height, width); got (4, 4)";
    }
    void errors() {
        QFETCH(QString, type);
        QFETCH(QString, config);
        QFETCH(QList<int>, input);
        QFETCH(QString, message);
        auto layer = make(type, config);
        try {
            layer->outputShape({Shape(input.begin(), input.end())});
            QFAIL("no ShapeError");
        } catch (const ShapeError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
    }

    void config() {
        auto a = make("MaxPooling2D", "{}");
        QCOMPARE(a->config()["strides"], Json(2));  // strides default to the pool size
        QCOMPARE(a->outputShape({Shape{3, 64, 64}}), (Shape{3, 32, 32}));
        QVERIFY_THROWS_EXCEPTION(InputError, make("MaxPooling2D", R"({"padding":1})"));
        auto b = make("AveragePooling2D", R"({"pool_size":[3,2],"strides":1,"padding":"same"})");
        auto c = LayerRegistry::instance().create("AveragePooling2D", b->config());
        QCOMPARE(QString::fromStdString(c->config().dump()), QString::fromStdString(b->config().dump()));
        QCOMPARE(LayerRegistry::instance().find("GlobalAveragePooling2D")->category, std::string("Pooling"));
    }
};

QTEST_APPLESS_MAIN(TestPooling)
#include "tst_pooling.moc"
