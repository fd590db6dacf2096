// Dice loss (finite differences, PyTorch), per-pixel BCE/MSE against PyTorch, segmentation
// metrics (Dice, IoU, pixel accuracy) through computeMetrics, and the B/T and Pearson helpers.
#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "decoder_reference.h"
#include "gradcheck.h"
#include "train/loss.h"
#include "train/metrics.h"
#include "train/segmentation.h"

using namespace deepfield;
using namespace deepfield::test;

class TestSegmentation : public QObject {
    Q_OBJECT
private slots:
    void diceLossValues() {
        DiceLoss loss;
        Tensor g;
        // Perfect prediction of a 4-pixel mask: (2·4 + 1)/(4 + 4 + 1) = 1 → loss 0.
        const Tensor t = Tensor::fromData({1, 1, 2, 4}, {1, 1, 0, 0, 1, 1, 0, 0});
        QCOMPARE(loss.compute(t, t, g), 0.0);
        // Everything wrong: (0 + 1)/(4 + 4 + 1) → 1 − 1/9.
        Tensor inv = t;
        for (std::size_t i = 0; i < inv.size(); ++i) inv[i] = 1 - t[i];
        QVERIFY(std::abs(loss.compute(inv, t, g) - (1 - 1.0 / 9)) < 1e-9);
        // Empty mask predicted empty is perfect; the mean runs over samples.
        Tensor two({2, 1, 2, 4});
        std::copy_n(t.data(), 8, two.sample(0));
        QVERIFY(std::abs(loss.compute(two, two, g)) < 1e-12);
        QCOMPARE(makeLoss("dice")->name(), std::string("dice"));
    }

    void diceLossGradient_data() {
        QTest::addColumn<QList<int>>("shape");
        QTest::newRow("1 channel") << QList<int>{3, 1, 4, 5};
        QTest::newRow("2 channels") << QList<int>{2, 2, 3, 3};
        QTest::newRow("flat") << QList<int>{4, 7};
    }
    void diceLossGradient() {
        QFETCH(QList<int>, shape);
        Rng rng(3);
        const std::vector<int> s(shape.begin(), shape.end());
        Tensor p = randomTensor(s, rng, 0.05f, 0.95f);
        Tensor t(s);
        for (std::size_t i = 0; i < t.size(); ++i) t[i] = rng.uniform(0, 1) > 0.6 ? 1.0f : 0.0f;
        DiceLoss loss;
        Tensor g, scratch;
        loss.compute(p, t, g);
        Tensor numeric(s);
        const float eps = 1e-3f;
        for (std::size_t i = 0; i < p.size(); ++i) {
            const float keep = p[i];
            p[i] = keep + eps;
            const double up = loss.compute(p, t, scratch);
            p[i] = keep - eps;
            const double down = loss.compute(p, t, scratch);
            p[i] = keep;
            numeric[i] = float((up - down) / (2 * eps));
        }
        QVERIFY2(relativeError(g, numeric) < 1e-3, std::to_string(relativeError(g, numeric)).c_str());
    }

    void lossesAgreeWithTorch_data() { addDecoderCaseRows("loss:"); }
    void lossesAgreeWithTorch() {
        QFETCH(QString, name);
        DecoderCase c(name.toStdString());
        const auto loss = makeLoss(c.spec["type"].get<std::string>().substr(5));
        Tensor grad;
        const double value = loss->compute(c.get("x0"), c.get("x1"), grad);
        const Tensor v = Tensor::fromData({1}, {float(value)});
        QString err = c.compare(v, "y", 1e-5);
        QVERIFY2(err.isEmpty(), qPrintable(err));
        err = c.compare(grad, "dx0", 1e-4);
        QVERIFY2(err.isEmpty(), qPrintable(err));
        QVERIFY2(c.unused().isEmpty(), qPrintable(c.unused().join(", ")));
    }
    void torchCoversTheLosses() { QVERIFY(decoderCases("loss:dice").size() >= 3); }

    // 8 pixels: TP 2, FP 1, FN 1, TN 4.
    void metricsFromCounts() {
        const Tensor pred = Tensor::fromData({2, 1, 1, 4}, {0.9f, 0.8f, 0.6f, 0.1f, 0.2f, 0.3f, 0.4f, 0.45f});
        const Tensor target = Tensor::fromData({2, 1, 1, 4}, {1, 1, 0, 0, 1, 0, 0, 0});
        const SegmentationCounts c = segmentationCounts(pred, target);
        QCOMPARE(c.tp, 2.0);
        QCOMPARE(c.fp, 1.0);
        QCOMPARE(c.fn, 1.0);
        QCOMPARE(c.tn, 4.0);
        const auto m = computeMetrics({"dice", "iou", "pixel_accuracy"}, pred, target, 0.5f);
        QCOMPARE(m.at("dice"), 4.0 / 6.0);
        QCOMPARE(m.at("iou"), 2.0 / 4.0);
        QCOMPARE(m.at("pixel_accuracy"), 6.0 / 8.0);
        // Threshold moves the decision (0.35 turns pixels 0.4 and 0.45 into foreground).
        QCOMPARE(computeMetrics({"dice"}, pred, target, 0.35f).at("dice"), 2.0 * 2 / (2.0 * 2 + 3 + 1));
        const auto per = dicePerImage(pred, target);
        QCOMPARE(per.size(), std::size_t(2));
        QCOMPARE(per[0], 4.0 / 5.0);
        QCOMPARE(per[1], 0.0);
        // Nothing to find and nothing found: perfect.
        QCOMPARE(segmentationCounts(Tensor({1, 4}, 0.1f), Tensor({1, 4}, 0.0f)).dice(), 1.0);
        QString what;
        try {
            computeMetrics({"f2"}, pred, target);
        } catch (const InputError& e) {
            what = e.what();
        }
        QVERIFY(what.contains("dice, iou or pixel_accuracy"));
    }

    void bulgeToTotalAndPearson() {
        // Two samples, C = 1: bulge plane then disk plane.
        const Tensor img = Tensor::fromData({2, 2, 1, 2}, {1, 1, 2, 4, 3, 0, 0, 1});
        const auto bt = firstHalfFluxRatio(img);
        QCOMPARE(bt[0], 2.0 / 8.0);
        QCOMPARE(bt[1], 3.0 / 4.0);
        QCOMPARE(pearson({1, 2, 3, 4}, {2, 4, 6, 8}), 1.0);
        QVERIFY(std::abs(pearson({1, 2, 3, 4}, {4, 3, 2, 1}) + 1.0) < 1e-12);
        QVERIFY(std::abs(pearson({1, 2, 3, NAN}, {1, 3, 2, 100}) - 0.5) < 1e-12);
        QVERIFY(std::isnan(pearson({1, 1}, {1, 2})));
        const auto mse = meanSquaredErrorPerSample(Tensor::fromData({2, 2}, {1, 2, 3, 4}),
                                                   Tensor::fromData({2, 2}, {1, 0, 0, 4}));
        QCOMPARE(mse[0], 2.0);
        QCOMPARE(mse[1], 4.5);
        QVERIFY_THROWS_EXCEPTION(ShapeError, firstHalfFluxRatio(Tensor({1, 3, 2, 2})));
    }
};

QTEST_APPLESS_MAIN(TestSegmentation)
#include "tst_segmentation.moc"
