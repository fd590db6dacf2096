// Metrics: accuracy (argmax, thresholded, per pixel), confusion matrix, MAE/RMSE and the
// photometric-redshift NMAD and outlier fraction, checked against values worked by hand.
#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "train/metrics.h"

using namespace deepfield;

class TestMetrics : public QObject {
    Q_OBJECT
private slots:
    void argmaxAccuracy() {
        const Tensor p = Tensor::fromData({4, 3}, {0.1f, 0.7f, 0.2f,  //
                                                   2.0f, 1.0f, 0.0f,  //
                                                   0.0f, 0.0f, 5.0f,  //
                                                   0.3f, 0.3f, 0.4f});
        const Tensor t = Tensor::fromData({4, 1}, {1, 0, 1, 2});
        QCOMPARE(accuracy(p, t), 0.75);
        const auto m = confusionMatrix(p, t, 3);
        QCOMPARE(m[1][1], 1);
        QCOMPARE(m[1][2], 1);  // true 1 predicted 2
        QCOMPARE(m[0][0], 1);
        QCOMPARE(m[2][2], 1);
        int total = 0;
        for (const auto& row : m)
            for (int c : row) total += c;
        QCOMPARE(total, 4);
    }

    void thresholdedAccuracy() {
        const Tensor p = Tensor::fromData({4, 1}, {0.2f, 0.6f, 0.9f, 0.4f});
        const Tensor t = Tensor::fromData({4, 1}, {0, 1, 0, 0});
        QCOMPARE(accuracy(p, t, 0.5f), 0.75);
        QCOMPARE(accuracy(p, t, 0.95f), 0.75);  // all predicted 0: 3 of 4
        QCOMPARE(accuracy(p, t, 0.1f), 0.25);   // all predicted 1
        // Multi-label: every score against its own label.
        const Tensor p2 = Tensor::fromData({2, 2}, {0.9f, 0.1f, 0.8f, 0.7f});
        const Tensor t2 = Tensor::fromData({2, 2}, {1, 0, 0, 1});
        QCOMPARE(accuracy(p2, t2), 0.75);
    }

    void perPixelAccuracy() {
        // (N=1, K=2, H=1, W=3) scores and (1, 1, 1, 3) labels.
        const Tensor p = Tensor::fromData({1, 2, 1, 3}, {1, 0, 0,  // class 0 scores
                                                         0, 1, 2});  // class 1 scores
        const Tensor t = Tensor::fromData({1, 1, 1, 3}, {0, 1, 0});
        QCOMPARE(accuracy(p, t), 2.0 / 3.0);
        const auto m = confusionMatrix(p, t, 2);
        QCOMPARE(m[0][0], 1);
        QCOMPARE(m[0][1], 1);
        QCOMPARE(m[1][1], 1);
    }

    void shapeErrors() {
        try {
            accuracy(Tensor({4, 3}), Tensor({4, 2}));
            QFAIL("no error");
        } catch (const ShapeError& e) {
            QVERIFY2(QString(e.what()).contains("predictions (4, 3) do not fit labels (4, 2)"), e.what());
        }
        try {
            accuracy(Tensor({4, 3}), Tensor({5, 1}));
            QFAIL("no error");
        } catch (const ShapeError& e) {
            QVERIFY(QString(e.what()).contains("4 predictions for 5 targets"));
        }
        QVERIFY(std::isnan(accuracy(Tensor({0, 3}), Tensor({0, 1}))));
    }

    void regressionMetrics() {
        const Tensor p = Tensor::fromData({4, 1}, {1, 2, 3, 4});
        const Tensor t = Tensor::fromData({4, 1}, {1, 1, 5, 4});
        QCOMPARE(meanAbsoluteError(p, t), 0.75);           // (0 + 1 + 2 + 0) / 4
        QCOMPARE(rootMeanSquaredError(p, t), std::sqrt(5.0 / 4.0));
        QVERIFY_THROWS_EXCEPTION(ShapeError, meanAbsoluteError(p, Tensor({3, 1})));
    }

    void redshiftMetrics() {
        // Δz = (p − t)/(1 + t) = {0, 0.1, −0.2, 0.05, 0.5}
        const Tensor t = Tensor::fromData({5, 1}, {0, 1, 0.5f, 1, 0});
        const Tensor p = Tensor::fromData({5, 1}, {0, 1.2f, 0.2f, 1.1f, 0.5f});
        // median 0.05; |Δz − 0.05| = {0.05, 0.05, 0.25, 0, 0.45}; median 0.05 → 1.4826·0.05
        QVERIFY(std::abs(nmad(p, t) - 1.4826 * 0.05) < 1e-6);
        QCOMPARE(outlierFraction(p, t), 0.4);  // |Δz| > 0.15: −0.2 and 0.5
        QCOMPARE(outlierFraction(p, t, 0.3), 0.2);
        const auto all = computeMetrics({"mae", "rmse", "nmad", "outlier_fraction"}, p, t);
        QCOMPARE(all.size(), std::size_t(4));
        QCOMPARE(all.at("outlier_fraction"), 0.4);
        try {
            computeMetrics({"f1"}, p, t);
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY(QString(e.what()).contains("unknown metric 'f1'"));
        }
    }
};

QTEST_APPLESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
