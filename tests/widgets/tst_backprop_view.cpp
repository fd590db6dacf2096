// Backpropagation step by step: the worked example's numbers, stage order, reset.
#include <QtTest>

#include <QPushButton>
#include <cmath>

#include "backprop_view.h"

using deepfield::widgets::BackpropView;

class TestBackpropView : public QObject {
    Q_OBJECT
private slots:
    void workedExampleByButtons() {
        BackpropView v;
        v.resize(800, 500);
        auto button = [&](const QString& text) {
            for (auto* b : v.findChildren<QPushButton*>())
                if (b->text().contains(text)) return b;
            return static_cast<QPushButton*>(nullptr);
        };
        QVERIFY(std::isnan(v.loss()));
        QVERIFY(!button("Backward")->isEnabled());
        button("Forward")->click();
        QCOMPARE(v.stage(), BackpropView::Stage::Forwarded);
        QVERIFY(std::abs(v.loss() - 0.298371109) < 1e-7);
        QVERIFY(std::abs(v.hiddenOutput(1) - 0.596884378) < 1e-6);
        QVERIFY(std::isnan(v.weightGradient(5)));  // not yet
        button("Backward")->click();
        QVERIFY(std::abs(v.weightGradient(5) - 0.082167041) < 1e-6);
        QVERIFY(std::abs(v.weightGradient(6) - 0.082667628) < 1e-6);
        QVERIFY(std::abs(v.weightGradient(7) - -0.022602540) < 1e-6);
        QVERIFY(std::abs(v.weightGradient(1) - 0.000438568) < 1e-6);
        // Hidden δ = (Σ δ_o w) · out(1 − out): δ_h1 = 0.036350306 · 0.241300709.
        QVERIFY(std::abs(v.hiddenDelta(0) - 0.036350306 * 0.241300709) < 1e-6);
        button("Update")->click();
        const double want[] = {0.149780716, 0.19956143, 0.24975114, 0.29950229,
                               0.35891648,  0.408666186, 0.511301270, 0.561370121};
        for (int i = 1; i <= 8; ++i)
            QVERIFY2(std::abs(v.weight(i) - want[i - 1]) < 1e-6, qPrintable(QString("w%1 = %2").arg(i).arg(v.weight(i), 0, 'g', 10)));
        QVERIFY(!v.update());  // one update per backward
        QVERIFY(v.forward());
        QVERIFY(v.loss() < 0.298371109);
        button("Reset")->click();
        QCOMPARE(v.stage(), BackpropView::Stage::Ready);
        QVERIFY(std::abs(v.weight(1) - 0.15) < 1e-7);
        QVERIFY(std::abs(v.bias(false) - 0.60) < 1e-7);
        QVERIFY(!v.grab().isNull());
    }
};

QTEST_MAIN(TestBackpropView)
#include "tst_backprop_view.moc"
