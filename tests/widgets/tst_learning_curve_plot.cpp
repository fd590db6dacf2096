#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <qcustomplot.h>

#include "learning_curve_plot.h"

using deepfield::widgets::LearningCurvePlot;

class TestLearningCurvePlot : public QObject {
    Q_OBJECT
private slots:
    void appendsAndExports() {
        LearningCurvePlot plot;
        plot.resize(800, 500);
        plot.setMetricName("accuracy");
        QVector<double> x, l;
        for (int i = 1; i <= 100; ++i) {
            x << i / 50.0;
            l << 2.0 / i;
        }
        plot.appendBatchLosses(x, l);
        plot.appendEpoch(1, 0.9, 1.0, 0.5, 0.45);
        plot.appendEpoch(2, 0.5, 0.7, 0.8, 0.7);
        QCOMPARE(plot.batchPointCount(), 100);
        QCOMPARE(plot.epochCount(), 2);

        const QString csv = plot.toCsv();
        QVERIFY(csv.startsWith("epoch,train_loss,val_loss,train_accuracy,val_accuracy\n1,0.9,1,0.5,0.45\n2,0.5,0.7,0.8,0.7\n"));
        QTemporaryDir dir;
        for (const char* ext : {"png", "svg", "pdf", "csv"}) {
            const QString p = dir.filePath(QString("curves.") + ext);
            QVERIFY2(plot.exportTo(p), ext);
            QVERIFY(QFileInfo(p).size() > 100);
        }
        QVERIFY(!plot.exportTo(dir.filePath("curves.xyz")));

        plot.keepAsGhost();  // the run stays in grey, a new one starts
        QCOMPARE(plot.epochCount(), 0);
        QCOMPARE(plot.batchPointCount(), 0);
        QCOMPARE(plot.plot()->graphCount(), 7);
        plot.clearGhosts();
        QCOMPARE(plot.plot()->graphCount(), 5);
    }

    // Smoothing is an exponential moving average of the batch losses.
    void smoothing() {
        LearningCurvePlot plot;
        plot.setSmoothing(0.5);
        plot.appendBatchLosses({0.1, 0.2, 0.3}, {4.0, 0.0, 2.0});
        auto* g = plot.plot()->graph(0);
        QCOMPARE(g->data()->size(), 3);
        QCOMPARE((g->data()->constBegin() + 1)->value, 2.0);  // 0.5·4 + 0.5·0
        QCOMPARE((g->data()->constBegin() + 2)->value, 2.0);  // 0.5·2 + 0.5·2
        plot.setSmoothing(0.0);
        QCOMPARE((g->data()->constBegin() + 1)->value, 0.0);
    }

    // A 100,000-point curve: all points kept, drawn with adaptive sampling; the redraw time is reported.
    void manyPoints() {
        LearningCurvePlot plot;
        plot.resize(1000, 600);
        plot.show();
        QVector<double> x(100000), l(100000);
        for (int i = 0; i < x.size(); ++i) {
            x[i] = i / 1000.0;
            l[i] = 1.0 / (1 + i * 0.001) + 0.05 * std::sin(i);
        }
        plot.appendBatchLosses(x, l);
        QElapsedTimer t;
        t.start();
        plot.plot()->replot(QCustomPlot::rpImmediateRefresh);
        const qint64 ms = t.elapsed();
        qInfo("replot of 100,000 points: %lld ms", ms);  // reported; benchmarks judge speed
        // Every point is kept (exports and read-outs see them all); drawing samples them adaptively.
        QCOMPARE(plot.batchPointCount(), 100000);
        QCOMPARE(plot.plot()->graph(0)->data()->size(), 100000);
        QVERIFY(plot.plot()->graph(0)->adaptiveSampling());
    }
};

QTEST_MAIN(TestLearningCurvePlot)
#include "tst_learning_curve_plot.moc"
