// Data panel user flows (offscreen): the Galaxy Zoo folder loads in the background with
// progress into a stratified training set, the thumbnail grid filters by label, a thumbnail
// opens in the image view; FITS files open with header and histogram; broken files are
// reported by name, never a crash; a broken file inside a folder is skipped and listed.
// With DEEPFIELD_SCREENSHOT_DIR set, the panel's pictures are saved there (docs/screenshots).
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QTimer>
#include <cmath>
#include <numeric>
#include <QFile>
#include <QFileInfo>
#include <QListView>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <qcustomplot.h>

#include "data/fits.h"
#include "header_table.h"
#include "histogram_view.h"
#include "image_view.h"
#include "main_window.h"
#include "panels/data_panel.h"
#include "panels/screenshot_scenes.h"
#include "studio_fixture.h"
#include "thumbnail_grid.h"

using namespace deepfield;
using deepfield::app::DataPanel;
using deepfield::app::MainWindow;
using deepfield::app::ScreenshotScene;
using studio_test::StallProbe;

namespace {
QString sourceDir() { return QFileInfo(QString(__FILE__)).absolutePath(); }
QString sharedData(const QString& rel) { return QDir::cleanPath(sourceDir() + "/../../resources/data/" + rel); }
QString testData(const QString& rel) { return QDir::cleanPath(sourceDir() + "/../data/" + rel); }

QString screenshotPath(const QString& name) {
    static QTemporaryDir tmp;
    const QString dir = qEnvironmentVariable("DEEPFIELD_SCREENSHOT_DIR", tmp.path());
    QDir().mkpath(dir);
    return dir + "/" + name;
}


Json galaxyZooSource(int size) {
    return Json{{"kind", "folder"}, {"path", sharedData("gz1-sdss").toStdString()},
                {"crop", ""},       {"image_size", size},
                {"grey", false},    {"bands", Json::array()},
                {"stretch", "linear"}, {"target", ""}};
}
}  // namespace

class TestDataPanel : public QObject {
    Q_OBJECT
private slots:
    void galaxyZooFolder() {
        DataPanel panel;
        panel.resize(900, 1000);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* bar = panel.findChild<QProgressBar*>();
        QVERIFY(bar);
        int lastProgress = -1, progressMax = 0;
        connect(bar, &QProgressBar::valueChanged, this, [&](int v) {
            lastProgress = v;
            progressMax = std::max(progressMax, bar->maximum());
        });
        QSignalSpy loaded(&panel, &DataPanel::datasetChanged);
        const Json src = galaxyZooSource(48);
        panel.setSource(src);
        QVERIFY(panel.isLoading());
        QTRY_VERIFY_WITH_TIMEOUT(!panel.isLoading(), 120000);
        QCoreApplication::processEvents();
        QString why;
        QVERIFY2(panel.hasDataset(&why), qPrintable(why + " / " + panel.summaryText()));
        // Progress went through the files.
        QCOMPARE(progressMax, 1271);
        QVERIFY(lastProgress > 0);
        // A training set exactly like the simulated one.
        QCOMPARE(panel.sampleCount(), 1271);
        QCOMPARE(panel.classCount(), 6);
        QCOMPARE(panel.classNames().first(), QString("elliptical"));
        QCOMPARE(panel.inputShape(), (Shape{3, 48, 48}));
        const auto [train, val] = panel.split(0.2, 7);
        QVERIFY(train && val);
        QCOMPARE(train->size() + val->size(), 1271);
        QVERIFY(std::abs(val->size() - 254) <= 6);
        Tensor x, y;
        val->batch({0, 1, 2}, x, y);
        QCOMPARE(x.shape(), (Shape{3, 3, 48, 48}));
        QVERIFY(y[0] >= 0 && y[0] < 6);
        QCOMPARE(panel.source(), src);
        QVERIFY(panel.summaryText().contains("1271"));
        QVERIFY(panel.skippedFiles().isEmpty());
        // Split sizes for the Train panel's validation split.
        const auto [ti, vi] = splitIndices(1271, 0.2, 1, {});
        Q_UNUSED(ti);
        panel.setValidationSplit(0.25);
        QVERIFY2(panel.splitText().contains("validation 318") || panel.splitText().contains("validation 31"), qPrintable(panel.splitText()));
        panel.setValidationSplit(0.2);
        QVERIFY2(panel.splitText().contains(QString("validation %1").arg(val->size())), qPrintable(panel.splitText()));
        QCOMPARE(panel.augmentationPreviewCount(), 8);
        QVERIFY(panel.datasetHistogram()->histogram().valid > 0);
        panel.views()->setCurrentIndex(3);
        QTest::qWait(50);
        QVERIFY(panel.views()->currentWidget()->grab().save(screenshotPath("data_panel_summary.png")));

        // The grid: every image, filter by label.
        widgets::ThumbnailGrid* grid = panel.thumbnails();
        QCOMPARE(grid->visibleCount(), 1271);
        QCOMPARE(grid->labelChoices().size(), 6);
        grid->setLabelFilter("merger");
        QCOMPARE(grid->visibleCount(), 115);
        grid->setLabelFilter("elliptical");
        QCOMPARE(grid->visibleCount(), 300);
        grid->setLabelFilter({});
        QCOMPARE(grid->visibleCount(), 1271);
        // Every column of labels.csv sorts and filters: objid numerically, class names as text.
        QCOMPARE(grid->sortChoices(), (QStringList{"", "label", "sdss_dr7_objid", "gz1_class", "gz1_class_name"}));
        QCOMPARE(grid->model()->isNumericColumn(grid->model()->columnIndex("sdss_dr7_objid")), true);
        QCOMPARE(grid->model()->isNumericColumn(grid->model()->columnIndex("gz1_class_name")), false);
        grid->sortBy("sdss_dr7_objid", Qt::DescendingOrder);
        const int idCol = grid->model()->columnIndex("sdss_dr7_objid");
        double previous = INFINITY;
        for (int i = 0; i < grid->visibleCount(); ++i) {
            const double id = grid->model()->columnNumber(idCol, grid->sourceRow(i));
            QVERIFY2(id <= previous, qPrintable(QString("row %1").arg(i)));
            previous = id;
        }
        QCOMPARE(grid->setCondition("gz1_class_name = merger"), QString());
        QCOMPARE(grid->visibleCount(), 115);
        QCOMPARE(grid->setCondition("gz1_class >= 1 and gz1_class_name != merger"), QString());
        QCOMPARE(grid->visibleCount(), 1271 - 300 - 115);
        QVERIFY(grid->setCondition("colour > 2").contains("no label column 'colour'"));
        QCOMPARE(grid->setCondition({}), QString());
        QCOMPARE(grid->visibleCount(), 1271);
        grid->sortBy({});
        QCOMPARE(grid->sourceRow(0), 0);
        // Thumbnails arrive from the worker threads for what is on screen.
        panel.views()->setCurrentIndex(0);
        QTRY_VERIFY_WITH_TIMEOUT(grid->model()->isReady(0), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(grid->model()->pendingCount(), 0, 30000);
        grid->view()->viewport()->update();
        QTest::qWait(100);
        QVERIFY(panel.grab().save(screenshotPath("data_panel_galaxy_zoo.png")));

        // Clicking a thumbnail opens the original image in the image view.
        const QModelIndex first = grid->view()->model()->index(3, 0);
        const QRect r = grid->view()->visualRect(first);
        QVERIFY(r.isValid());
        QSignalSpy opened(&panel, &DataPanel::imageOpened);
        QTest::mouseClick(grid->view()->viewport(), Qt::LeftButton, {}, r.center());
        panel.waitUntilLoaded();
        QTRY_VERIFY_WITH_TIMEOUT(opened.count() >= 1, 10000);
        QVERIFY(panel.imageView()->image());
        QCOMPARE(panel.imageView()->image()->width(), 423);
        QCOMPARE(panel.imageView()->image()->channels(), 3);
        QCOMPARE(panel.views()->currentIndex(), 1);
        QCOMPARE(panel.views()->tabText(1), QString("Image"));
        QVERIFY(panel.imageHistogram()->histogram().valid > 0);
        QCOMPARE(panel.headerTable()->cardCount(), 0);  // JPEG: no header
        QVERIFY(panel.grab().save(screenshotPath("data_panel_galaxy_zoo_image.png")));
    }

    void cancelFolderLoading() {
        DataPanel panel;
        panel.setSource(galaxyZooSource(0));
        QVERIFY(panel.isLoading());
        QPushButton* cancel = nullptr;
        for (auto* b : panel.findChildren<QPushButton*>())
            if (b->text() == "Cancel") cancel = b;
        QVERIFY(cancel && cancel->isEnabled());
        QTest::qWait(50);
        cancel->click();
        panel.waitUntilLoaded();
        QTRY_VERIFY_WITH_TIMEOUT(!panel.isLoading(), 10000);
        QCoreApplication::processEvents();
        QVERIFY(!panel.hasDataset());
        QVERIFY2(panel.summaryText().contains("cancelled"), qPrintable(panel.summaryText()));
    }

    // `deepfield --screenshot shot.png project` with a project whose data are one image: the picture
    // is taken once the image is shown (it used to wait for a data set forever); --train is refused.
    void screenshotOfASingleImageProject() {
        MainWindow w;
        w.setOfferRecovery(false);
        w.show();
        w.dataPanel()->setSource(
            Json{{"kind", "image"}, {"path", sharedData("fits/m51_kpno_B_iraf_devpix.fits").toStdString()}});
        QString why;
        ScreenshotScene training;
        training.panel = "data";
        training.train = true;
        QVERIFY(!app::prepareScreenshotScene(w, training, [] {}, &why));
        QVERIFY2(why.contains("single image"), qPrintable(why));
        bool taken = false;
        ScreenshotScene scene;
        scene.panel = "data";
        QVERIFY2(app::prepareScreenshotScene(w, scene, [&taken] { taken = true; }, &why), qPrintable(why));
        QTRY_VERIFY_WITH_TIMEOUT(taken, 15000);
        QVERIFY(w.dataPanel()->imageView()->image() != nullptr);
        w.discardChanges();
    }

    void fitsImageSource() {
        DataPanel panel;
        panel.resize(900, 1000);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const QString path = sharedData("fits/m51_spitzer_irac1_sipsample.fits");
        const Json src{{"kind", "image"}, {"path", path.toStdString()}, {"interval", "zscale"}, {"stretch", "linear"}, {"colormap", "magma"}};
        panel.setSource(src);
        panel.waitUntilLoaded();
        QTRY_VERIFY_WITH_TIMEOUT(panel.imageView()->image() != nullptr, 10000);
        QCOMPARE(panel.imageView()->image()->width(), 256);
        QVERIFY(panel.imageView()->wcs());
        QCOMPARE(panel.headerTable()->cardCount(), 287);
        QCOMPARE(panel.imageHistogram()->histogram().valid, std::uint64_t(65511));
        QCOMPARE(panel.imageView()->settings().colormap, Colormap::Magma);
        QCOMPARE(panel.imageView()->settings().interval.kind, IntervalKind::ZScale);
        QString why;
        QVERIFY(!panel.hasDataset(&why));
        QVERIFY(why.contains("single image"));
        // The display settings are part of the source (the project file).
        const Json saved = panel.source();
        QCOMPARE(saved.value("colormap", ""), std::string("magma"));
        QCOMPARE(saved.value("interval", ""), std::string("zscale"));
        QCOMPARE(saved.value("path", ""), path.toStdString());
        // Hover over the galaxy's centre for the screenshot's read-out.
        widgets::ImageView* v = panel.imageView();
        const QPointF centre = v->imageToWidget(QPointF(128.5, 128.5));
        QMouseEvent move(QEvent::MouseMove, centre, v->mapToGlobal(centre), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(v, &move);
        QVERIFY(v->lastReadout().hasSky);
        QVERIFY(v->lastReadout().text.contains("RA 13:29:"));
        QTest::qWait(50);
        QVERIFY(panel.views()->currentWidget()->grab().save(screenshotPath("image_view_m51_spitzer.png")));
    }

    void brokenFileNamed_data() {
        QTest::addColumn<QString>("file");
        for (const char* f : {"not_fits.fits", "truncated_data.fits", "zero_bytes.fits", "broken_header.fits", "table_only.fits",
                              "truncated.png", "not_png.png", "truncated.jpeg", "header_only.jpeg", "text.txt"})
            QTest::newRow(f) << QString(f);
        QTest::newRow("missing") << QString("no_such_file.fits");
    }
    void brokenFileNamed() {
        QFETCH(QString, file);
        DataPanel panel;
        const QString path = testData("bad/" + file);
        panel.setSource(Json{{"kind", "image"}, {"path", path.toStdString()}});
        panel.waitUntilLoaded();
        QTRY_VERIFY_WITH_TIMEOUT(!panel.isLoading(), 10000);
        QCoreApplication::processEvents();
        QVERIFY2(panel.summaryText().contains(file), qPrintable(panel.summaryText()));
        QVERIFY(panel.summaryText().contains("color:#c0392b"));  // shown as an error
        QVERIFY(!panel.hasDataset());
    }

    void brokenFilesInFolderSkipped() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile csv(dir.filePath("labels.csv"));
        QVERIFY(csv.open(QIODevice::WriteOnly));
        csv.write("filename,label\n");
        const QStringList good = QDir(sharedData("gz1-sdss/images")).entryList({"*.jpeg"}, QDir::Files, QDir::Name).mid(0, 6);
        for (int i = 0; i < good.size(); ++i) {
            QVERIFY(QFile::copy(sharedData("gz1-sdss/images/" + good[i]), dir.filePath(good[i])));
            csv.write(QString("%1,%2\n").arg(good[i], i % 2 ? "spiral" : "elliptical").toUtf8());
        }
        for (const char* bad : {"truncated.jpeg", "not_jpeg.jpeg"}) {
            QVERIFY(QFile::copy(testData(QString("bad/") + bad), dir.filePath(bad)));
            csv.write(QString("%1,spiral\n").arg(bad).toUtf8());
        }
        csv.close();
        DataPanel panel;
        panel.setSource(Json{{"kind", "folder"}, {"path", dir.path().toStdString()}, {"image_size", 32}});
        panel.waitUntilLoaded();
        QTRY_VERIFY_WITH_TIMEOUT(!panel.isLoading(), 20000);
        QCoreApplication::processEvents();
        QVERIFY2(panel.hasDataset(), qPrintable(panel.summaryText()));
        QCOMPARE(panel.sampleCount(), 6);
        QCOMPARE(panel.classCount(), 2);
        QCOMPARE(panel.skippedFiles().size(), 2);
        QVERIFY(panel.summaryText().contains("truncated.jpeg"));
        QVERIFY(panel.summaryText().contains("not_jpeg.jpeg"));
        QVERIFY(panel.summaryText().contains("Skipped 2"));
    }

    void folderWithoutLabels() {
        QTemporaryDir dir;
        DataPanel panel;
        panel.setSource(Json{{"kind", "folder"}, {"path", dir.path().toStdString()}});
        panel.waitUntilLoaded();
        QTRY_VERIFY_WITH_TIMEOUT(!panel.isLoading(), 10000);
        QCoreApplication::processEvents();
        QVERIFY(!panel.hasDataset());
        QVERIFY2(panel.summaryText().contains("labels"), qPrintable(panel.summaryText()));
    }

    void dropAFitsFile() {
        // Drag events outside a real drag session do not reach widgets through notify(): the
        // handlers are called directly, as a drag from a file manager would.
        struct DropPanel : DataPanel {
            using DataPanel::dragEnterEvent;
            using DataPanel::dropEvent;
        } panel;
        QSignalSpy changed(&panel, &DataPanel::sourceChanged);
        auto* mime = new QMimeData;
        const QString path = sharedData("fits/sa110_cfht_megaprime_g_tan.fits");
        mime->setUrls({QUrl::fromLocalFile(path)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        panel.dragEnterEvent(&enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        panel.dropEvent(&drop);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(panel.source().value("kind", ""), std::string("image"));
        panel.waitUntilLoaded();
        QTRY_VERIFY_WITH_TIMEOUT(panel.imageView()->image() != nullptr, 10000);
        QCOMPARE(panel.imageView()->image()->width(), 101);
        QVERIFY(panel.headerTable()->cardCount() > 10);
        delete mime;
    }

    void simulatedSampleOpens() {
        DataPanel panel;
        panel.setSource(Json{{"kind", "simulated"}, {"sim_kind", "morphology"}, {"count", 40}, {"size", 32}, {"bands", {"g", "r", "i"}}, {"seed", 3}});
        panel.waitUntilLoaded();
        QTRY_VERIFY_WITH_TIMEOUT(panel.hasDataset(), 20000);
        panel.openSample(5);
        QVERIFY(panel.imageView()->image());
        QCOMPARE(panel.imageView()->image()->channels(), 3);
        QCOMPARE(panel.imageView()->settings().band, -1);  // colour composite
        QCOMPARE(panel.augmentationPreviewCount(), 8);
    }

    void anomalySetClassesAreNormalAndOddball() {
        // The anomaly set's class label is the simulator's: normal (0) or oddball (1), as in the
        // labels.csv of `deepfield-cli simulate --kind anomaly`, not the galaxy's morphology.
        DataPanel panel;
        panel.setSource(Json{{"kind", "simulated"}, {"sim_kind", "anomaly"}, {"count", 120}, {"size", 32},
                             {"bands", {"r"}}, {"seed", 5}});
        panel.waitUntilLoaded();
        QTRY_VERIFY_WITH_TIMEOUT(panel.hasDataset(), 20000);
        QCOMPARE(panel.classNames(), (QStringList{"normal", "anomaly"}));
        const auto data = panel.dataset();
        const widgets::ThumbnailModel* m = panel.thumbnails()->model();
        const int type = m->columnIndex("anomaly_type");
        QVERIFY(type >= 0);
        Tensor x, y;
        std::vector<int> all(std::size_t(data->size()));
        std::iota(all.begin(), all.end(), 0);
        data->batch(all, x, y);
        int oddballs = 0;
        for (int i = 0; i < data->size(); ++i) {
            const bool odd = m->columnText(type, i) != "none";
            oddballs += odd;
            QCOMPARE(int(y[std::size_t(i)]), int(odd));
        }
        QVERIFY2(oddballs > 0 && oddballs < 30, qPrintable(QString::number(oddballs)));
    }

    void simulatedTruthsSortAndFilter() {
        // The simulator's numeric truths (B/T, Sérsic n, radius ...) become sortable columns.
        DataPanel panel;
        panel.setSource(Json{{"kind", "simulated"}, {"sim_kind", "bulge-disk"}, {"count", 60}, {"size", 32},
                             {"bands", {"r"}}, {"seed", 4}});
        panel.waitUntilLoaded();
        QTRY_VERIFY_WITH_TIMEOUT(panel.hasDataset(), 20000);
        widgets::ThumbnailGrid* grid = panel.thumbnails();
        const widgets::ThumbnailModel* m = grid->model();
        for (const char* column : {"bt", "n", "re", "class_name"})
            QVERIFY2(m->columnIndex(column) >= 0, column);
        const int bt = m->columnIndex("bt");
        QVERIFY(m->isNumericColumn(bt));
        grid->sortBy("bt");
        QCOMPARE(grid->visibleCount(), 60);
        for (int i = 1; i < 60; ++i)
            QVERIFY(m->columnNumber(bt, grid->sourceRow(i - 1)) <= m->columnNumber(bt, grid->sourceRow(i)));
        QVERIFY(m->columnNumber(bt, grid->sourceRow(0)) < m->columnNumber(bt, grid->sourceRow(59)));
        // Count by hand what the condition must keep.
        int expected = 0;
        for (int i = 0; i < 60; ++i) expected += m->columnNumber(bt, i) > 0.4 ? 1 : 0;
        QVERIFY(expected > 0 && expected < 60);
        QCOMPARE(grid->setCondition("bt > 0.4"), QString());
        QCOMPARE(grid->visibleCount(), expected);
        for (int i = 0; i < grid->visibleCount(); ++i) QVERIFY(m->columnNumber(bt, grid->sourceRow(i)) > 0.4);
        QVERIFY(!grid->setCondition("bt >").isEmpty());
    }

    void simulatedImageTargets_data() {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("channels");
        QTest::newRow("mask") << "mask" << "clumps" << 1;
        QTest::newRow("bulge-disk") << "bulge-disk" << "bulge-disk" << 4;  // bulge and disk, g and r each
        QTest::newRow("central") << "central" << "blends" << 2;
        QTest::newRow("sharp") << "sharp" << "deconvolution" << 2;
    }

    void simulatedImageTargets() {
        QFETCH(QString, target);
        QFETCH(QString, kind);
        QFETCH(int, channels);
        DataPanel panel;
        panel.setSource(Json{{"kind", "simulated"}, {"sim_kind", kind.toStdString()}, {"count", 12}, {"size", 32},
                             {"bands", {"g", "r"}}, {"seed", 2}, {"target", target.toStdString()}});
        panel.waitUntilLoaded();
        QTRY_VERIFY_WITH_TIMEOUT(panel.hasDataset(), 20000);
        QCOMPARE(QString::fromStdString(panel.imageTarget()), target);
        QCOMPARE(panel.classCount(), 0);
        QCOMPARE(panel.inputShape(), (Shape{2, 32, 32}));
        QCOMPARE(panel.targetShape(), (Shape{channels, 32, 32}));
        QCOMPARE(QString::fromStdString(panel.source()["target"].get<std::string>()), target);
        Tensor x, y;
        panel.dataset()->batch({0, 1}, x, y);
        QCOMPARE(y.shape(), (Shape{2, channels, 32, 32}));
        double lo = INFINITY, hi = -INFINITY;
        for (std::size_t i = 0; i < y.size(); ++i) lo = std::min(lo, double(y[i])), hi = std::max(hi, double(y[i]));
        if (target == "mask") {
            QCOMPARE(lo, 0.0);  // a mask is 0 or 1
            QCOMPARE(hi, 1.0);
        } else {
            QVERIFY(hi > lo);
        }
        // The grid still names the galaxies' classes.
        QCOMPARE(panel.thumbnails()->visibleCount(), 12);
    }

    void imageTargetNeedsItsKind() {
        DataPanel panel;
        panel.setSource(Json{{"kind", "simulated"}, {"sim_kind", "morphology"}, {"count", 12}, {"size", 32},
                             {"bands", {"r"}}, {"seed", 2}, {"target", "mask"}});
        panel.waitUntilLoaded();
        QVERIFY(!panel.hasDataset());
        QVERIFY2(panel.summaryText().contains("clumps"), qPrintable(panel.summaryText()));
    }

    void fitsANarrowDock() {
        // The Data dock of a 1600 × 1000 window is about 400 pixels wide: every source form and
        // every tab must fit without a horizontal scroll bar.
        DataPanel panel;
        panel.setSource(Json{{"kind", "simulated"}, {"sim_kind", "morphology"}, {"count", 20}, {"size", 32},
                             {"bands", {"g", "r", "i"}}, {"seed", 3}});
        panel.waitUntilLoaded();
        QTRY_VERIFY_WITH_TIMEOUT(panel.hasDataset(), 20000);
        panel.openSample(1);
        auto* kind = panel.findChild<QComboBox*>();
        QVERIFY(kind);
        QStringList widths;
        int widest = 0;
        for (int k = 0; k < kind->count(); ++k) {
            kind->setCurrentIndex(k);
            for (int t = 0; t < panel.views()->count(); ++t) {
                panel.views()->setCurrentIndex(t);
                const int w = panel.minimumSizeHint().width();
                widest = std::max(widest, w);
                widths << QString("%1/%2: %3").arg(kind->itemText(k), panel.views()->tabText(t)).arg(w);
            }
        }
        qInfo("Data panel minimum widths: %s", qPrintable(widths.join("; ")));
        if (widest > 370) {  // name the culprits
            QStringList wide;
            for (QWidget* c : panel.findChildren<QWidget*>())
                if (c->minimumSizeHint().width() > 330 || c->minimumWidth() > 330)
                    wide << QString("%1(%2) %3").arg(c->metaObject()->className(), c->objectName()).arg(c->minimumSizeHint().width());
            qInfo("wide: %s", qPrintable(wide.join("; ")));
        }
        QVERIFY2(widest <= 370, qPrintable(widths.join("; ")));
    }

    void largeFitsDisplaysOffTheUiThread() {
        // A 4096 × 4096 float32 FITS: reading and rendering happen off the UI thread; the
        // time until the first frame is shown is reported (issue #9: < 0.5 s).
        QTemporaryDir dir;
        const QString path = dir.filePath("big.fits");
        const int n = 4096;
        {
            Image img(1, n, n);
            float* d = img.channel(0);
            std::uint32_t state = 7;
            for (int r = 0; r < n; ++r)
                for (int c = 0; c < n; ++c) {
                    state = state * 1664525u + 1013904223u;
                    const float dx = float(c - n / 2), dy = float(r - n / 2);
                    d[std::size_t(r) * n + c] = 100.0f + float(state >> 24) / 25.0f +
                                                3000.0f * std::exp(-(dx * dx + dy * dy) / (2 * 250.0f * 250.0f));
                }
            writeFits(path.toStdString(), img);
        }
        DataPanel panel;
        panel.resize(900, 1000);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        widgets::ImageView* view = panel.imageView();
        QSignalSpy frames(view, &widgets::ImageView::frameReady);
        StallProbe probe;
        QElapsedTimer shown;
        shown.start();
        panel.openImageFile(path);
        QTRY_VERIFY_WITH_TIMEOUT(view->image() && view->isFrameCurrent() && frames.count() >= 1, 30000);
        const qint64 displayMs = shown.elapsed();
        qInfo("4096x4096 float32 FITS: read + first frame shown after %lld ms (UI stall at most %lld ms)", displayMs,
              probe.worst());
        QCOMPARE(view->image()->width(), n);
        // The histogram of every 16th pixel (counted on a worker thread) with the interval's markers.
        const widgets::Histogram* hist = &panel.imageHistogram()->histogram();
        QTRY_COMPARE_WITH_TIMEOUT(hist->valid, std::uint64_t(n) * n / 16, 10000);
        QCOMPARE(hist->blank, std::uint64_t(0));
        QCOMPARE(int(hist->counts.size()), 128);
        {
            std::vector<float> every16;
            for (std::size_t i = 0; i < std::size_t(n) * n; i += 16) every16.push_back(view->image()->pixels[i]);
            const widgets::Histogram want = widgets::computeHistogram(every16.data(), every16.size(), nullptr, 128);
            QCOMPARE(hist->low, want.low);
            QCOMPARE(hist->high, want.high);
            QVERIFY(hist->counts == want.counts);
        }
        QVERIFY(panel.imageHistogram()->plot()->xAxis->label().contains("every 16th pixel"));
        // Changing the stretch: the old frame stays until the worker's new one arrives.
        probe.reset();
        for (DisplayStretch k : {DisplayStretch::Asinh, DisplayStretch::Log, DisplayStretch::HistEq}) {
            const int before = frames.count();
            StretchSpec st = view->settings().stretch;
            st.kind = k;
            view->setStretch(st);
            QTRY_VERIFY_WITH_TIMEOUT(frames.count() > before && view->isFrameCurrent(), 30000);
        }
        qInfo("longest UI-thread stall while changing the stretch of a 4096x4096 image: %lld ms", probe.worst());
        QVERIFY2(probe.worst() < 50, qPrintable(QString("UI stalled %1 ms").arg(probe.worst())));
        QVERIFY(panel.imageHistogram()->histogram().valid > 0);
    }
};

QTEST_MAIN(TestDataPanel)
#include "tst_data_panel.moc"
