// LatentScatter (offscreen): one point per image split over per-class graphs, a colour bar for
// numeric labels, the nearest point under the mouse, clicks in empty space, dragging the probe,
// σ ellipses, decoded tiles and PNG/SVG export; the replot time of 5,000 points is reported.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <qcustomplot.h>

#include <cmath>
#include <random>

#include "latent_scatter.h"

using deepfield::widgets::LatentScatter;
using deepfield::widgets::LatentTile;

namespace {
int graphPoints(QCustomPlot* p, bool excludeSelection = true) {
    int n = 0;
    for (int g = 0; g < p->graphCount(); ++g) {
        if (excludeSelection && p->graph(g)->layer()->name() == "probe") continue;
        n += p->graph(g)->dataCount();
    }
    return n;
}

void sendMouse(QWidget* w, QEvent::Type type, const QPointF& pos, Qt::MouseButtons buttons) {
    QMouseEvent e(type, pos, w->mapToGlobal(pos), type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton, buttons,
                  Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}
}  // namespace

class TestLatentScatter : public QObject {
    Q_OBJECT
private slots:
    void onePointPerImageAndReplotTime() {
        LatentScatter s;
        s.resize(900, 700);
        s.show();
        std::mt19937 rng(5);
        std::normal_distribution<double> g;
        const int n = 5000;
        QVector<double> x(n), y(n);
        std::vector<int> cls(n);
        for (int i = 0; i < n; ++i) {
            cls[std::size_t(i)] = i % 4;
            x[i] = g(rng) + 2.0 * (i % 4);
            y[i] = g(rng);
        }
        s.setPoints(x, y);
        s.setClassColouring(cls, {"elliptical", "spiral", "edge-on", "irregular"});
        s.rescaleToPoints();
        QCOMPARE(s.pointCount(), n);
        QCOMPARE(graphPoints(s.plot()), n);
        QCOMPARE(s.legendItemCount(), 4);
        QVERIFY(!s.hasColourBar());
        double best = 1e9;
        for (int k = 0; k < 3; ++k) best = std::min(best, s.replotTimed());
        qInfo("replot of %d points by class: %.1f ms", n, best);
        if (qEnvironmentVariableIsSet("DEEPFIELD_SCREENSHOT_DIR"))
            s.savePng(qEnvironmentVariable("DEEPFIELD_SCREENSHOT_DIR") + "/latent-scatter-5000.png");

        std::vector<double> values(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) values[std::size_t(i)] = i % 3 == 0 ? std::nan("") : x[i] * y[i];
        s.setValueColouring(values, "B/T");
        QVERIFY(s.hasColourBar());
        QCOMPARE(s.legendItemCount(), 0);
        QCOMPARE(graphPoints(s.plot()), n);  // NaN values stay, in grey
        best = 1e9;
        for (int k = 0; k < 3; ++k) best = std::min(best, s.replotTimed());
        qInfo("replot of %d points on a colour bar: %.1f ms", n, best);
        s.setClassColouring(cls, {"a", "b", "c", "d"});
        QVERIFY(!s.hasColourBar());
    }

    void hoverFindsNearestAndClickEmitsPlane() {
        LatentScatter s;
        s.resize(600, 500);
        s.show();
        QVector<double> x{0, 1, 2, 3, 0.5}, y{0, 1, 0, 1, 0.52};
        s.setPoints(x, y);
        s.rescaleToPoints();
        QSignalSpy hover(&s, &LatentScatter::pointHovered);
        for (int target = 0; target < x.size(); ++target) {
            const QPointF px = s.plotToPixel({x[target], y[target]}) + QPointF(1.5, -1.0);
            int expected = -1;
            double bestD = 1e18;
            for (int i = 0; i < x.size(); ++i) {
                const QPointF q = s.plotToPixel({x[i], y[i]});
                const double d = std::hypot(q.x() - px.x(), q.y() - px.y());
                if (d < bestD) bestD = d, expected = i;
            }
            QCOMPARE(s.nearestPoint(px), expected);
            sendMouse(s.plot(), QEvent::MouseMove, px, Qt::NoButton);
            QVERIFY(!hover.isEmpty());
            QCOMPARE(hover.last().at(0).toInt(), expected);
        }
        // Empty space: no point near, a click still reports the plane position.
        const QPointF empty = s.plotToPixel({2.5, 0.25});
        QCOMPARE(s.nearestPoint(empty), -1);
        QSignalSpy click(&s, &LatentScatter::clicked);
        sendMouse(s.plot(), QEvent::MouseButtonPress, empty, Qt::LeftButton);
        sendMouse(s.plot(), QEvent::MouseButtonRelease, empty, Qt::NoButton);
        QCOMPARE(click.size(), 1);
        const QPointF v = click.last().at(0).toPointF();
        QVERIFY(std::abs(v.x() - 2.5) < 0.02 && std::abs(v.y() - 0.25) < 0.02);
        QCOMPARE(click.last().at(1).toInt(), -1);
        QVERIFY(s.hasProbe());

        // Dragging the probe reports positions along the way; the view does not pan.
        const QCPRange before = s.plot()->xAxis->range();
        QSignalSpy drag(&s, &LatentScatter::probeDragged);
        const QPointF start = s.plotToPixel(s.probe());
        sendMouse(s.plot(), QEvent::MouseButtonPress, start, Qt::LeftButton);
        for (int k = 1; k <= 5; ++k) sendMouse(s.plot(), QEvent::MouseMove, start + QPointF(10 * k, 0), Qt::LeftButton);
        sendMouse(s.plot(), QEvent::MouseButtonRelease, start + QPointF(50, 0), Qt::NoButton);
        QCOMPARE(drag.size(), 5);
        QVERIFY(drag.last().at(0).toPointF().x() > 2.5 + 0.05);
        QCOMPARE(s.plot()->xAxis->range().lower, before.lower);
    }

    void selectionTilesAndExport() {
        LatentScatter s;
        s.resize(600, 500);
        QVector<double> x{0, 1, 2}, y{0, 1, 0};
        s.setPoints(x, y);
        s.rescaleToPoints();
        s.setSelection({0, 2}, {QPointF(0.2, 0.1), QPointF(0.3, 0.3)});
        QCOMPARE(s.selection(), QVector<int>({0, 2}));
        QCOMPARE(s.ellipseCount(), 2);
        s.setSelection({1});
        QCOMPARE(s.ellipseCount(), 0);
        QPixmap pm(8, 8);
        pm.fill(Qt::red);
        std::vector<LatentTile> tiles;
        for (int i = 0; i < 9; ++i) tiles.push_back({QRectF(i % 3, i / 3, 0.9, 0.9), pm});
        s.setTiles(tiles);
        QCOMPARE(s.tileCount(), 9);
        s.setTiles({});
        QCOMPARE(s.tileCount(), 0);
        QTemporaryDir dir;
        QVERIFY(s.savePng(dir.filePath("a.png")));
        QVERIFY(s.saveSvg(dir.filePath("a.svg")));
        QVERIFY(QFileInfo(dir.filePath("a.png")).size() > 1000);
        QFile svg(dir.filePath("a.svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QVERIFY(svg.readAll().contains("<svg"));
    }
};

QTEST_MAIN(TestLatentScatter)
#include "tst_latent_scatter.moc"
