// Image view on the real FITS files: pixel read-out equals the engine's (and astropy's) pixel,
// RA/Dec under the cursor equals the WCS (astropy reference), stretches change the picture,
// blank pixels get their own colour, zoom and pan keep the geometry right, 4096² renders fast.
// Also the header table, the histogram and the off-thread thumbnail model.
#include <QComboBox>
#include <QElapsedTimer>
#include <QTableWidget>
#include <QSignalSpy>
#include <QTimer>
#include <QFileInfo>
#include <QtTest>
#include <cmath>
#include <fstream>
#include <random>
#include <thread>

#include "core/json.h"
#include "data/colormap.h"
#include "data/fits.h"
#include "data/stretch.h"
#include "data/wcs.h"
#include "header_table.h"
#include "histogram_view.h"
#include "image_controls.h"
#include "image_view.h"
#include "thumbnail_grid.h"

using namespace deepfield;
using namespace deepfield::widgets;

namespace {
// Source-relative paths: the widget tests get no data macros from CMake.
QString sharedData(const QString& rel) {
    return QFileInfo(QString(__FILE__)).absolutePath() + "/../../resources/data/" + rel;
}
QString testData(const QString& rel) { return QFileInfo(QString(__FILE__)).absolutePath() + "/../data/" + rel; }

Json astropyReference() {
    std::ifstream in(testData("astropy_fits.json").toStdString());
    return Json::parse(in);
}

Json realEntry(const std::string& file) {
    const Json all = astropyReference();
    for (const Json& e : all["real"])
        if (e["file"] == file) return e;
    return {};
}

struct Loaded {
    std::shared_ptr<const Image> image;
    std::shared_ptr<const Wcs> wcs;
    std::vector<FitsCard> cards;
};

Loaded loadFits(const QString& name) {
    FitsReadOptions o;
    o.cube = FitsCubeMode::Channels;
    FitsImage f = readFits(sharedData("fits/" + name).toStdString(), o);
    Loaded l;
    l.image = std::make_shared<Image>(std::move(f.image));
    if (auto w = Wcs::fromHeader(f.headerText)) l.wcs = std::make_shared<const Wcs>(std::move(*w));
    l.cards = f.cards;
    return l;
}

QPointF centreOf(const ImageView& v, int col, int row) { return v.imageToWidget(QPointF(col + 0.5, row + 0.5)); }
}  // namespace

class TestImageView : public QObject {
    Q_OBJECT
private slots:
    void pixelUnderCursor_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("col");
        QTest::addColumn<int>("row");
        for (const char* f : {"m51_spitzer_irac1_sipsample.fits", "m51_kpno_B_iraf_devpix.fits", "sa110_cfht_megaprime_g_tan.fits"})
            for (auto [c, r] : std::vector<std::pair<int, int>>{{0, 0}, {7, 3}, {40, 90}, {99, 100}})
                QTest::newRow(QString("%1 (%2,%3)").arg(f).arg(c).arg(r).toUtf8()) << QString(f) << c << r;
    }
    void pixelUnderCursor() {
        QFETCH(QString, file);
        QFETCH(int, col);
        QFETCH(int, row);
        const Loaded l = loadFits(file);
        ImageView v;
        v.resize(640, 480);
        v.setImage(l.image, l.wcs);
        v.fitToWindow();
        const PixelReadout r = v.readoutAt(centreOf(v, col, row));
        QVERIFY(r.inside);
        QCOMPARE(r.column, col);
        QCOMPARE(r.row, row);
        QCOMPARE(r.x, col + 1.0);  // FITS: 1-based
        QCOMPARE(r.y, row + 1.0);
        const float engine = l.image->pixels[std::size_t(row) * l.image->width() + std::size_t(col)];
        QCOMPARE(int(r.values.size()), 1);
        if (std::isnan(engine)) QVERIFY(std::isnan(r.values[0]));
        else QCOMPARE(r.values[0], engine);
        // North up: the first stored row (FITS y = 1) is drawn at the bottom.
        QVERIFY(centreOf(v, col, 0).y() > centreOf(v, col, l.image->height() - 1).y());
    }

    void pixelEqualsAstropy() {
        // astropy's data[y, x] for the Spitzer file, under the cursor.
        const Json ref = realEntry("m51_spitzer_irac1_sipsample.fits");
        QVERIFY(!ref.empty());
        const Loaded l = loadFits("m51_spitzer_irac1_sipsample.fits");
        ImageView v;
        v.resize(700, 700);
        v.setImage(l.image, l.wcs);
        for (const Json& p : ref["pixels"]) {
            const int y = p[0], x = p[1];
            const PixelReadout r = v.readoutAt(centreOf(v, x, y));
            QVERIFY(r.inside);
            QCOMPARE(double(r.values[0]), p[2].get<double>());
        }
    }

    void skyCoordinatesSip() {
        const Json ref = realEntry("m51_spitzer_irac1_sipsample.fits");
        const Loaded l = loadFits("m51_spitzer_irac1_sipsample.fits");
        QVERIFY(l.wcs);
        ImageView v;
        v.resize(600, 600);
        v.setImage(l.image, l.wcs);
        v.setZoom(3.0, QPointF(100, 100));  // any view: the read-out follows the geometry
        int checked = 0;
        for (const Json& p : ref["wcs"]["points"]) {
            const double x = p[0], y = p[1];
            if (std::floor(x) != x || std::floor(y) != y) continue;  // pixel centres only
            v.setOffset(QPointF(300, 300) - QPointF((x - 1 + 0.5) * v.zoom(), (l.image->height() - (y - 1) - 0.5) * v.zoom()));
            const PixelReadout r = v.readoutAt(QPointF(300, 300));
            QVERIFY(r.inside);
            QCOMPARE(r.x, x);
            QCOMPARE(r.y, y);
            QVERIFY(r.hasSky);
            const double ra = p[2], dec = p[3];
            QVERIFY2(std::abs(r.sky.ra - ra) < 1e-7 && std::abs(r.sky.dec - dec) < 1e-7,
                     qPrintable(QString("%1 %2 vs astropy %3 %4").arg(r.sky.ra, 0, 'f', 9).arg(r.sky.dec, 0, 'f', 9).arg(ra).arg(dec)));
            QVERIFY2(r.text.contains("RA " + formatRa(ra)) && r.text.contains("Dec " + formatDec(dec)), qPrintable(r.text));
            QVERIFY(r.text.contains(QString::number(ra, 'f', 6)));
            ++checked;
        }
        QCOMPARE(checked, 4);
        // The engine's WCS at a pixel off the reference list agrees too.
        const PixelReadout r = v.readoutAt(v.imageToWidget(QPointF(37.5, 201.5)));
        const SkyCoord s = l.wcs->pixelToSky(38, 202);
        QCOMPARE(r.sky.ra, s.ra);
        QCOMPARE(r.sky.dec, s.dec);
    }

    void sexagesimal_data() {
        QTest::addColumn<double>("ra");
        QTest::addColumn<double>("dec");
        QTest::addColumn<QString>("raText");
        QTest::addColumn<QString>("decText");
        QTest::newRow("m51 corner") << 202.39314492778334 << 47.177533522929046 << "13:29:34.355" << "+47:10:39.12";
        QTest::newRow("south") << 10.0 << -0.5 << "00:40:00.000" << "-00:30:00.00";
        QTest::newRow("wrap") << 359.9999999 << -89.99999999 << "00:00:00.000" << "-90:00:00.00";
        QTest::newRow("negative ra") << -15.0 << 1.0 / 3600 << "23:00:00.000" << "+00:00:01.00";
    }
    void sexagesimal() {
        QFETCH(double, ra);
        QFETCH(double, dec);
        QFETCH(QString, raText);
        QFETCH(QString, decText);
        QCOMPARE(formatRa(ra), raText);
        QCOMPARE(formatDec(dec), decText);
    }

    void noSkyWithoutWcs() {
        const Loaded l = loadFits("m51_kpno_B_iraf_devpix.fits");
        QVERIFY(!l.wcs);
        ImageView v;
        v.resize(400, 400);
        v.setImage(l.image, l.wcs);
        const PixelReadout r = v.readoutAt(QPointF(200, 200));
        QVERIFY(r.inside);
        QVERIFY(!r.hasSky);
        QVERIFY(!r.text.contains("RA"));
    }

    void stretchChangesPixels() {
        const Loaded l = loadFits("m51_kpno_B_iraf_devpix.fits");
        ImageView v;
        v.resize(400, 400);
        v.setImage(l.image);
        DisplaySettings s = v.settings();
        s.interval.kind = IntervalKind::MinMax;
        s.stretch.kind = DisplayStretch::Linear;
        s.colormap = Colormap::Grey;
        v.setSettings(s);
        const QImage linear = v.rendered().copy();
        // Every pixel equals the engine's stretch + colour map (within one colour-map step).
        const Interval iv = minMaxInterval(l.image->pixels.data(), l.image->pixels.size());
        const std::vector<float> unit = applyStretch(l.image->pixels.data(), l.image->pixels.size(), nullptr, iv, s.stretch);
        const std::vector<std::uint8_t> rgb = applyColormap(unit, Colormap::Grey);
        const int h = l.image->height(), w = l.image->width();
        int exact = 0;
        for (int r = 0; r < h; ++r)
            for (int c = 0; c < w; ++c) {
                const int want = rgb[3 * (std::size_t(r) * w + c)];
                const int got = qRed(linear.pixel(c, h - 1 - r));  // bottom-up: row 0 at the bottom
                QVERIFY2(std::abs(got - want) <= 1, qPrintable(QString("(%1,%2): %3 vs %4").arg(c).arg(r).arg(got).arg(want)));
                exact += got == want;
            }
        QVERIFY(exact > h * w * 99 / 100);

        s.interval.kind = IntervalKind::ZScale;
        s.stretch.kind = DisplayStretch::Asinh;
        v.setSettings(s);
        const QImage zscale = v.rendered().copy();
        s.colormap = Colormap::Magma;
        v.setSettings(s);
        const QImage magma = v.rendered().copy();
        int changed = 0, coloured = 0;
        for (int r = 0; r < h; ++r)
            for (int c = 0; c < w; ++c) {
                changed += linear.pixel(c, r) != zscale.pixel(c, r);
                const QRgb m = magma.pixel(c, r);
                coloured += qRed(m) != qBlue(m);
            }
        QVERIFY2(changed > h * w / 2, qPrintable(QString::number(changed)));
        QVERIFY(coloured > h * w / 2);
        // The zscale interval is the engine's.
        const Interval z = zscaleInterval(l.image->pixels.data(), l.image->pixels.size());
        QCOMPARE(v.currentInterval().low, z.low);
        QCOMPARE(v.currentInterval().high, z.high);
        // Every stretch kind renders something different from linear.
        for (DisplayStretch k : {DisplayStretch::Log, DisplayStretch::Sqrt, DisplayStretch::HistEq}) {
            s.stretch.kind = k;
            s.colormap = Colormap::Grey;
            v.setSettings(s);
            QVERIFY2(v.rendered() != zscale, stretchName(k));
        }
    }

    void blankPixelsColoured() {
        const Loaded l = loadFits("m51_spitzer_irac1_sipsample.fits");
        QVERIFY(l.image->blankCount() > 0);
        ImageView v;
        v.setImage(l.image, l.wcs);
        v.setColormap(Colormap::Magma);
        const QImage img = v.rendered();
        const int h = l.image->height(), w = l.image->width();
        std::size_t blankShown = 0, otherShown = 0;
        for (int r = 0; r < h; ++r)
            for (int c = 0; c < w; ++c) {
                const bool blank = l.image->isBlank(std::size_t(r) * w + c) || !std::isfinite(l.image->pixels[std::size_t(r) * w + c]);
                const bool shown = img.pixel(c, h - 1 - r) == ImageView::blankColor(Colormap::Magma);
                blankShown += blank && shown;
                otherShown += !blank && shown;
            }
        QCOMPARE(blankShown, l.image->blankCount());
        QCOMPARE(otherShown, std::size_t(0));
        // The blank colour is no colour of the map.
        for (int k = 0; k < 256; ++k) {
            const Rgb8 e = colormapEntry(Colormap::Magma, k);
            QVERIFY(qRgb(e[0], e[1], e[2]) != ImageView::blankColor(Colormap::Magma));
        }
        // The read-out says "blank".
        for (std::size_t i = 0; i < l.image->pixels.size(); ++i)
            if (l.image->isBlank(i)) {
                const PixelReadout r = v.readoutAt(centreOf(v, int(i % w), int(i / w)));
                QVERIFY(r.blank);
                QVERIFY(r.text.contains("blank"));
                break;
            }
    }

    void zoomAndPan() {
        const Loaded l = loadFits("sa110_cfht_megaprime_g_tan.fits");  // 101 x 101
        ImageView v;
        v.setImage(l.image, l.wcs);
        v.resize(500, 300);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        v.fitToWindow();
        QVERIFY(v.fitting());
        QCOMPARE(v.zoom(), 300.0 / 101.0);
        QCOMPARE(v.offset().x(), (500 - 101 * v.zoom()) / 2);
        QCOMPARE(v.offset().y(), 0.0);
        // widget <-> image round trip
        const QPointF q(12.25, 80.75);
        const QPointF back = v.widgetToImage(v.imageToWidget(q));
        QVERIFY(std::abs(back.x() - q.x()) < 1e-9 && std::abs(back.y() - q.y()) < 1e-9);
        // Zoom about an anchor keeps the image point under it.
        const QPointF anchor(123, 77);
        const QPointF before = v.widgetToImage(anchor);
        v.setZoom(5.0, anchor);
        QCOMPARE(v.zoom(), 5.0);
        QVERIFY(!v.fitting());
        const QPointF after = v.widgetToImage(anchor);
        QVERIFY(std::abs(after.x() - before.x()) < 1e-9 && std::abs(after.y() - before.y()) < 1e-9);
        // Wheel: one notch = x1.25 about the cursor.
        QWheelEvent wheel(anchor, v.mapToGlobal(anchor), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(&v, &wheel);
        QCOMPARE(v.zoom(), 6.25);
        const QPointF afterWheel = v.widgetToImage(anchor);
        QVERIFY(std::abs(afterWheel.x() - before.x()) < 1e-9);
        // Keys.
        QTest::keyClick(&v, Qt::Key_Minus);
        QCOMPARE(v.zoom(), 5.0);
        QTest::keyClick(&v, Qt::Key_Plus);
        QCOMPARE(v.zoom(), 6.25);
        QTest::keyClick(&v, Qt::Key_1);
        QCOMPARE(v.zoom(), 1.0);
        QTest::keyClick(&v, Qt::Key_F);
        QVERIFY(v.fitting());
        // Drag pans by the mouse movement.
        const QPointF o = v.offset();
        QMouseEvent press(QEvent::MouseButtonPress, QPointF(100, 100), v.mapToGlobal(QPointF(100, 100)), Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&v, &press);
        QMouseEvent move(QEvent::MouseMove, QPointF(130, 90), v.mapToGlobal(QPointF(130, 90)), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&v, &move);
        QMouseEvent release(QEvent::MouseButtonRelease, QPointF(130, 90), v.mapToGlobal(QPointF(130, 90)), Qt::LeftButton, Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(&v, &release);
        QCOMPARE(v.offset(), o + QPointF(30, -10));
        QVERIFY(!v.fitting());
        // The hover read-out follows the mouse.
        QVERIFY(v.lastReadout().inside || !v.readoutAt(QPointF(130, 90)).inside);
        // Resizing refits only while fitting.
        v.fitToWindow();
        v.resize(202, 202);
        QCOMPARE(v.zoom(), 2.0);
    }

    void colourComposite() {
        // Red on the left half, blue on the right: per band composite puts them where they belong.
        auto img = std::make_shared<Image>(3, 16, 16);
        for (int r = 0; r < 16; ++r)
            for (int c = 0; c < 16; ++c) {
                img->channel(0)[r * 16 + c] = c < 8 ? 100.0f + r : 1.0f + 0.01f * r;
                img->channel(1)[r * 16 + c] = 1.0f + 0.01f * c;
                img->channel(2)[r * 16 + c] = c >= 8 ? 100.0f + r : 1.0f + 0.01f * c;
            }
        ImageView v;
        v.setImage(img);
        DisplaySettings s = v.settings();
        s.band = -1;
        s.composite = CompositeMode::PerBand;
        s.interval.kind = IntervalKind::MinMax;
        v.setSettings(s);
        QCOMPARE(v.settings().band, -1);
        QImage a = v.rendered().copy();
        QVERIFY(qRed(a.pixel(2, 5)) > 200 && qBlue(a.pixel(2, 5)) < 50);
        QVERIFY(qBlue(a.pixel(12, 5)) > 200 && qRed(a.pixel(12, 5)) < 50);
        s.composite = CompositeMode::Lupton;
        v.setSettings(s);
        QImage b = v.rendered().copy();
        QVERIFY(b != a);
        QVERIFY(qRed(b.pixel(2, 5)) > qBlue(b.pixel(2, 5)));
        // Swapped composite channels swap the colours.
        v.setCompositeChannels(2, 1, 0);
        QImage c = v.rendered().copy();
        QVERIFY(qBlue(c.pixel(2, 5)) > qRed(c.pixel(2, 5)));
        // A single band through the colour map.
        v.setBand(2);
        QImage d = v.rendered().copy();
        QCOMPARE(qRed(d.pixel(12, 5)), qBlue(d.pixel(12, 5)));  // grey
        // The controls list the bands and the two composites.
        ImageControls controls(&v);
        QCOMPARE(controls.bandBox()->count(), 5);
    }

    void controlsDriveTheView() {
        const Loaded l = loadFits("m51_spitzer_irac1_sipsample.fits");
        ImageView v;
        ImageControls controls(&v);
        v.setImage(l.image, l.wcs);
        controls.setInterval("zscale");
        controls.setStretch("asinh");
        controls.setColormap("magma");
        QCOMPARE(v.settings().interval.kind, IntervalKind::ZScale);
        QCOMPARE(v.settings().stretch.kind, DisplayStretch::Asinh);
        QCOMPARE(v.settings().colormap, Colormap::Magma);
        controls.setInterval("percentile:99.5");
        QCOMPARE(v.settings().interval.kind, IntervalKind::Percentile);
        QCOMPARE(v.settings().interval.lowerPercent, 0.25);
        QCOMPARE(v.settings().interval.upperPercent, 99.75);
        // The engine's percentile interval of the valid pixels.
        const Interval p = percentileInterval(l.image->pixels.data(), l.image->pixels.size(), l.image->blank.data(), 0.25, 99.75);
        QCOMPARE(v.currentInterval().low, p.low);
        QCOMPARE(v.currentInterval().high, p.high);
        // Diverging map: symmetric about zero.
        controls.setColormap("coolwarm");
        QCOMPARE(v.currentInterval().low, -v.currentInterval().high);
        QCOMPARE(controls.colormapName(), QString("coolwarm"));
    }

    void render4096() {
        // A 4096 x 4096 float32 sky: noise plus a galaxy, a few blanks.
        const int n = 4096;
        auto img = std::make_shared<Image>(1, n, n);
        std::mt19937 gen(3);
        std::normal_distribution<float> noise(100.0f, 5.0f);
        float* d = img->channel(0);
        for (int r = 0; r < n; ++r)
            for (int c = 0; c < n; ++c) {
                const float dx = float(c - n / 2), dy = float(r - n / 2);
                d[std::size_t(r) * n + c] = noise(gen) + 5000.0f * std::exp(-(dx * dx + dy * dy) / (2 * 300.0f * 300.0f));
            }
        d[12345] = std::numeric_limits<float>::quiet_NaN();
        img->bottomUp = true;
        ImageView v;
        v.resize(800, 800);
        v.setImage(img);
        struct Case {
            const char* name;
            IntervalKind interval;
            DisplayStretch stretch;
            Colormap map;
        };
        QStringList report;
        double worst = 0;
        for (const Case& k : {Case{"minmax linear grey", IntervalKind::MinMax, DisplayStretch::Linear, Colormap::Grey},
                              Case{"zscale asinh magma", IntervalKind::ZScale, DisplayStretch::Asinh, Colormap::Magma},
                              Case{"99.5% log viridis", IntervalKind::Percentile, DisplayStretch::Log, Colormap::Viridis},
                              Case{"zscale histeq inferno", IntervalKind::ZScale, DisplayStretch::HistEq, Colormap::Inferno}}) {
            DisplaySettings s = v.settings();
            s.interval.kind = k.interval;
            s.interval.lowerPercent = 0.25;
            s.interval.upperPercent = 99.75;
            s.stretch.kind = k.stretch;
            s.colormap = k.map;
            // Time the first render of new settings, interval included (the user's wait).
            QElapsedTimer t;
            t.start();
            v.setSettings(s);
            const QImage& out = v.rendered();
            const double ms = double(t.nsecsElapsed()) / 1e6;
            QCOMPARE(out.size(), QSize(n, n));
            worst = std::max(worst, ms);
            report << QString("%1 %2 ms (pixel pass %3 ms)").arg(k.name).arg(ms, 0, 'f', 0).arg(v.lastRenderMilliseconds(), 0, 'f', 0);
        }
        qInfo("4096x4096 float32 render (interval + stretch + colour map): %s", qPrintable(report.join("; ")));
        // Speed is reported here and judged by benchmarks (#9), not gated in a test.
        Q_UNUSED(worst);
    }

    void largeImageRendersInTheBackground() {
        // From 1024² pixels paint events render on a worker: the UI thread keeps ticking, the
        // previous frame stays up meanwhile, and the frame equals the synchronous render.
        const int n = 2048;
        auto img = std::make_shared<Image>(1, n, n);
        std::mt19937 gen(5);
        std::normal_distribution<float> noise(10.0f, 2.0f);
        for (std::size_t i = 0; i < img->pixels.size(); ++i) img->pixels[i] = noise(gen) + float(i % n) * 0.01f;
        img->pixels[777] = std::numeric_limits<float>::quiet_NaN();
        ImageView v;
        v.resize(600, 600);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        QSignalSpy frames(&v, &ImageView::frameReady);
        v.setImage(img);
        QTRY_VERIFY_WITH_TIMEOUT(v.isFrameCurrent(), 20000);
        QCOMPARE(frames.count(), 1);
        QVERIFY(!v.isRendering());
        // Ticks of a 5 ms timer while three new settings render.
        QElapsedTimer clock;
        qint64 worst = 0;
        QTimer tick;
        tick.setInterval(5);
        connect(&tick, &QTimer::timeout, this, [&] {
            if (clock.isValid()) worst = std::max(worst, clock.restart());
            else clock.start();
        });
        tick.start();
        DisplaySettings s = v.settings();
        s.interval.kind = IntervalKind::Percentile;
        s.interval.lowerPercent = 1;
        s.interval.upperPercent = 99;
        s.stretch.kind = DisplayStretch::HistEq;
        s.colormap = Colormap::Magma;
        v.setSettings(s);
        QVERIFY(!v.isFrameCurrent());  // the old frame is shown until the new one arrives
        QTRY_VERIFY_WITH_TIMEOUT(v.isFrameCurrent() && frames.count() == 2, 20000);
        tick.stop();
        qInfo("2048x2048 settings change: longest UI-thread gap %lld ms", worst);
        QVERIFY2(worst < 50, qPrintable(QString::number(worst)));
        const QImage background = v.rendered().copy();  // the worker's frame (nothing re-rendered)
        QCOMPARE(frames.count(), 2);
        ImageView sync;
        sync.setBackgroundRenderPixels(0);
        sync.setImage(img);
        sync.setSettings(s);
        QCOMPARE(sync.rendered(), background);
        QCOMPARE(background.pixel(777 % n, 0), ImageView::blankColor(Colormap::Magma));
        QVERIFY(v.knownInterval().has_value());
        QCOMPARE(v.knownInterval()->low, sync.currentInterval().low);
    }

    void thumbnailSortAndConditions() {
        ThumbnailGrid grid;
        const QStringList labels{"spiral", "elliptical", "spiral", "edge-on", "spiral", "elliptical"};
        grid.setImages(6, [](int) { return QImage(8, 8, QImage::Format_RGB32); }, labels);
        grid.setLabelColumns({"bt", "name", "n"}, {{"0.5", "0.1", "0.9", "", "0.3", "0.7"},
                                                   {"f", "b", "e", "a", "d", "c"},
                                                   {"4", "1", "2.5", "3", "x", "1"}});
        const ThumbnailModel* m = grid.model();
        QVERIFY(m->isNumericColumn(0));   // blanks allowed
        QVERIFY(!m->isNumericColumn(1));
        QVERIFY(!m->isNumericColumn(2));  // "x"
        QCOMPARE(grid.sortChoices(), (QStringList{"", "label", "bt", "name", "n"}));
        auto order = [&] {
            QList<int> rows;
            for (int i = 0; i < grid.visibleCount(); ++i) rows << grid.sourceRow(i);
            return rows;
        };
        grid.sortBy("bt");
        QCOMPARE(order(), (QList<int>{1, 4, 0, 5, 2, 3}));  // blank last
        grid.sortBy("name", Qt::DescendingOrder);
        QCOMPARE(order(), (QList<int>{0, 2, 4, 5, 1, 3}));
        grid.sortBy("label");
        QCOMPARE(order(), (QList<int>{3, 1, 5, 0, 2, 4}));  // ties keep file order
        grid.sortBy({});
        QCOMPARE(order(), (QList<int>{0, 1, 2, 3, 4, 5}));
        QCOMPARE(grid.setCondition("bt >= 0.5"), QString());
        QCOMPARE(order(), (QList<int>{0, 2, 5}));
        QCOMPARE(grid.setCondition("bt > 0.2 and name != d, n = 1"), QString());
        QCOMPARE(order(), (QList<int>{5}));
        grid.setLabelFilter("spiral");
        QCOMPARE(grid.visibleCount(), 0);
        QCOMPARE(grid.setCondition("bt < 0.6"), QString());
        QCOMPARE(order(), (QList<int>{0, 4}));
        QVERIFY(grid.setCondition("mass > 3").contains("bt, name, n"));
        QVERIFY(grid.setCondition("bt ~ 3").contains("not a condition"));
        grid.setLabelFilter({});
        QCOMPARE(grid.setCondition({}), QString());
        QCOMPARE(grid.visibleCount(), 6);
    }

    void headerTable() {
        const Loaded l = loadFits("m51_spitzer_irac1_sipsample.fits");
        const Json ref = realEntry("m51_spitzer_irac1_sipsample.fits");
        HeaderTable t;
        t.setCards(l.cards);
        QCOMPARE(t.cardCount(), ref["card_count"].get<int>());
        QCOMPARE(t.table()->rowCount(), ref["card_count"].get<int>());
        bool sawObject = false, sawComment = false;
        for (int r = 0; r < t.table()->rowCount(); ++r) {
            if (t.table()->item(r, 0)->text() == "OBJECT") {
                QCOMPARE(t.table()->item(r, 1)->text(), QString("'SN 2005cs'"));
                sawObject = true;
            }
            sawComment = sawComment || !t.table()->item(r, 2)->text().isEmpty();
        }
        QVERIFY(sawObject);
        QVERIFY(sawComment);
        t.setFilter("NAXIS");
        QVERIFY(t.visibleRows() >= 3 && t.visibleRows() < 20);
        t.setFilter("");
        QCOMPARE(t.visibleRows(), t.cardCount());
    }

    void histogram() {
        const Loaded l = loadFits("m51_spitzer_irac1_sipsample.fits");
        const Json ref = realEntry("m51_spitzer_irac1_sipsample.fits");
        const Histogram h = computeHistogram(l.image->pixels.data(), l.image->pixels.size(), l.image->blank.data(), 64);
        std::uint64_t sum = 0;
        for (auto c : h.counts) sum += c;
        QCOMPARE(sum, ref["stats"]["count"].get<std::uint64_t>());
        QCOMPARE(h.valid, sum);
        QCOMPARE(h.low, ref["stats"]["min"].get<double>());
        QCOMPARE(h.high, ref["stats"]["max"].get<double>());
        HistogramView view;
        view.setHistogram(h, "value");
        QCOMPARE(int(view.histogram().counts.size()), 64);
    }

    void thumbnailsOffTheUiThread() {
        // 10,000 images whose rendering is slow: asking for them never blocks the UI thread.
        ThumbnailModel model;
        std::atomic<int> rendered{0};
        const QThread* ui = QThread::currentThread();
        std::atomic<bool> onUiThread{false};
        model.setImages(10000, [&](int i) {
            if (QThread::currentThread() == ui) onUiThread = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(3));
            ++rendered;
            QImage img(200, 100, QImage::Format_RGB32);
            img.fill(qRgb(i % 256, 0, 0));
            return img;
        }, QStringList());
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < 10000; i += 7) model.data(model.index(i), Qt::DecorationRole);  // a fast scroll
        for (int i = 0; i < 60; ++i) {
            const QVariant v = model.data(model.index(i), Qt::DecorationRole);
            QCOMPARE(v.value<QImage>(), model.placeholder());
        }
        QVERIFY2(t.elapsed() < 200, qPrintable(QString::number(t.elapsed())));
        QVERIFY(model.pendingCount() <= 700);  // old requests are dropped, not rendered
        // The newest requests (on screen) arrive first, scaled to the thumbnail size.
        QTRY_VERIFY_WITH_TIMEOUT(model.isReady(59), 5000);
        const QImage img = model.data(model.index(59), Qt::DecorationRole).value<QImage>();
        QCOMPARE(img.width(), model.thumbnailSize());
        QCOMPARE(qRed(img.pixel(10, 10)), 59);
        QVERIFY(!onUiThread);
        QTRY_COMPARE_WITH_TIMEOUT(model.pendingCount(), 0, 10000);
        QVERIFY(rendered < 1000);
    }

    void thumbnailStretch() {
        // The engine's stretch: sky (median) black, brightest pixel white; bottom-up flipped.
        Image img(1, 20, 20, 1.0f);
        img.pixels[0] = 0.0f;      // below the sky: black too
        img.pixels[399] = 100.0f;  // the galaxy
        img.bottomUp = true;
        const QImage q = thumbnailImage(img, 0, false, false);
        QCOMPARE(q.size(), QSize(20, 20));
        QCOMPARE(qRed(q.pixel(19, 0)), 255);   // array row 19 is at the top
        QCOMPARE(qRed(q.pixel(5, 5)), 0);
        QCOMPARE(qRed(q.pixel(0, 19)), 0);
        // 8-bit images as stored.
        Image rgb(3, 4, 4, 0.0f);
        rgb.channel(0)[0] = 255.0f;
        rgb.channel(2)[1] = 128.0f;
        const QImage c = thumbnailImage(rgb, 0, false, true);
        QCOMPARE(c.pixel(0, 0), qRgb(255, 0, 0));
        QCOMPARE(c.pixel(1, 0), qRgb(0, 0, 128));
    }
};

QTEST_MAIN(TestImageView)
#include "tst_image_view.moc"
