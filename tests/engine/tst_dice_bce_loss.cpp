// The "dice_bce" segmentation loss: soft Dice + w · per-pixel BCE with a foreground weight a.
// Values by hand, gradient by central differences, options and their errors.
#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "gradcheck.h"
#include "train/loss.h"
#include "train/segmentation.h"

using namespace deepfield;
using namespace deepfield::test;

class TestDiceBceLoss : public QObject {
    Q_OBJECT
private slots:
    void valueIsDicePlusWeightedBce() {
        // One sample of 2 pixels: p = (0.8, 0.3), t = (1, 0).
        const Tensor p = Tensor::fromData({1, 1, 1, 2}, {0.8f, 0.3f}), t = Tensor::fromData({1, 1, 1, 2}, {1, 0});
        Tensor g;
        const double dice = 1 - (2 * 0.8 + 1) / (0.8 + 0.3 + 1 + 1);
        const double bce1 = -(std::log(0.8) + std::log(0.7)) / 2, bce3 = -(3 * std::log(0.8) + std::log(0.7)) / 2;
        QVERIFY(std::abs(makeLoss("dice_bce")->compute(p, t, g) - (dice + bce1)) < 1e-6);
        const auto weighted = makeLoss("dice_bce", Json{{"pos_weight", 3.0}, {"bce_weight", 0.5}});
        QVERIFY(std::abs(weighted->compute(p, t, g) - (dice + 0.5 * bce3)) < 1e-6);
        QCOMPARE(weighted->name(), std::string("dice_bce"));
        // Dice alone is what remains of the sum with the BCE term subtracted.
        Tensor gd;
        QVERIFY(std::abs(DiceLoss().compute(p, t, gd) - dice) < 1e-6);
    }

    void gradientMatchesFiniteDifferences_data() {
        QTest::addColumn<QList<int>>("shape");
        QTest::addColumn<double>("posWeight");
        QTest::addColumn<double>("bceWeight");
        QTest::newRow("plain") << QList<int>{3, 1, 4, 5} << 1.0 << 1.0;
        QTest::newRow("pos 5") << QList<int>{2, 1, 6, 6} << 5.0 << 1.0;
        QTest::newRow("2 channels, w 0.3") << QList<int>{2, 2, 3, 3} << 2.0 << 0.3;
    }
    void gradientMatchesFiniteDifferences() {
        QFETCH(QList<int>, shape);
        QFETCH(double, posWeight);
        QFETCH(double, bceWeight);
        Rng rng(7);
        const std::vector<int> s(shape.begin(), shape.end());
        Tensor p = randomTensor(s, rng, 0.05f, 0.95f);
        Tensor t(s);
        for (std::size_t i = 0; i < t.size(); ++i) t[i] = rng.uniform(0, 1) > 0.7 ? 1.0f : 0.0f;
        const auto loss = makeLoss("dice_bce", Json{{"pos_weight", posWeight}, {"bce_weight", bceWeight}});
        Tensor g, scratch;
        loss->compute(p, t, g);
        Tensor numeric(s);
        const float eps = 1e-3f;
        for (std::size_t i = 0; i < p.size(); ++i) {
            const float keep = p[i];
            p[i] = keep + eps;
            const double up = loss->compute(p, t, scratch);
            p[i] = keep - eps;
            const double down = loss->compute(p, t, scratch);
            p[i] = keep;
            numeric[i] = float((up - down) / (2 * eps));
        }
        const double err = relativeError(g, numeric);
        QVERIFY2(err < 1e-3, std::to_string(err).c_str());
        // The foreground weight matters: the gradient differs from the unweighted loss's on mask pixels.
        if (posWeight != 1.0) {
            Tensor g1;
            makeLoss("dice_bce", Json{{"bce_weight", bceWeight}})->compute(p, t, g1);
            QVERIFY(relativeError(g, g1) > 0.05);
        }
    }

    void rejectsBadOptions() {
        try {
            makeLoss("dice_bce", Json{{"pos_weight", -1.0}});
            QFAIL("a negative pos_weight was accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("pos_weight"), e.what());
        }
        try {
            makeLoss("dice_bcee");
            QFAIL("an unknown loss was accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("dice_bce"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestDiceBceLoss)
#include "tst_dice_bce_loss.moc"
