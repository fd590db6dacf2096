// Loss surface: the paths come from the engine's optimizers and descend; the least-squares
// minimum is where the loss is lowest; clicking moves the start.
#include <QtTest>

#include <cmath>

#include "loss_surface_view.h"

using deepfield::widgets::LossSurfaceView;

class TestLossSurfaceView : public QObject {
    Q_OBJECT
private slots:
    void pathsDescend() {
        LossSurfaceView v;
        v.resize(600, 600);
        const QPointF m = v.minimum();
        const double best = v.loss(m.x(), m.y());
        for (double da : {-0.05, 0.05})
            for (double db : {-0.05, 0.05}) QVERIFY(v.loss(m.x() + da, m.y() + db) > best);
        QCOMPARE(int(v.paths().size()), 5);
        QStringList names;
        for (const auto& p : v.paths()) {
            names << p.name;
            double prev = 1e30;
            int rises = 0;
            for (const QPointF& q : p.points) {
                const double l = v.loss(q.x(), q.y());
                if (l > prev) ++rises;
                prev = l;
            }
            QVERIFY(v.loss(p.points.back().x(), p.points.back().y()) < 0.2 * v.loss(v.start().x(), v.start().y()));
            if (p.name == "SGD") QCOMPARE(rises, 0);  // full-batch SGD with a small step never climbs
        }
        QCOMPARE(names, QStringList({"SGD", "momentum 0.9", "RMSprop", "Adagrad", "Adam"}));
        v.setSteps(10);
        QCOMPARE(int(v.paths()[0].points.size()), 11);
        v.setStart(3.0, -3.0);
        QCOMPARE(v.paths()[0].points.front(), QPointF(3.0, -3.0));
        v.setMode("batch");
        QCOMPARE(int(v.paths().size()), 3);
        v.reset();
        QCOMPARE(v.start(), QPointF(-1.5, 2.6));
        QVERIFY(!v.grab().isNull());
    }
};

QTEST_MAIN(TestLossSurfaceView)
#include "tst_loss_surface_view.moc"
