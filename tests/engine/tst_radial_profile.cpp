// Mean radial light profiles (engine/generative/radial_profile): annulus means, the half-light
// radius of a Gaussian, averaging over images and channels, and the profile comparison that
// the GAN demonstration uses (max |generated / training − 1| inside 2 Re).
#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "generative/radial_profile.h"

using namespace deepfield;

namespace {
// A circular Gaussian of width sigma at the stamp centre, amplitude a, on every channel.
void gaussian(Tensor& images, int sample, double sigma, double a) {
    const int channels = images.dim(1), h = images.dim(2), w = images.dim(3);
    const double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
    for (int c = 0; c < channels; ++c)
        for (int i = 0; i < h; ++i)
            for (int j = 0; j < w; ++j)
                images.sample(sample)[(std::size_t(c) * h + i) * w + j] =
                    float(a * std::exp(-0.5 * ((j - cx) * (j - cx) + (i - cy) * (i - cy)) / (sigma * sigma)));
}
}  // namespace

class TestRadialProfile : public QObject {
    Q_OBJECT
private slots:
    void annuliOfAConstantImage() {
        Tensor t({1, 1, 10, 10});
        t.fill(2.0f);
        const RadialProfile p = meanRadialProfile(t);
        QCOMPARE(int(p.intensity.size()), 5);
        int pixels = 0;
        for (std::size_t k = 0; k < p.intensity.size(); ++k) {
            QCOMPARE(p.intensity[k], 2.0);
            QVERIFY(p.radius[k] >= double(k) && p.radius[k] < double(k + 1));
            pixels += p.pixels[k];
        }
        // every pixel centre closer than 5 px to (4.5, 4.5): 4 in the first annulus, none of the corners
        QCOMPARE(p.pixels[0], 4);
        QVERIFY(pixels < 100 && pixels > 70);
    }

    void halfLightRadiusOfAGaussian_data() {
        QTest::addColumn<double>("sigma");
        QTest::newRow("sigma 2") << 2.0;
        QTest::newRow("sigma 3") << 3.0;
        QTest::newRow("sigma 5") << 5.0;
    }
    void halfLightRadiusOfAGaussian() {
        QFETCH(double, sigma);
        Tensor t({1, 1, 64, 64});
        gaussian(t, 0, sigma, 1.0);
        const double re = halfLightRadius(meanRadialProfile(t));
        const double want = sigma * std::sqrt(2.0 * std::log(2.0));  // the 2-D Gaussian's half-light radius
        QVERIFY2(std::abs(re - want) < 0.06 * want, qPrintable(QString("Re %1, want %2").arg(re).arg(want)));
    }

    void meanOverImagesAndChannels() {
        Tensor two({2, 3, 16, 16});
        gaussian(two, 0, 2.0, 1.0);
        gaussian(two, 1, 2.0, 3.0);
        Tensor one({1, 1, 16, 16});
        gaussian(one, 0, 2.0, 2.0);
        const RadialProfile a = meanRadialProfile(two), b = meanRadialProfile(one);
        for (std::size_t k = 0; k < a.intensity.size(); ++k) QVERIFY(std::abs(a.intensity[k] - b.intensity[k]) < 1e-6 * (1 + b.intensity[k]));
    }

    void comparison_data() {
        QTest::addColumn<double>("scale");
        QTest::addColumn<double>("sigma");
        QTest::addColumn<bool>("within20");
        QTest::newRow("identical") << 1.0 << 3.0 << true;
        QTest::newRow("15 % brighter") << 1.15 << 3.0 << true;
        QTest::newRow("30 % fainter") << 0.7 << 3.0 << false;
        QTest::newRow("wider") << 1.0 << 4.0 << false;
    }
    void comparison() {
        QFETCH(double, scale);
        QFETCH(double, sigma);
        QFETCH(bool, within20);
        Tensor ref({1, 1, 32, 32}), cand({1, 1, 32, 32});
        gaussian(ref, 0, 3.0, 1.0);
        gaussian(cand, 0, sigma, scale);
        const ProfileComparison c = compareProfiles(meanRadialProfile(ref), meanRadialProfile(cand), 2.0);
        QVERIFY(std::abs(c.re - 3.0 * std::sqrt(2.0 * std::log(2.0))) < 0.2);
        QCOMPARE(c.maxRadius, 2.0 * c.re);
        if (sigma == 3.0) QVERIFY(std::abs(c.maxRelativeDifference - std::abs(scale - 1.0)) < 1e-6);
        QCOMPARE(c.maxRelativeDifference <= 0.2, within20);
        QVERIFY(c.worstRadius <= c.maxRadius);
    }

    void differentSizesAreAnError() {
        Tensor a({1, 1, 16, 16}), b({1, 1, 32, 32});
        a.fill(1.0f);
        b.fill(1.0f);
        try {
            compareProfiles(meanRadialProfile(a), meanRadialProfile(b));
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY(QString(e.what()).contains("same size"));
        }
        QVERIFY_THROWS_EXCEPTION(ShapeError, meanRadialProfile(Tensor({16, 16})));
    }
};

QTEST_APPLESS_MAIN(TestRadialProfile)
#include "tst_radial_profile.moc"
