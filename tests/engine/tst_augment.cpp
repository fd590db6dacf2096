#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "data/augment.h"
#include "data/sersic.h"

using namespace deepfield;

namespace {
Tensor randomImage(int c, int h, int w, std::uint64_t seed) {
    Rng rng(seed);
    Tensor t({c, h, w});
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = float(rng.normal());
    return t;
}
double total(const Tensor& t) {
    double s = 0;
    for (std::size_t i = 0; i < t.size(); ++i) s += t[i];
    return s;
}
Tensor galaxy() {
    Tensor t({2, 64, 64});
    addSersic(t.data(), 64, 64, SersicProfile{1.0, 5.0, 0.5, 0.4, 31.5, 31.5, 1000.0});
    addSersic(t.data() + 4096, 64, 64, SersicProfile{4.0, 3.0, 0.8, 0.4, 31.5, 31.5, 500.0});
    return t;
}
}  // namespace

class TestAugment : public QObject {
    Q_OBJECT
private slots:
    void rot90FourTimesIsIdentity() {
        const Tensor t = randomImage(3, 9, 9, 1);
        Tensor r = t;
        for (int k = 0; k < 4; ++k) r = rot90(r, 1);
        QCOMPARE(r.values(), t.values());
        QVERIFY(rot90(t, 1).values() != t.values());
        QCOMPARE(rot90(rot90(t, 1), 1).values(), rot90(t, 2).values());
        QCOMPARE(rot90(t, 3).values(), rot90(t, -1).values());
        // Counter-clockwise: the top-right corner moves to the top-left.
        QCOMPARE(rot90(t, 1)[0], t[8]);
    }

    void flipsAreInvolutions() {
        const Tensor t = randomImage(2, 7, 5, 2);
        QCOMPARE(flipHorizontal(flipHorizontal(t)).values(), t.values());
        QCOMPARE(flipVertical(flipVertical(t)).values(), t.values());
        QCOMPARE(flipHorizontal(t)[0], t[4]);
        QCOMPARE(flipVertical(t)[0], t[6 * 5]);
        // Two flips are a half turn.
        const Tensor sq = randomImage(1, 6, 6, 3);
        QCOMPARE(flipVertical(flipHorizontal(sq)).values(), rot90(sq, 2).values());
    }

    void rotationByZeroIsIdentity() {
        const Tensor t = randomImage(2, 16, 16, 4);
        QCOMPARE(affineImage(t, 0.0).values(), t.values());
        // 90° by interpolation agrees with the exact quarter turn.
        const Tensor r = affineImage(t, 90.0), q = rot90(t, 1);
        for (std::size_t i = 0; i < t.size(); ++i) QVERIFY(std::fabs(r[i] - q[i]) < 1e-4f);
    }

    void rotationKeepsFlux_data() {
        QTest::addColumn<double>("degrees");
        QTest::newRow("17") << 17.0;
        QTest::newRow("45") << 45.0;
        QTest::newRow("-123") << -123.0;
    }
    void rotationKeepsFlux() {
        QFETCH(double, degrees);
        const Tensor g = galaxy();
        const Tensor r = affineImage(g, degrees);
        QVERIFY2(std::fabs(total(r) / total(g) - 1.0) < 0.01, std::to_string(total(r) / total(g)).c_str());
        // Shifts and zoom: flux moves, zoom by s scales the sum by s^2.
        const Tensor z = affineImage(g, 0.0, 1.2);
        QVERIFY(std::fabs(total(z) / total(g) / 1.44 - 1.0) < 0.02);
        const Tensor s = affineImage(g, 0.0, 1.0, 3.0, -2.0);
        QVERIFY(std::fabs(s[std::size_t(33 * 64 + 34)] - g[std::size_t(35 * 64 + 31)]) < 1e-4f);
    }

    void noiseStatistics() {
        Tensor t({1, 100, 100});
        Rng rng(5);
        addGaussianNoise(t, 0.3, rng);
        double s = 0, s2 = 0;
        for (std::size_t i = 0; i < t.size(); ++i) s += t[i], s2 += double(t[i]) * t[i];
        QVERIFY(std::fabs(s / 1e4) < 0.01);
        QVERIFY(std::fabs(std::sqrt(s2 / 1e4) / 0.3 - 1.0) < 0.03);
        Tensor p({1, 100, 100}, 25.0f);
        addPoissonNoise(p, 2.0, rng);  // counts 50: mean 25, variance 50 / 4
        s = s2 = 0;
        for (std::size_t i = 0; i < p.size(); ++i) s += p[i], s2 += double(p[i]) * p[i];
        const double m = s / 1e4, v = s2 / 1e4 - m * m;
        QVERIFY(std::fabs(m - 25.0) < 0.1);
        QVERIFY2(std::fabs(v / 12.5 - 1.0) < 0.05, std::to_string(v).c_str());
    }

    void blurKeepsFlux() {
        Tensor g = galaxy();
        const double before = total(g);
        blurImage(g, 3.0);
        QVERIFY(std::fabs(total(g) / before - 1.0) < 0.01);
    }

    void parseNames() {
        const AugmentSpec s = parseAugmentations({"rot90", "flip", "rotate=30", "shift", "noise=0.05"});
        QVERIFY(s.rot90 && s.flip);
        QCOMPARE(s.rotate, 30.0);
        QCOMPARE(s.shift, 2.0);
        QCOMPARE(s.noise, 0.05);
        QCOMPARE(toString(s), std::string("rot90,flip,rotate=30,shift=2,noise=0.05"));
        QVERIFY_THROWS_EXCEPTION(InputError, parseAugmentations({"mirror"}));
        QVERIFY_THROWS_EXCEPTION(InputError, parseAugmentations({"rotate=-3"}));
    }

    void datasetIsReproducible() {
        // Sample i in epoch e gets the same transform in any batch; other epochs differ.
        Tensor x({6, 1, 8, 8}), y({6, 1, 8, 8});
        Rng rng(6);
        for (std::size_t i = 0; i < x.size(); ++i) x[i] = float(rng.normal()), y[i] = x[i];
        auto base = std::make_shared<TensorDataset>(x, y);
        AugmentedDataset aug(base, parseAugmentations({"rot90", "flip", "rotate=20", "noise=0.1"}), 9);
        Tensor a, ay, b, by;
        aug.beginEpoch(0);
        aug.batch({0, 1, 2, 3}, a, ay);
        aug.batch({3, 2}, b, by);
        const std::size_t n = 64;
        for (std::size_t i = 0; i < n; ++i) QCOMPARE(b[i], a[3 * n + i]);
        // The image target got the same geometry (no noise): it matches the noise-free transform.
        AugmentedDataset geometryOnly(base, parseAugmentations({"rot90", "flip", "rotate=20"}), 9);
        Tensor g, gy;
        geometryOnly.batch({3}, g, gy);
        for (std::size_t i = 0; i < n; ++i) QCOMPARE(by[i], g[i]);
        QVERIFY(std::vector<float>(a.data() + 3 * n, a.data() + 4 * n) != std::vector<float>(x.data() + 3 * n, x.data() + 4 * n));
        aug.beginEpoch(1);
        Tensor c, cy;
        aug.batch({3}, c, cy);
        QVERIFY(std::vector<float>(c.data(), c.data() + n) != std::vector<float>(b.data(), b.data() + n));
        aug.beginEpoch(0);
        aug.batch({3}, c, cy);
        QCOMPARE(std::vector<float>(c.data(), c.data() + n), std::vector<float>(b.data(), b.data() + n));
    }
};

QTEST_APPLESS_MAIN(TestAugment)
#include "tst_augment.moc"
