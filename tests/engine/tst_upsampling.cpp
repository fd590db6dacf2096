// UpSampling2D (nearest, bilinear with half-pixel centres), ZeroPadding2D and Cropping2D:
// definitions, gradients, hyper-parameter errors and agreement with PyTorch.
#include <QtTest>

#include "core/error.h"
#include "decoder_reference.h"
#include "gradcheck.h"
#include "layers/registry.h"
#include "layers/upsampling.h"

using namespace deepfield;
using namespace deepfield::test;

namespace {
std::unique_ptr<Layer> make(const std::string& type, const Json& config) {
    return LayerRegistry::instance().create(type, config);
}
Tensor forward(Layer& layer, const Tensor& x) {
    buildLayer(layer, {x});
    Tensor y;
    layer.forward({&x}, y, Mode::Inference);
    return y;
}
}  // namespace

class TestUpsampling : public QObject {
    Q_OBJECT
private slots:
    void nearestRepeatsPixels() {
        auto layer = make("UpSampling2D", Json{{"size", Json{2, 3}}});
        const Tensor x = Tensor::fromData({1, 1, 2, 2}, {1, 2, 3, 4});
        const Tensor y = forward(*layer, x);
        QCOMPARE(y.shape(), (std::vector<int>{1, 1, 4, 6}));
        const std::vector<float> row0{1, 1, 1, 2, 2, 2}, row3{3, 3, 3, 4, 4, 4};
        QVERIFY(std::equal(row0.begin(), row0.end(), y.data()));
        QVERIFY(std::equal(row0.begin(), row0.end(), y.data() + 6));
        QVERIFY(std::equal(row3.begin(), row3.end(), y.data() + 18));
    }

    // Half-pixel centres: output i samples (i + ½)/2 − ½ = −¼, ¼, ¾, 1¼ → clamped 0, then
    // 0·¾ + 1·¼ ... for a ramp [0, 1]: 0, 0.25, 0.75, 1 (align_corners=True would give 0, ⅓, ⅔, 1).
    void bilinearHalfPixelCentres() {
        auto layer = make("UpSampling2D", Json{{"size", Json{1, 2}}, {"interpolation", "bilinear"}});
        const Tensor x = Tensor::fromData({1, 1, 1, 2}, {0, 1});
        const Tensor y = forward(*layer, x);
        QCOMPARE(y.shape(), (std::vector<int>{1, 1, 1, 4}));
        const float want[] = {0.0f, 0.25f, 0.75f, 1.0f};
        for (int i = 0; i < 4; ++i) QCOMPARE(y[i], want[i]);
        // A constant image stays constant; a ramp's mean is kept.
        auto l2 = make("UpSampling2D", Json{{"size", 3}, {"interpolation", "bilinear"}});
        const Tensor c = forward(*l2, Tensor({2, 3, 4, 5}, 1.5f));
        for (std::size_t i = 0; i < c.size(); ++i) QCOMPARE(c[i], 1.5f);
    }

    void paddingAndCroppingAreInverse() {
        Rng rng(4);
        const Tensor x = randomTensor({2, 3, 4, 5}, rng);
        auto pad = make("ZeroPadding2D", Json{{"padding", Json{Json{1, 2}, Json{3, 0}}}});
        const Tensor p = forward(*pad, x);
        QCOMPARE(p.shape(), (std::vector<int>{2, 3, 7, 8}));
        QCOMPARE(p[0], 0.0f);                                  // top-left corner is padding
        QCOMPARE(p[1 * 8 + 3], x[0]);                          // x[0, 0, 0, 0] lands at (1, 3)
        QCOMPARE(p[(0 * 3 + 1) * 56 + 2 * 8 + 4], x[(0 * 3 + 1) * 20 + 1 * 5 + 1]);
        auto crop = make("Cropping2D", Json{{"cropping", Json{Json{1, 2}, Json{3, 0}}}});
        const Tensor back = forward(*crop, p);
        QCOMPARE(back.shape(), x.shape());
        QVERIFY(std::equal(x.data(), x.data() + x.size(), back.data()));
        double sum = 0;
        for (std::size_t i = 0; i < p.size(); ++i) sum += std::abs(p[i]);
        double sumX = 0;
        for (std::size_t i = 0; i < x.size(); ++i) sumX += std::abs(x[i]);
        QVERIFY(std::abs(sum - sumX) < 1e-4);  // nothing but zeros added
    }

    void gradients_data() {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("config");
        QTest::addColumn<QList<int>>("input");
        QTest::newRow("nearest 2") << "UpSampling2D" << R"({"size":2})" << QList<int>{2, 2, 3, 4};
        QTest::newRow("nearest (3,1)") << "UpSampling2D" << R"({"size":[3,1]})" << QList<int>{2, 1, 3, 2};
        QTest::newRow("bilinear 2") << "UpSampling2D" << R"({"size":2,"interpolation":"bilinear"})"
                                    << QList<int>{2, 2, 3, 4};
        QTest::newRow("bilinear (3,2)") << "UpSampling2D" << R"({"size":[3,2],"interpolation":"bilinear"})"
                                        << QList<int>{2, 1, 4, 3};
        QTest::newRow("bilinear 1 pixel") << "UpSampling2D" << R"({"size":4,"interpolation":"bilinear"})"
                                          << QList<int>{1, 2, 1, 1};
        QTest::newRow("zero padding") << "ZeroPadding2D" << R"({"padding":[[2,0],[1,3]]})" << QList<int>{2, 2, 3, 3};
        QTest::newRow("cropping") << "Cropping2D" << R"({"cropping":[1,2]})" << QList<int>{2, 2, 5, 6};
    }
    void gradients() {
        QFETCH(QString, type);
        QFETCH(QString, config);
        QFETCH(QList<int>, input);
        auto layer = make(type.toStdString(), Json::parse(config.toStdString()));
        Rng rng(9);
        std::vector<Tensor> in{randomTensor({input[0], input[1], input[2], input[3]}, rng)};
        buildLayer(*layer, in);
        const auto r = checkLayerGradients(*layer, in, Mode::Training, 1e-2);
        QVERIFY2(r.worstError < 1e-3, (r.worst + " error " + std::to_string(r.worstError)).c_str());
    }

    // A batch large enough for the parallel path gives exactly what each plane gives alone.
    void parallelPathMatchesPlaneByPlane() {
        for (const char* how : {"nearest", "bilinear"}) {
            auto big = make("UpSampling2D", Json{{"size", 2}, {"interpolation", how}});
            auto one = make("UpSampling2D", Json{{"size", 2}, {"interpolation", how}});
            Rng rng(8);
            const Tensor x = randomTensor({4, 8, 32, 32}, rng);
            const Tensor y = forward(*big, x);
            const Tensor dy = randomTensor(y.shape(), rng);
            Tensor dx;
            big->backward({&x}, y, dy, {&dx});
            for (int p : {0, 13, 31}) {
                const std::size_t in = 32 * 32, out = 64 * 64;
                const Tensor xp = Tensor::fromData({1, 1, 32, 32}, std::vector<float>(x.data() + p * in, x.data() + (p + 1) * in));
                const Tensor yp = forward(*one, xp);
                QVERIFY(std::equal(yp.data(), yp.data() + out, y.data() + p * out));
                const Tensor dyp =
                    Tensor::fromData({1, 1, 64, 64}, std::vector<float>(dy.data() + p * out, dy.data() + (p + 1) * out));
                Tensor dxp;
                one->backward({&xp}, yp, dyp, {&dxp});
                QVERIFY(std::equal(dxp.data(), dxp.data() + in, dx.data() + p * in));
            }
        }
    }

    void rejectsBadSettings_data() {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("config");
        QTest::addColumn<QString>("message");
        QTest::newRow("interpolation") << "UpSampling2D" << R"({"interpolation":"bicubic"})" << "'interpolation'";
        QTest::newRow("negative padding") << "ZeroPadding2D" << R"({"padding":-1})" << "'padding'";
        QTest::newRow("three paddings") << "ZeroPadding2D" << R"({"padding":[1,2,3]})" << "[[top, bottom]";
        QTest::newRow("cropping text") << "Cropping2D" << R"({"cropping":"same"})" << "'cropping'";
    }
    void rejectsBadSettings() {
        QFETCH(QString, type);
        QFETCH(QString, config);
        QFETCH(QString, message);
        QString what;
        try {
            make(type.toStdString(), Json::parse(config.toStdString()));
        } catch (const InputError& e) {
            what = e.what();
        }
        QVERIFY2(what.contains(type) && what.contains(message), qPrintable(what));
    }

    void rejectsBadShapes() {
        QString what;
        try {
            make("Cropping2D", Json{{"cropping", 2}})->outputShape({Shape{1, 4, 9}});
        } catch (const ShapeError& e) {
            what = e.what();
        }
        QVERIFY2(what.contains("Cropping2D") && what.contains("leaves nothing"), qPrintable(what));
        what.clear();
        try {
            make("UpSampling2D", Json::object())->outputShape({Shape{10}});
        } catch (const ShapeError& e) {
            what = e.what();
        }
        QVERIFY2(what.contains("UpSampling2D") && what.contains("(channels, height, width)"), qPrintable(what));
    }

    void registeredForThePalette() {
        for (const char* t : {"UpSampling2D", "ZeroPadding2D", "Cropping2D", "Conv2DTranspose"}) {
            const LayerInfo* info = LayerRegistry::instance().find(t);
            QVERIFY2(info, t);
            QVERIFY(!info->description.empty());
            auto layer = info->create(info->defaults);
            QCOMPARE(layer->type(), std::string(t));
            QCOMPARE(make(t, layer->config())->config().dump(), layer->config().dump());
        }
    }

    void agreesWithTorch_data() {
        QTest::addColumn<QString>("name");
        for (const char* prefix : {"UpSampling2D", "ZeroPadding2D", "Cropping2D"})
            for (const Json& c : decoderCases(prefix)) {
                const std::string n = c["name"].get<std::string>();
                QTest::newRow(n.c_str()) << QString::fromStdString(n);
            }
    }
    void agreesWithTorch() {
        QFETCH(QString, name);
        checkLayerCase(name, 1e-4);
    }
    void torchCasesCoverTheLayers() {
        QVERIFY(decoderCases("UpSampling2D").size() >= 7);
        QVERIFY(decoderCases("ZeroPadding2D").size() >= 2);
        QVERIFY(decoderCases("Cropping2D").size() >= 2);
    }
};

QTEST_APPLESS_MAIN(TestUpsampling)
#include "tst_upsampling.moc"
