#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "core/rng.h"
#include "data/preprocess.h"
#include "data/sersic.h"

using namespace deepfield;

namespace {
double mean(const Tensor& t) {
    double s = 0;
    for (std::size_t i = 0; i < t.size(); ++i) s += t[i];
    return s / double(t.size());
}
Tensor ramp(int c, int h, int w) {
    Tensor t({c, h, w});
    for (int k = 0; k < c; ++k)
        for (int i = 0; i < h; ++i)
            for (int j = 0; j < w; ++j) t[(std::size_t(k) * h + i) * w + j] = float(100 * k + 10 * i + j);
    return t;
}
}  // namespace

class TestPreprocess : public QObject {
    Q_OBJECT
private slots:
    void centreCropPixelsAndFraction() {
        const Tensor t = ramp(2, 6, 8);
        const Tensor c = centerCrop(t, 4);
        QCOMPARE(c.shape(), (std::vector<int>{2, 4, 4}));
        QCOMPARE(c[0], 10.0f * 1 + 2);          // row 1, column 2
        QCOMPARE(c[16 + 5], 100.0f + 10 * 2 + 3);  // channel 1, (1, 1) -> row 2, column 3
        const Tensor f = centerCropFraction(t, 0.5);  // half of min(6, 8) = 3
        QCOMPARE(f.shape(), (std::vector<int>{2, 3, 3}));
        QCOMPARE(f[0], 10.0f * 1 + 2);
        QVERIFY_THROWS_EXCEPTION(InputError, centerCrop(t, 7));
        QVERIFY_THROWS_EXCEPTION(InputError, centerCropFraction(t, 1.5));
    }

    void resizeKeepsMean_data() {
        QTest::addColumn<int>("in");
        QTest::addColumn<int>("out");
        QTest::newRow("423->64") << 423 << 64;
        QTest::newRow("100->33") << 100 << 33;
        QTest::newRow("64->128 up") << 64 << 128;
        QTest::newRow("64->64") << 64 << 64;
    }
    void resizeKeepsMean() {
        QFETCH(int, in);
        QFETCH(int, out);
        Tensor img({1, in, in});
        addSersic(img.data(), in, in, SersicProfile{1.0, in / 8.0, 0.7, 0.3, in / 2.0, in / 2.0, 1e4});
        Rng rng(2);
        for (std::size_t i = 0; i < img.size(); ++i) img[i] += float(0.01 * rng.normal());
        const Tensor r = resizeImage(img, out, out);
        QCOMPARE(r.shape(), (std::vector<int>{1, out, out}));
        QVERIFY2(std::fabs(mean(r) / mean(img) - 1.0) < 0.01, std::to_string(mean(r) / mean(img)).c_str());
    }

    void downsampleIsAreaAverage() {
        // 4x4 -> 2x2 averages blocks exactly; 3 -> 2 uses fractional overlaps (1, 0.5 | 0.5, 1) / 1.5.
        Tensor t = ramp(1, 4, 4);
        const Tensor r = resizeImage(t, 2, 2);
        QCOMPARE(r[0], (0.0f + 1 + 10 + 11) / 4);
        QCOMPARE(r[3], (22.0f + 23 + 32 + 33) / 4);
        Tensor row = Tensor::fromData({1, 1, 3}, {3.0f, 6.0f, 9.0f});
        const Tensor r2 = resizeImage(row, 1, 2);
        QVERIFY(std::fabs(r2[0] - (3.0f + 0.5f * 6.0f) / 1.5f) < 1e-5f);
        QVERIFY(std::fabs(r2[1] - (0.5f * 6.0f + 9.0f) / 1.5f) < 1e-5f);
    }

    void downsampleDoesNotAlias() {
        // A one-pixel checkerboard averages to its mean (a point sampler would give 0 or 1).
        Tensor t({1, 64, 64});
        for (int i = 0; i < 64; ++i)
            for (int j = 0; j < 64; ++j) t[std::size_t(i) * 64 + j] = float((i + j) % 2);
        const Tensor r = resizeImage(t, 16, 16);
        for (std::size_t i = 0; i < r.size(); ++i) QVERIFY(std::fabs(r[i] - 0.5f) < 1e-6f);
    }

    void upsampleIsBilinear() {
        Tensor row = Tensor::fromData({1, 1, 2}, {0.0f, 4.0f});
        const Tensor r = resizeImage(row, 1, 4);  // centres at -0.25, 0.25, 0.75, 1.25 -> clamped
        QCOMPARE(r.values(), (std::vector<float>{0.0f, 1.0f, 3.0f, 4.0f}));
    }

    void channelsAndGrey() {
        const Tensor t = ramp(3, 2, 2);
        const Tensor s = selectChannels(t, {2, 0});
        QCOMPARE(s.dim(0), 2);
        QCOMPARE(s[0], 200.0f);
        QCOMPARE(s[4], 0.0f);
        const Tensor g = toGrey(t);
        QCOMPARE(g.shape(), (std::vector<int>{1, 2, 2}));
        QCOMPARE(g[0], 100.0f);
        QVERIFY_THROWS_EXCEPTION(InputError, selectChannels(t, {3}));
    }

    void normalisations() {
        Tensor t = ramp(2, 8, 8);
        PreprocessSpec spec;
        spec.normalise = Normalisation::PerImage;
        const Tensor n = preprocess(t, spec);
        for (int k = 0; k < 2; ++k) {
            double s = 0, s2 = 0;
            for (int i = 0; i < 64; ++i) s += n[std::size_t(k) * 64 + i], s2 += double(n[std::size_t(k) * 64 + i]) * n[std::size_t(k) * 64 + i];
            QVERIFY(std::fabs(s / 64) < 1e-5);
            QVERIFY(std::fabs(s2 / 64 - 1.0) < 1e-4);
        }
        spec.normalise = Normalisation::PerDataset;
        QVERIFY_THROWS_EXCEPTION(InputError, preprocess(t, spec));
        std::vector<float> m, sd;
        channelMeanStd({t}, m, sd);
        QCOMPARE(m.size(), std::size_t(2));
        QVERIFY(std::fabs(m[1] - (100.0f + 35.0f + 3.5f)) < 1e-4f);
        spec.mean = m;
        spec.std = sd;
        const Tensor d = preprocess(t, spec);
        QVERIFY(std::fabs(d[0] - (0.0f - m[0]) / sd[0]) < 1e-5f);
    }

    void asinhStretch() {
        Tensor t = Tensor::fromData({1, 1, 4}, {0.0f, 1.0f, 10.0f, 1000.0f});
        PreprocessSpec spec;
        spec.normalise = Normalisation::None;
        spec.stretch = StretchKind::Asinh;
        spec.softening = 2.0;
        const Tensor s = preprocess(t, spec);
        for (int i = 0; i < 4; ++i) QVERIFY(std::fabs(s[std::size_t(i)] - float(std::asinh(t[std::size_t(i)] / 2.0))) < 1e-6f);
        QVERIFY_THROWS_EXCEPTION(InputError, stretchKindFromString("cubic"));
    }

    void fullChainShape() {
        PreprocessSpec spec;
        spec.crop = 0.5;
        spec.imageSize = 32;
        spec.grey = true;
        spec.stretch = StretchKind::Asinh;
        const Tensor img = ramp(3, 100, 120);
        QCOMPARE(preprocess(img, spec).shape(), (std::vector<int>{1, 32, 32}));
        QCOMPARE(preprocessedShape({3, 100, 120}, spec), (Shape{1, 32, 32}));
        spec.crop = 40;
        spec.imageSize = 0;
        spec.grey = false;
        spec.channels = {1};
        QCOMPARE(preprocess(img, spec).shape(), (std::vector<int>{1, 40, 40}));
        QCOMPARE(preprocessedShape({3, 100, 120}, spec), (Shape{1, 40, 40}));
    }
};

QTEST_APPLESS_MAIN(TestPreprocess)
#include "tst_preprocess.moc"
