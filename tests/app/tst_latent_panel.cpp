// Latent space panel user flows (offscreen), on a small simulated morphology set and a VAE
// trained for two epochs in the panel: the scatter gets one point per image; clicks in empty
// space decode what the engine decodes at that latent point (and differ between positions);
// hover finds the nearest galaxy; two picked galaxies give the interpolation and σ ellipses;
// the traversal grid fills the view; the CSV has one row per image with the engine's μ and σ;
// a 4-D model is projected by PCA and t-SNE in the background; runs open from disk (vae-latent
// and an autoencoder split at its bottleneck). With DEEPFIELD_SCREENSHOT_DIR set, a screenshot
// of the panel is saved there.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <qcustomplot.h>

#include <cmath>
#include <filesystem>

#include "core/atomic_file.h"
#include "generative/latent.h"
#include "graph/templates.h"
#include "panels/data_panel.h"
#include "panels/latent/latent_model.h"
#include "panels/latent_panel.h"
#include "latent_scatter.h"
#include "main_window.h"

#include <QDockWidget>

using namespace deepfield;
using deepfield::app::DataPanel;
using deepfield::app::LatentModel;
using deepfield::app::LatentPanel;

namespace {
constexpr int kImages = 120;

double maxAbsDiff(const Tensor& a, const Tensor& b) {
    if (a.size() != b.size()) return 1e30;
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, double(std::abs(a[i] - b[i])));
    return m;
}

// A widget position in the plot with no point within 20 pixels, searched on a coarse raster.
QPointF emptyPixel(widgets::LatentScatter* s, int skip) {
    const QRect r = s->plot()->axisRect()->rect();
    for (int y = r.top() + 10; y < r.bottom() - 10; y += 15)
        for (int x = r.left() + 10; x < r.right() - 10; x += 15)
            if (s->nearestPoint(QPointF(x, y), 20.0) < 0 && skip-- <= 0) return QPointF(x, y);
    return QPointF(-1, -1);
}

void click(QWidget* w, const QPointF& pos) {
    for (auto type : {QEvent::MouseButtonPress, QEvent::MouseButtonRelease}) {
        QMouseEvent e(type, pos, w->mapToGlobal(pos), Qt::LeftButton,
                      type == QEvent::MouseButtonPress ? Qt::LeftButton : Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(w, &e);
    }
}
}  // namespace

class TestLatentPanel : public QObject {
    Q_OBJECT
    DataPanel* data_ = nullptr;
    LatentPanel* panel_ = nullptr;

private slots:
    void initTestCase() {
        data_ = new DataPanel;
        data_->setSource(Json{{"kind", "simulated"}, {"sim_kind", "morphology"}, {"count", kImages}, {"size", 32},
                              {"bands", {"r"}}, {"seed", 3}});
        data_->waitUntilLoaded();
        QCOMPARE(data_->sampleCount(), kImages);
        panel_ = new LatentPanel(data_);
        panel_->resize(1400, 800);
        panel_->show();
        app::VaeTrainSettings s;
        s.latent = 2;
        s.epochs = 2;
        s.baseFilters = 8;
        s.imageSize = 32;
        s.batchSize = 16;
        QElapsedTimer t;
        t.start();
        panel_->trainVae(s);
        QVERIFY(panel_->isBusy());
        panel_->waitUntilIdle();
        qInfo("trained 2 epochs and encoded %d images in %lld ms", kImages, t.elapsed());
        QVERIFY2(panel_->model(), qPrintable(panel_->statusText()));
    }

    void scatterHasOnePointPerImage() {
        QCOMPARE(panel_->codes().mu.batch(), kImages);
        QCOMPARE(panel_->codes().mu.dim(1), 2);
        QCOMPARE(panel_->scatter()->pointCount(), kImages);
        for (int i = 0; i < kImages; i += 17) {  // the plane shows μ itself (2-D latent)
            QCOMPARE(panel_->scatter()->point(i).x(), double(panel_->codes().mu.sample(i)[0]));
            QCOMPARE(panel_->scatter()->point(i).y(), double(panel_->codes().mu.sample(i)[1]));
        }
        QCOMPARE(panel_->scatter()->legendItemCount(), data_->classNames().size());
        QVERIFY(panel_->colourings().contains("bt"));  // the simulator's truth, to colour by
        panel_->setColouring("bt");
        QVERIFY(panel_->scatter()->hasColourBar());
        panel_->setColouring("class");
        QVERIFY(!panel_->scatter()->hasColourBar());
    }

    void clickInEmptySpaceDecodesThatPoint() {
        auto* s = panel_->scatter();
        Tensor images[2];
        for (int k = 0; k < 2; ++k) {
            const QPointF px = emptyPixel(s, k * 25);
            QVERIFY(px.x() >= 0);
            click(s->plot(), px);
            panel_->waitUntilIdle();
            const QPointF plane = s->pixelToPlot(px);
            const std::vector<float> z = panel_->latentAt(plane);
            QCOMPARE(int(z.size()), 2);
            QCOMPARE(panel_->probeLatent().sample(0)[0], z[0]);
            QCOMPARE(panel_->probeLatent().sample(0)[1], z[1]);
            const Tensor expected = panel_->model()->decode(Tensor::fromData({1, 2}, z));
            QCOMPARE(panel_->probeDecoded().sampleShape(), (Shape{1, 32, 32}));
            QCOMPARE(maxAbsDiff(panel_->probeDecoded(), expected), 0.0);
            QVERIFY(!panel_->probeImage().isNull());
            images[k] = panel_->probeDecoded();
        }
        QVERIFY(maxAbsDiff(images[0], images[1]) > 1e-3);
        qInfo("one decode on the worker: %.2f ms", panel_->lastDecodeMilliseconds());
    }

    void hoverShowsNearestGalaxy() {
        auto* s = panel_->scatter();
        for (int target : {5, 60, 119}) {
            const QPointF px = s->plotToPixel(s->point(target)) + QPointF(1, 1);
            int expected = -1;
            double best = 1e18;
            for (int i = 0; i < s->pointCount(); ++i) {
                const QPointF q = s->plotToPixel(s->point(i));
                const double d = std::hypot(q.x() - px.x(), q.y() - px.y());
                if (d < best) best = d, expected = i;
            }
            QMouseEvent e(QEvent::MouseMove, px, s->plot()->mapToGlobal(px), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
            QApplication::sendEvent(s->plot(), &e);
            QCOMPARE(panel_->hoveredIndex(), expected);
            QVERIFY(!panel_->hoverImage().isNull());
            QCOMPARE(panel_->hoverImage().width(), 32);
        }
    }

    void twoGalaxiesGiveInterpolationAndEllipses() {
        auto* s = panel_->scatter();
        panel_->clickAt(s->point(3), 3);
        panel_->clickAt(s->point(40), 40);
        panel_->waitUntilIdle();
        QCOMPARE(s->selection(), QVector<int>({3, 40}));
        QCOMPARE(s->ellipseCount(), 2);
        const Tensor path = panel_->interpolation();
        QCOMPARE(path.batch(), 10);
        const Tensor& mu = panel_->codes().mu;
        const Tensor a = panel_->model()->decode(Tensor::fromData({1, 2}, {mu.sample(3)[0], mu.sample(3)[1]}));
        const Tensor first = Tensor::fromData({1, 1, 32, 32}, std::vector<float>(path.sample(0), path.sample(0) + 1024));
        QVERIFY(maxAbsDiff(first, a) < 1e-6);
        // A third pick drops the oldest.
        panel_->clickAt(s->point(7), 7);
        QCOMPARE(s->selection(), QVector<int>({40, 7}));
    }

    void traversalGridCoversTheView() {
        panel_->setGridVisible(true);
        panel_->waitUntilIdle();
        QCOMPARE(panel_->gridTileCount(), 64);
        QTemporaryDir dir;
        QVERIFY(panel_->exportGrid(dir.filePath("grid.png")));
        QCOMPARE(QImage(dir.filePath("grid.png")).size(), QSize(8 * 64, 8 * 64));
        QVERIFY(panel_->exportGrid(dir.filePath("grid.svg")));
        QVERIFY(panel_->exportPlot(dir.filePath("plot.png")));
        QVERIFY(panel_->exportPlot(dir.filePath("plot.svg")));
        QVERIFY(QFileInfo(dir.filePath("plot.svg")).size() > 1000);
        if (qEnvironmentVariableIsSet("DEEPFIELD_SCREENSHOT_DIR"))
            panel_->grab().save(qEnvironmentVariable("DEEPFIELD_SCREENSHOT_DIR") + "/latent-panel-test.png");
        panel_->setGridVisible(false);
        QCOMPARE(panel_->gridTileCount(), 0);
    }

    void csvMatchesEngineEncoding() {
        QTemporaryDir dir;
        QVERIFY(panel_->exportCsv(dir.filePath("latent.csv")));
        QFile f(dir.filePath("latent.csv"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString(f.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), kImages + 1);
        QCOMPARE(lines[0], QString("filename,label,mu_0,mu_1,sigma_0,sigma_1"));
        auto model = panel_->model();
        const LatentCodes ref = encodeDataset(*model->vae(), *model->adapt(data_->dataset()));
        const QStringList classes = data_->classNames();
        for (int i = 0; i < kImages; ++i) {
            const QStringList cells = lines[i + 1].split(',');
            QCOMPARE(cells.size(), 6);
            QVERIFY(classes.contains(cells[1]));
            for (int j = 0; j < 2; ++j) {
                QVERIFY(std::abs(cells[2 + j].toDouble() - ref.mu.sample(i)[j]) <= 1e-5 * (1 + std::abs(ref.mu.sample(i)[j])));
                QVERIFY(std::abs(cells[4 + j].toDouble() - ref.sigma.sample(i)[j]) <= 1e-5 * (1 + ref.sigma.sample(i)[j]));
            }
        }
    }

    void wideLatentProjectsByPcaAndTsne() {
        LatentPanel panel(data_);
        GenerativeTemplateOptions o;
        o.imageShape = {1, 32, 32};
        o.latent = 4;
        o.baseFilters = 4;
        GraphPair pair = makeGenerativeTemplate("vae-latent", o);
        pair.first.build();
        pair.second.build();
        pair.first.reset(1);
        pair.second.reset(2);
        panel.setModel(LatentModel::fromVae(VaeModel(std::move(pair.first), std::move(pair.second)), "untrained"));
        panel.waitUntilIdle();
        QCOMPARE(panel.projection().mode, app::Projection::Mode::Pca);
        QCOMPARE(panel.projection().points.batch(), kImages);
        QCOMPARE(panel.scatter()->pointCount(), kImages);
        const std::vector<float> z = panel.latentAt({0.5, -0.25});
        QCOMPARE(int(z.size()), 4);
        panel.setProjection(2);
        panel.waitUntilIdle();
        QCOMPARE(panel.projection().mode, app::Projection::Mode::Tsne);
        QCOMPARE(panel.scatter()->pointCount(), kImages);
        QVERIFY(panel.latentAt({0, 0}).empty());
        panel.setProjection(0, 2, 3);
        QCOMPARE(panel.scatter()->point(9).x(), double(panel.codes().mu.sample(9)[2]));
        QCOMPARE(panel.scatter()->point(9).y(), double(panel.codes().mu.sample(9)[3]));
    }

    void opensVaeAndAutoencoderRuns() {
        namespace fs = std::filesystem;
        QTemporaryDir dir;
        // A vae-latent run in the layout `deepfield-cli train` writes.
        const std::string vaeRun = dir.filePath("vae").toStdString();
        fs::create_directories(vaeRun);
        VaeModel* vae = panel_->model()->vae();
        Json model{{"format", "deepfield-graph"},
                   {"generative", Json{{"kind", "vae-latent"}, {"first", vae->encoder.toJson()}, {"second", vae->decoder.toJson()}}},
                   {"preprocessing", Json{{"input", "image_folder"}, {"input_shape", Shape{1, 32, 32}}}},
                   {"training", Json::object()}};
        writeFileAtomically(vaeRun + "/model.json", model.dump(2));
        vae->encoder.saveWeights(vaeRun + "/first.safetensors");
        vae->decoder.saveWeights(vaeRun + "/second.safetensors");
        LatentPanel panel(data_);
        QVERIFY2(panel.openRun(QString::fromStdString(vaeRun)), qPrintable(panel.statusText()));
        panel.waitUntilIdle();
        QCOMPARE(panel.codes().mu.batch(), kImages);
        QVERIFY(maxAbsDiff(panel.codes().mu, panel_->codes().mu) < 1e-6);

        // An image-to-image autoencoder: split at its bottleneck, decode(encode(x)) is the network's output.
        TemplateOptions to({1, 32, 32}, 0);
        to.depth = 2;
        to.baseFilters = 2;
        Graph ae = makeTemplate("autoencoder", to);
        ae.build();
        ae.reset(4);
        const std::string aeRun = dir.filePath("ae").toStdString();
        fs::create_directories(aeRun);
        Json aeJson = ae.toJson();
        aeJson["preprocessing"] = Json{{"input", "image_folder"}, {"task", "image"}, {"input_shape", Shape{1, 32, 32}}};
        writeFileAtomically(aeRun + "/model.json", aeJson.dump(2));
        ae.saveWeights(aeRun + "/weights.safetensors");
        QVERIFY2(panel.openRun(QString::fromStdString(aeRun)), qPrintable(panel.statusText()));
        panel.waitUntilIdle();
        auto m = panel.model();
        QCOMPARE(m->kind(), LatentModel::Kind::Autoencoder);
        QCOMPARE(m->latentDim(), 4 * 2 * 8 * 8);  // 2^depth·b = 8 filters at 32/2² = 8 pixels
        QCOMPARE(panel.scatter()->pointCount(), kImages);
        QCOMPARE(panel.projection().mode, app::Projection::Mode::Pca);
        QCOMPARE(int(panel.projection().components.cols()), m->latentDim());  // of these codes, not the VAE's
        Tensor x, y;
        m->adapt(data_->dataset())->batch({0}, x, y);
        const Tensor full = ae.forward(x, Mode::Inference);
        Tensor z({1, m->latentDim()});
        std::copy_n(panel.codes().mu.sample(0), z.size(), z.data());
        QVERIFY(maxAbsDiff(m->decode(z), full) < 1e-5);

        // A file that is not a run: a message naming it, no crash.
        QVERIFY(!panel.openRun(dir.filePath("nothing")));
        QVERIFY(panel.statusText().contains("nothing"));
    }

    // Training shows its two loss terms while it runs and stops on Cancel; the model so far is used.
    void trainingReportsLossesAndCancels() {
        LatentPanel panel(data_);
        app::VaeTrainSettings s;
        s.epochs = 500;
        s.baseFilters = 4;
        s.imageSize = 16;
        s.batchSize = 8;
        QElapsedTimer t;
        t.start();
        panel.trainVae(s);
        QVERIFY(panel.isBusy());
        QTRY_VERIFY_WITH_TIMEOUT(panel.lossPointCount() >= 3, 20000);
        panel.cancel();
        panel.waitUntilIdle();
        QVERIFY(t.elapsed() < 20000);
        QVERIFY(panel.model());
        QVERIFY(QString::fromStdString(panel.model()->origin()).contains("cancelled"));
        QCOMPARE(panel.model()->inputShape(), (Shape{1, 16, 16}));
        QCOMPARE(panel.scatter()->pointCount(), data_->sampleCount());
    }

    // New images in the Data panel are encoded by the model in use.
    void newDatasetIsEncoded() {
        data_->setSource(Json{{"kind", "simulated"}, {"sim_kind", "morphology"}, {"count", 80}, {"size", 32},
                              {"bands", {"r"}}, {"seed", 4}});
        data_->waitUntilLoaded();
        panel_->waitUntilIdle();
        QCOMPARE(panel_->codes().mu.batch(), 80);
        QCOMPARE(panel_->scatter()->pointCount(), 80);
        const LatentCodes ref = encodeDataset(*panel_->model()->vae(), *panel_->model()->adapt(data_->dataset()));
        QVERIFY(maxAbsDiff(panel_->codes().mu, ref.mu) < 1e-6);
    }

    // The studio has the panel as a dock; with DEEPFIELD_SCREENSHOT_DIR set, the README's pictures
    // are taken from it: a VAE trained on the built-in 1,200 simulated galaxies, coloured by class.
    void mainWindowHasTheLatentDock() {
        app::MainWindow w;
        w.setOfferRecovery(false);
        auto* dock = w.findChild<QDockWidget*>("LatentDock");
        QVERIFY(dock);
        QCOMPARE(dock->windowTitle(), QString("Latent space"));
        auto* panel = dock->findChild<LatentPanel*>();
        QVERIFY(panel);
        const QString dir = qEnvironmentVariable("DEEPFIELD_SCREENSHOT_DIR");
        if (!dir.isEmpty()) {
            w.resize(1600, 1000);
            w.show();
            dock->raise();
            // docs/demonstrations.md's VAE recipe: g, r, i galaxies of 32×32, β 0.5, KL warm-up 3.
            w.dataPanel()->setSource(Json{{"kind", "simulated"}, {"sim_kind", "morphology"}, {"count", 1600},
                                          {"size", 32}, {"bands", {"g", "r", "i"}}, {"seed", 1}});
            w.dataPanel()->waitUntilLoaded();
            app::VaeTrainSettings s;
            s.epochs = 15;
            s.imageSize = 32;
            s.baseFilters = 16;
            s.beta = 0.5f;
            s.klWarmupEpochs = 3;
            s.learningRate = 0.002;
            s.grey = false;
            panel->setTrainSettings(s);
            panel->trainVae(panel->trainSettings());
            panel->waitUntilIdle();
            auto* sc = panel->scatter();
            int lo = 0, hi = 0;
            for (int i = 0; i < sc->pointCount(); ++i) {
                if (sc->point(i).x() < sc->point(lo).x()) lo = i;
                if (sc->point(i).x() > sc->point(hi).x()) hi = i;
            }
            panel->clickAt(sc->point(lo), lo);
            panel->clickAt(sc->point(hi), hi);
            panel->hoverPoint(hi);
            const QRectF v = sc->visibleRegion();
            panel->clickAt(QPointF(v.left() + 0.3 * v.width(), v.top() + 0.8 * v.height()));
            panel->waitUntilIdle();
            dock->raise();  // over the Network dock the window raises on its first start
            // The plot beside the settings, unscrolled: a wide window without the Data dock.
            w.resize(1900, 1000);
            w.findChild<QDockWidget*>("DataDock")->hide();
            w.resizeDocks({dock}, {1350}, Qt::Horizontal);
            QTest::qWait(200);
            QVERIFY(w.grab().save(dir + "/latent-space.png"));
            panel->setGridVisible(true);
            panel->waitUntilIdle();
            QVERIFY(w.grab().save(dir + "/latent-grid.png"));
            panel->setGridVisible(false);
        }
        w.discardChanges();
    }

    void cleanupTestCase() {
        delete panel_;
        delete data_;
    }
};

QTEST_MAIN(TestLatentPanel)
#include "tst_latent_panel.moc"
