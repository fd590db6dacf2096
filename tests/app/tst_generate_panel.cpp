// The Generate panel as a student uses it: train a tiny GAN on simulated galaxies, watch the
// generated grid change while it trains, pause, go back through the snapshots, and rank the
// dataset by the critic's score.
#include <QComboBox>
#include <QSignalSpy>
#include <QElapsedTimer>
#include <QSlider>
#include <QTimer>
#include <QtTest>

#include <QTemporaryDir>
#include <filesystem>

#include "core/atomic_file.h"
#include "data/fits.h"
#include "data/simulator.h"
#include "graph/templates.h"
#include "generative/anomaly.h"
#include "generative/loop.h"
#include "histogram_view.h"
#include "image_tile_grid.h"
#include "panels/generate/anomaly_view.h"
#include "panels/generate/gan_curves.h"
#include "panels/generate_panel.h"

using namespace deepfield;
using namespace deepfield::app;

namespace {

// 48 simulated galaxies, 16×16, one band.
std::shared_ptr<const Dataset> tinyGalaxies() {
    SimOptions o;
    o.kind = SimKind::Morphology;
    o.size = 16;
    o.bands = {"r"};
    o.seed = 11;
    const auto galaxies = simulateGalaxies(o, 0, 48);
    Tensor x({48, 1, 16, 16}), y({48, 1});
    for (int i = 0; i < 48; ++i) std::copy_n(galaxies[std::size_t(i)].image.data(), 256, x.sample(i));
    return std::make_shared<TensorDataset>(std::move(x), std::move(y));
}

GanSetup tinySetup(GanKind kind) {
    GanSetup s;
    s.options.kind = kind;
    s.options.epochs = 5000;  // stopped by the test
    s.options.batchSize = 8;
    s.options.seed = 2;
    s.options.criticSteps = kind == GanKind::WGAN ? 2 : 1;
    s.options.clipValue = 0.05f;
    s.options.sampleEvery = 1;
    s.options.sampleCount = 4;
    s.generatorLearningRate = s.criticLearningRate = 5e-3;  // large: visible change within a few steps
    s.latent = 8;
    s.baseFilters = 4;
    return s;
}

std::vector<float> tileValues(const widgets::ImageTileGrid* grid) {
    std::vector<float> v;
    for (int i = 0; i < grid->count(); ++i) {
        const Tensor& t = grid->tile(i).image;
        v.insert(v.end(), t.data(), t.data() + t.size());
    }
    return v;
}

std::vector<float> values(const Tensor& t) { return std::vector<float>(t.data(), t.data() + t.size()); }

}  // namespace

class TestGeneratePanel : public QObject {
    Q_OBJECT
private slots:
    void gridUpdatesDuringTrainingAndSnapshotsGoBack_data();
    void gridUpdatesDuringTrainingAndSnapshotsGoBack();
    void curvesMoveWithinEpochsAndTheUiKeepsUp_data();
    void curvesMoveWithinEpochsAndTheUiKeepsUp();
    void startWithoutImagesSaysWhy();
    void opensACliRun();
    void ranksAVaeRunByTheChosenStatistic();
};

void TestGeneratePanel::gridUpdatesDuringTrainingAndSnapshotsGoBack_data() {
    QTest::addColumn<int>("kind");
    QTest::newRow("dcgan") << int(GanKind::DCGAN);
    QTest::newRow("wgan") << int(GanKind::WGAN);
}

void TestGeneratePanel::gridUpdatesDuringTrainingAndSnapshotsGoBack() {
    QFETCH(int, kind);
    const auto data = tinyGalaxies();
    GeneratePanel panel([data] { return data; });
    panel.resize(1000, 700);
    panel.show();
    panel.setSetup(tinySetup(GanKind(kind)), 0, false);
    QCOMPARE(int(panel.setup().options.kind), kind);
    QCOMPARE(panel.setup().options.sampleCount, 4);

    // Record what the grid shows at every update while the worker is still training.
    std::vector<std::vector<float>> seenWhileRunning;
    connect(panel.session(), &GanSession::updated, &panel, [&] {
        if (panel.session()->isRunning() && panel.sampleGrid()->count() > 0) {
            const auto v = tileValues(panel.sampleGrid());
            if (seenWhileRunning.empty() || seenWhileRunning.back() != v) seenWhileRunning.push_back(v);
        }
    });
    QVERIFY2(panel.startTraining(), qPrintable(panel.statusText()));
    QVERIFY(panel.session()->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(seenWhileRunning.size() >= 3, 20000);
    QVERIFY(panel.session()->isRunning());
    QCOMPARE(panel.sampleGrid()->count(), 4);  // the fixed noise batch
    QCOMPARE(panel.sampleGrid()->tile(0).image.shape(), (Shape{1, 16, 16}));

    // Pause: the run waits, the snapshots stop growing.
    panel.pauseTraining(true);
    QTRY_VERIFY_WITH_TIMEOUT(panel.statusText().startsWith("Paused"), 10000);
    const std::size_t pausedAt = panel.snapshots().size();
    QTest::qWait(300);
    QCOMPARE(panel.snapshots().size(), pausedAt);
    QVERIFY(panel.session()->isRunning());
    panel.pauseTraining(false);
    QTRY_VERIFY_WITH_TIMEOUT(panel.snapshots().size() > pausedAt + 2, 20000);

    QSignalSpy finished(panel.session(), &GanSession::finished);
    panel.stopTraining();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
    QCOMPARE(finished.at(0).at(0).toString(), QString("cancelled"));
    QVERIFY(!panel.session()->isRunning());
    QVERIFY(panel.curves()->generatorPointCount() > 0);

    // Snapshots: the first is the untrained generator (step 0), steps increase, and the slider
    // shows exactly the stored images of the snapshot it points at.
    const auto& snaps = panel.snapshots();
    QVERIFY(snaps.size() >= 4);
    QCOMPARE(snaps.front().generatorStep, 0);
    for (std::size_t i = 1; i < snaps.size(); ++i) QVERIFY(snaps[i].generatorStep > snaps[i - 1].generatorStep);
    QVERIFY(panel.snapshotSlider()->isEnabled());
    QCOMPARE(panel.snapshotSlider()->maximum(), int(snaps.size()) - 1);
    QCOMPARE(panel.shownSnapshot(), int(snaps.size()) - 1);  // followed the newest
    QCOMPARE(tileValues(panel.sampleGrid()), values(snaps.back().images));
    panel.snapshotSlider()->setValue(0);
    QCOMPARE(panel.shownSnapshot(), 0);
    const auto first = tileValues(panel.sampleGrid());
    QCOMPARE(first, values(snaps.front().images));
    const int mid = int(snaps.size()) / 2;
    panel.snapshotSlider()->setValue(mid);
    QCOMPARE(tileValues(panel.sampleGrid()), values(snaps[std::size_t(mid)].images));
    QVERIFY(first != values(snaps.back().images));  // the generator changed
    QVERIFY(panel.sampleGrid()->renderedTile(0).size() == QSize(16, 16));

    // Anomaly ranking by the critic: sorted by decreasing score, the engine's scores exactly.
    QCOMPARE(panel.anomalies()->sourceChoice()->count(), 1);
    QVERIFY(panel.rankDataset());
    panel.waitForRanking();
    QTRY_COMPARE_WITH_TIMEOUT(int(panel.anomalies()->scores().size()), 48, 10000);
    auto critic = panel.scoringCritic();
    QVERIFY(critic);
    const std::vector<double> expected = criticScores(*critic, ScaledDataset(data, ScaleRange::Symmetric));
    QCOMPARE(panel.anomalies()->scores(), expected);
    const auto& order = panel.anomalies()->order();
    QCOMPARE(int(order.size()), 48);
    for (std::size_t i = 1; i < order.size(); ++i)
        QVERIFY(expected[std::size_t(order[i - 1])] >= expected[std::size_t(order[i])]);
    const auto& shown = panel.anomalies()->shownImages();
    QCOMPARE(int(shown.size()), 48);
    QCOMPARE(shown, order);
    QCOMPARE(panel.anomalies()->gallery()->count(), 48);
    QVERIFY(panel.anomalies()->gallery()->caption(0).startsWith(QString("#%1 ").arg(order[0])));
    // The gallery's first tile is the top-ranked image as stored.
    Tensor x, y;
    data->batch({order[0]}, x, y);
    QCOMPARE(values(panel.anomalies()->gallery()->tile(0).image), values(x));

    // Threshold: highlights exactly the images at or above it; "only above" filters the rest out.
    const double t = expected[std::size_t(order[10])];
    panel.anomalies()->setThreshold(t);
    const double used = panel.anomalies()->threshold();
    int above = 0;
    for (double s : expected) above += s >= used;
    QCOMPARE(panel.anomalies()->aboveThreshold(), above);
    QVERIFY(above > 0 && above < 48);
    for (int k = 0; k < panel.anomalies()->gallery()->count(); ++k)
        QCOMPARE(panel.anomalies()->gallery()->tile(k).highlighted, expected[std::size_t(shown[std::size_t(k)])] >= used);
    panel.anomalies()->setOnlyAbove(true);
    QCOMPARE(panel.anomalies()->gallery()->count(), above);
    QCOMPARE(panel.anomalies()->histogram()->histogram().valid, std::uint64_t(48));
}

void TestGeneratePanel::curvesMoveWithinEpochsAndTheUiKeepsUp_data() {
    gridUpdatesDuringTrainingAndSnapshotsGoBack_data();  // the same rows: dcgan, wgan
}

// The loss curves get a point every step (not only every epoch), with exactly the run's values,
// while the UI thread redraws at most ~10 times a second even though these epochs last milliseconds.
void TestGeneratePanel::curvesMoveWithinEpochsAndTheUiKeepsUp() {
    QFETCH(int, kind);
    const bool wgan = GanKind(kind) == GanKind::WGAN;
    const auto data = tinyGalaxies();
    GeneratePanel panel([data] { return data; });
    panel.resize(1000, 700);
    panel.show();
    GanSetup setup = tinySetup(GanKind(kind));
    setup.options.batchSize = 4;    // 48 images: 12 steps an epoch
    setup.options.sampleEvery = 0;  // one sample an epoch
    const int perEpoch = 12;
    panel.setSetup(setup, 0, false);

    int updates = 0;
    bool aheadOfEpochs = false;  // steps of an unfinished epoch were drawn
    connect(panel.session(), &GanSession::updated, &panel, [&] {  // after the panel's own slot
        if (!panel.session()->isRunning()) return;
        ++updates;
        if (panel.curves()->criticPointCount() > panel.curves()->epochCount() * perEpoch) aheadOfEpochs = true;
    });
    // The UI event loop's longest pause while training (a 10 ms ticker).
    QElapsedTimer clock;
    qint64 lastTick = 0, longestGap = 0;
    QTimer ticker;
    ticker.setInterval(10);
    connect(&ticker, &QTimer::timeout, &panel, [&] {
        const qint64 t = clock.elapsed();
        longestGap = std::max(longestGap, t - lastTick);
        lastTick = t;
    });
    QVERIFY2(panel.startTraining(), qPrintable(panel.statusText()));
    clock.start();
    ticker.start();
    QTRY_VERIFY_WITH_TIMEOUT(panel.curves()->epochCount() >= 5 && aheadOfEpochs && clock.elapsed() > 1500, 20000);
    const double seconds = double(clock.elapsed()) / 1000.0;
    const int updatesWhileRunning = updates;
    ticker.stop();
    QSignalSpy finished(panel.session(), &GanSession::finished);
    panel.stopTraining();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);

    qInfo("%d updates in %.2f s, %d step points over %d epochs, longest UI pause %lld ms", updatesWhileRunning, seconds,
          panel.curves()->criticPointCount(), panel.curves()->epochCount(), longestGap);
    QVERIFY2(updatesWhileRunning <= int(10.5 * seconds) + 3,
             qPrintable(QString("%1 redraws in %2 s").arg(updatesWhileRunning).arg(seconds)));
    QVERIFY2(longestGap < 500, qPrintable(QString("the UI paused %1 ms").arg(longestGap)));
    // One point per critic step with the history's values; more points than epochs.
    const GanHistory& h = panel.session()->history();
    QVERIFY(panel.curves()->criticPointCount() >= 5 * perEpoch);
    QVERIFY(panel.curves()->criticPointCount() > panel.curves()->epochCount());
    QCOMPARE(panel.curves()->stepValues(0), h.criticLosses);
    QCOMPARE(panel.curves()->stepValues(1), h.batchLosses);  // one generator step per round
    QCOMPARE(panel.curves()->generatorPointCount(), panel.curves()->criticPointCount() / (wgan ? 2 : 1));
    if (wgan) QCOMPARE(panel.curves()->stepValues(2), h.wassersteinEstimates);
    else QCOMPARE(panel.curves()->wassersteinPointCount(), 0);
    for (int trace = 0; trace < 3; ++trace)
        for (double v : panel.curves()->stepValues(trace)) QVERIFY(std::isfinite(v));
    // To look at the curves: DEEPFIELD_SCREENSHOT_DIR=dir saves them as gan-steps-<kind>.png.
    if (qEnvironmentVariableIsSet("DEEPFIELD_SCREENSHOT_DIR"))
        QVERIFY(panel.curves()->grab().save(qEnvironmentVariable("DEEPFIELD_SCREENSHOT_DIR") +
                                            QString("/gan-steps-%1.png").arg(wgan ? "wgan" : "dcgan")));
}

void TestGeneratePanel::startWithoutImagesSaysWhy() {
    GeneratePanel panel([] { return std::shared_ptr<const Dataset>(); });
    QVERIFY(!panel.startTraining());
    QVERIFY2(panel.statusText().contains("Data panel"), qPrintable(panel.statusText()));
    // A table is not images.
    auto table = std::make_shared<TensorDataset>(Tensor({10, 4}), Tensor({10, 1}));
    GeneratePanel panel2([table] { return table; });
    QVERIFY(!panel2.startTraining());
    QVERIFY2(panel2.statusText().contains("table"), qPrintable(panel2.statusText()));
    QVERIFY(!panel2.rankDataset());
    QVERIFY(!panel2.openRun("/nonexistent/run"));
    QVERIFY2(panel2.statusText().contains("is not a folder"), qPrintable(panel2.statusText()));
}

// An untrained generative pair of 16×16 grey images saved as `deepfield-cli train --model <kind>`
// saves a run (model.json, first/second.safetensors); the weights are seeded with seed, seed + 1.
GraphPair writeUntrainedRun(const std::string& run, const std::string& kind, int latent, std::uint64_t seed) {
    GenerativeTemplateOptions to;
    to.imageShape = {1, 16, 16};
    to.latent = latent;
    to.baseFilters = 4;
    GraphPair pair = makeGenerativeTemplate(kind, to);
    pair.first.build();
    pair.second.build();
    pair.first.reset(seed);
    pair.second.reset(seed + 1);
    const Json model{{"format", "deepfield-graph"},
                     {"generative", Json{{"kind", kind}, {"first", pair.first.toJson()}, {"second", pair.second.toJson()}}},
                     {"preprocessing", Json{{"input", "image_folder"}, {"input_shape", Shape{1, 16, 16}}}},
                     {"training", Json::object()}};
    writeFileAtomically(run + "/model.json", model.dump(2));
    pair.first.saveWeights(run + "/first.safetensors");
    pair.second.saveWeights(run + "/second.safetensors");
    return pair;
}

// A run folder in the layout `deepfield-cli train --model wgan` writes (train_generative.h): the
// panel shows its snapshots in step order and its curves, and ranks with its critic.
void TestGeneratePanel::opensACliRun() {
    QTemporaryDir dir;
    const std::string run = dir.filePath("run-wgan").toStdString();
    std::filesystem::create_directories(run + "/samples");
    GraphPair pair = writeUntrainedRun(run, "wgan", 8, 1);
    writeFileAtomically(run + "/history.csv", "epoch,train_loss,val_loss,train_d_loss,train_g_loss,train_wasserstein\n"
                                              "1,-0.5,,-0.5,0.2,0.5\n2,-0.25,,-0.25,0.1,0.25\n");
    // Three snapshots of 2 images each (cubes of K·C planes), written out of order.
    std::vector<Tensor> cubes;
    for (int s : {10, 0, 5}) {
        Tensor cube({2, 16, 16});
        for (std::size_t i = 0; i < cube.size(); ++i) cube[i] = float(s) + float(i) * 1e-3f;
        char name[64];
        std::snprintf(name, sizeof name, "/samples/step_%06d.fits", s);
        writeFits(run + name, cube, {{"DF_STEP", std::to_string(s), "", false, true}, {"DF_EPOCH", "1", "", false, true}});
    }

    const auto data = tinyGalaxies();
    GeneratePanel panel([data] { return data; });
    QVERIFY2(panel.openRun(QString::fromStdString(run)), qPrintable(panel.statusText()));
    QCOMPARE(int(panel.snapshots().size()), 3);
    QCOMPARE(panel.snapshots()[0].generatorStep, 0);
    QCOMPARE(panel.snapshots()[1].generatorStep, 5);
    QCOMPARE(panel.snapshots()[2].generatorStep, 10);
    QCOMPARE(panel.snapshots()[2].images.shape(), (Shape{2, 1, 16, 16}));
    QCOMPARE(panel.shownSnapshot(), 2);
    QCOMPARE(panel.sampleGrid()->count(), 2);
    QCOMPARE(double(panel.sampleGrid()->tile(0).image[0]), 10.0);
    panel.snapshotSlider()->setValue(1);
    QCOMPARE(double(panel.sampleGrid()->tile(1).image[0]), double(5.0f + 256e-3f));
    QCOMPARE(panel.curves()->epochCount(), 2);
    // Ranking with the run's critic: the engine's scores of the (shape-matching) dataset.
    QCOMPARE(panel.anomalies()->sourceChoice()->count(), 1);
    QVERIFY(panel.anomalies()->sourceChoice()->currentText().contains("run-wgan"));
    QVERIFY(panel.rankDataset());
    panel.waitForRanking();
    QTRY_COMPARE_WITH_TIMEOUT(int(panel.anomalies()->scores().size()), 48, 10000);
    QCOMPARE(panel.anomalies()->scores(), criticScores(pair.second, ScaledDataset(data, ScaleRange::Symmetric)));
    QVERIFY(!panel.anomalies()->statisticChoice()->isEnabled());  // a critic has no residual statistic
}

// A `deepfield-cli train --model vae-latent` run: the statistic chosen in the combo box (default
// combined) is the one the ranking uses, equal to the engine's scores for it; 150 images so that
// combined, a rank within the whole set, spans the panel's chunks of 128.
void TestGeneratePanel::ranksAVaeRunByTheChosenStatistic() {
    QTemporaryDir dir;
    const std::string run = dir.filePath("run-vae").toStdString();
    std::filesystem::create_directories(run);
    GraphPair pair = writeUntrainedRun(run, "vae-latent", 4, 3);

    SimOptions o;
    o.kind = SimKind::Anomaly;
    o.size = 16;
    o.bands = {"r"};
    o.seed = 12;
    o.anomalyFraction = 0.3;
    const auto galaxies = simulateGalaxies(o, 0, 150);
    Tensor x({150, 1, 16, 16}), y({150, 1});
    for (int i = 0; i < 150; ++i) std::copy_n(galaxies[std::size_t(i)].image.data(), 256, x.sample(i));
    const std::shared_ptr<const Dataset> data = std::make_shared<TensorDataset>(std::move(x), std::move(y));

    GeneratePanel panel([data] { return data; });
    QComboBox* statistic = panel.anomalies()->statisticChoice();
    QVERIFY(!statistic->isEnabled());  // nothing to score with yet
    QVERIFY2(panel.openRun(QString::fromStdString(run)), qPrintable(panel.statusText()));
    QVERIFY(statistic->isEnabled());
    QCOMPARE(statistic->currentText(), QString("combined"));
    QCOMPARE(statistic->count(), 6);
    for (int k = 0; k < statistic->count(); ++k)
        QVERIFY(statistic->itemData(k, Qt::ToolTipRole).toString().size() > 20);

    VaeModel vae(pair.first.clone(), pair.second.clone());
    vae.build();
    const ScaledDataset scaled(data, ScaleRange::Unit);
    std::vector<std::vector<double>> seen;
    for (const char* name : {"combined", "sum", "chi2", "peak", "matched", "annulus"}) {
        statistic->setCurrentIndex(statistic->findText(name));
        QVERIFY(panel.rankDataset());
        panel.waitForRanking();
        QTRY_COMPARE_WITH_TIMEOUT(int(panel.anomalies()->scores().size()), 150, 10000);
        const ResidualStatistic which = residualStatisticFromString(name);
        // annulus: the ranked set is its own reference, 20 neighbours.
        const std::vector<double> expected = which == ResidualStatistic::SummedSquared ? vaeReconstructionScores(vae, scaled)
                                             : which == ResidualStatistic::Annulus
                                                 ? vaeNeighbourNormalisedScores(vae, scaled, scaled, which, 20)
                                                 : vaeResidualScores(vae, scaled, which);
        QCOMPARE(panel.anomalies()->scores(), expected);
        for (const auto& other : seen) QVERIFY2(other != expected, name);  // each statistic ranks differently
        seen.push_back(expected);
        const auto& order = panel.anomalies()->order();
        for (std::size_t i = 1; i < order.size(); ++i)
            QVERIFY(expected[std::size_t(order[i - 1])] >= expected[std::size_t(order[i])]);
    }
    // To look at it: DEEPFIELD_SCREENSHOT_DIR=dir saves the Anomalies tab as anomalies-vae.png.
    if (qEnvironmentVariableIsSet("DEEPFIELD_SCREENSHOT_DIR")) {
        panel.resize(1200, 800);
        QVERIFY(panel.grab().save(qEnvironmentVariable("DEEPFIELD_SCREENSHOT_DIR") + "/anomalies-vae.png"));
    }
}

QTEST_MAIN(TestGeneratePanel)
#include "tst_generate_panel.moc"
