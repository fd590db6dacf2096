// The studio as a person uses it: load simulated galaxies, train a CNN while watching the
// curves, stop, save, reopen.
#include <QDockWidget>
#include <QElapsedTimer>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSettings>
#include <QStandardPaths>
#include <QTabBar>
#include <QTemporaryDir>
#include <QtTest>

#include "learning_curve_plot.h"
#include "main_window.h"
#include "network_editor.h"
#include "panels/data_panel.h"
#include "panels/network_panel.h"
#include "panels/train_panel.h"
#include "graph/graph.h"
#include "graph/templates.h"
#include "training/training_controller.h"
#include "studio_fixture.h"

using namespace deepfield;
using namespace deepfield::app;
using namespace studio_test;

namespace {
Json smallSimulatedSet() {
    return Json{{"kind", "simulated"}, {"sim_kind", "morphology"}, {"count", 240}, {"size", 32},
                {"bands", {"r"}},      {"seed", 3}};
}

void prepare(MainWindow& w, int epochs) {
    QVERIFY(loadData(w, smallSimulatedSet()));
    w.networkPanel()->setNetwork(NetworkPanel::templateNetwork("cnn-morphology", {1, 32, 32}, 4));
    setTraining(w, epochs, 16, 0.25, 5);
}

}  // namespace

class TestStudio : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void trainsWithLiveCurvesAndStops() {
        MainWindow w;
        w.setOfferRecovery(false);
        w.show();
        prepare(w, 400);  // far more than the test waits for: it stops the run
        auto* curves = w.trainPanel()->curves();
        QSignalSpy batches(w.training(), &TrainingController::batchesReady);
        QSignalSpy epochs(w.training(), &TrainingController::epochFinished);
        QSignalSpy finished(w.training(), &TrainingController::finished);

        StallProbe probe;
        QElapsedTimer running;
        running.start();
        w.startTraining();
        qInfo("startTraining() took %lld ms on the UI thread", running.elapsed());
        QVERIFY(w.training()->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 2, 120000);
        QVERIFY(curves->batchPointCount() > 10);
        QCOMPARE(curves->epochCount(), epochs.count());
        // Batch updates are throttled: at most one signal per 33 ms, plus one at each epoch end.
        QVERIFY(batches.count() <= running.elapsed() / 33 + epochs.count() + 2);

        // Pause: the worker waits before its next batch; once every point has arrived,
        // Stop must not run a single further batch.
        w.training()->pause();
        QTest::qWait(200);
        const int before = curves->batchPointCount();
        w.stopTraining();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 10000);
        QCOMPARE(curves->batchPointCount(), before);
        QVERIFY(epochs.count() < 400);
        qInfo("UI-thread timer gaps while training (%zu ticks of 5 ms): longest %lld ms, p99 %lld ms, median %lld ms",
              probe.ticks(), probe.worst(), probe.percentile(99), probe.percentile(50));
        QVERIFY2(probe.worst() < 50, qPrintable(QString("UI stalled %1 ms").arg(probe.worst())));

        const auto result = finished.first().first().value<std::shared_ptr<TrainingResult>>();
        QVERIFY(result->error.isEmpty());
        QCOMPARE(QString::fromStdString(result->history.stopReason), QString("cancelled"));
        QCOMPARE(int(result->history.batchLosses.size()), before);

        // Stop while running: the run ends within about one batch (milliseconds here).
        QSignalSpy finished2(w.training(), &TrainingController::finished);
        w.startTraining();
        QTRY_VERIFY_WITH_TIMEOUT(curves->batchPointCount() > 20, 60000);
        QElapsedTimer t;
        t.start();
        w.stopTraining();
        QTRY_VERIFY_WITH_TIMEOUT(finished2.count() == 1, 10000);
        qInfo("stop took effect after %lld ms", t.elapsed());
        QVERIFY(t.elapsed() < 2000);
    }

    void templateChooserListsEveryKind() {
        MainWindow w;
        w.setOfferRecovery(false);
        const QStringList keys = w.networkPanel()->templateKeys();
        for (const char* k : {"cnn-morphology", "unet-clumps", "autoencoder", "vae-latent/0", "vae-latent/1", "dcgan/0",
                              "dcgan/1", "wgan/0", "wgan/1"})
            QVERIFY2(keys.contains(k), k);
        // Generative graphs open as editable graphs but train in their own panels.
        QVERIFY(loadData(w, smallSimulatedSet()));
        QVERIFY(w.networkPanel()->applyTemplate("vae-latent/0"));
        QVERIFY(w.networkPanel()->network()["layers"].dump().find("Sampling") != std::string::npos);
        QVERIFY(!w.trainPanel()->canStart());
        QVERIFY2(w.trainPanel()->statusText().contains("Latent space"), qPrintable(w.trainPanel()->statusText()));
        QVERIFY(w.networkPanel()->applyTemplate("wgan/1"));
        QVERIFY2(w.trainPanel()->statusText().contains("Generate"), qPrintable(w.trainPanel()->statusText()));
        QVERIFY(w.networkPanel()->applyTemplate("dcgan/0"));
        QCOMPARE(*w.networkPanel()->outputShape(), (Shape{1, 32, 32}));  // the data's images
        QVERIFY(!w.trainPanel()->canStart());
        // An image network on class labels: a clear reason, no crash.
        QVERIFY(w.networkPanel()->applyTemplate("autoencoder"));
        QVERIFY(!w.trainPanel()->canStart());
        QVERIFY2(w.trainPanel()->statusText().contains("image target"), qPrintable(w.trainPanel()->statusText()));
        QVERIFY(w.networkPanel()->applyTemplate("cnn-morphology"));
        QVERIFY(w.trainPanel()->canStart());
        w.discardChanges();
    }

    void unetTrainsOnSimulatedClumps() {
        MainWindow w;
        w.setOfferRecovery(false);
        w.show();
        QVERIFY(loadData(w, Json{{"kind", "simulated"}, {"sim_kind", "clumps"}, {"count", 48}, {"size", 32},
                                 {"bands", {"r"}}, {"seed", 3}, {"target", "mask"}}));
        QCOMPARE(w.dataPanel()->targetShape(), (Shape{1, 32, 32}));
        // The chooser's unet-clumps follows the data: 1×32×32 in, a sigmoid mask out.
        QVERIFY(w.networkPanel()->applyTemplate("unet-clumps"));
        QCOMPARE(*w.networkPanel()->outputShape(), (Shape{1, 32, 32}));
        QCOMPARE(w.networkPanel()->network()["layers"].back()["type"].get<std::string>(), std::string("Sigmoid"));
        QVERIFY(w.trainPanel()->canStart());
        // Per-pixel losses and segmentation metrics, as deepfield-cli train --target mask.
        QCOMPARE(w.trainPanel()->lossChoices(), (QStringList{"binary_crossentropy", "dice"}));
        TrainSettings s = w.trainPanel()->settings();
        QCOMPARE(s.options.metrics, (std::vector<std::string>{"dice", "iou", "pixel_accuracy"}));
        // A tiny U-Net (two levels, 4 filters) keeps the test quick.
        TemplateOptions o({1, 32, 32}, 1);
        o.depth = 2;
        o.baseFilters = 4;
        o.finalActivation = "sigmoid";
        w.networkPanel()->setNetwork(makeTemplate("unet-clumps", o).toJson());
        QVERIFY(w.trainPanel()->canStart());
        s.options.epochs = 1;
        s.options.batchSize = 8;
        s.options.validationSplit = 0.25;
        w.trainPanel()->setSettings(s);
        QSignalSpy batches(w.training(), &TrainingController::batchesReady);
        QSignalSpy finished(w.training(), &TrainingController::finished);
        StallProbe probe;
        w.startTraining();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
        const auto result = finished.first().first().value<std::shared_ptr<TrainingResult>>();
        QVERIFY2(result->error.isEmpty(), qPrintable(result->error));
        QCOMPARE(QString::fromStdString(result->history.stopReason), QString("completed"));
        auto* curves = w.trainPanel()->curves();
        QVERIFY(batches.count() >= 1);
        QCOMPARE(curves->batchPointCount(), 36 / 8 + (36 % 8 ? 1 : 0));  // 36 training images
        QCOMPARE(curves->epochCount(), 1);
        const EpochStats& e = result->history.epochs.at(0);
        QVERIFY(std::isfinite(e.trainLoss) && std::isfinite(e.valLoss));
        QVERIFY(e.valMetrics.count("dice") && e.valMetrics.count("iou") && e.valMetrics.count("pixel_accuracy"));
        QVERIFY(e.valMetrics.at("pixel_accuracy") >= 0 && e.valMetrics.at("pixel_accuracy") <= 1);
        QVERIFY(w.trainedModel());
        qInfo("U-Net 1 epoch: loss %.4f, val dice %.3f; longest UI stall %lld ms", e.trainLoss, e.valMetrics.at("dice"),
              probe.worst());
        // Dice as the loss is offered and runs too.
        s.loss = "dice";
        w.trainPanel()->setSettings(s);
        QCOMPARE(w.trainPanel()->settings().loss, std::string("dice"));
        w.discardChanges();
    }

    void fitsA1600By1000Window() {
        // At 1600 × 1000 the Data dock shows its panel whole (no horizontal scrolling).
        MainWindow w;
        w.setOfferRecovery(false);
        w.loadBuiltInExample();
        w.resize(1600, 1000);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTest::qWait(100);
        QStringList widths;
        for (QDockWidget* d : w.findChildren<QDockWidget*>())
            widths << QString("%1 %2 (min %3)").arg(d->objectName()).arg(d->width()).arg(d->minimumSizeHint().width());
        widths << QString("central %1 (min %2)").arg(w.centralWidget()->width()).arg(w.centralWidget()->minimumSizeHint().width());
        qInfo("window %d px: %s", w.width(), qPrintable(widths.join("; ")));
        auto* data = w.findChild<QDockWidget*>("DataDock");
        QVERIFY(data);
        auto* scroll = qobject_cast<QScrollArea*>(data->widget());
        QVERIFY(scroll);
        QVERIFY2(!scroll->horizontalScrollBar()->isVisible(), qPrintable(widths.join("; ")));
        QVERIFY(scroll->viewport()->width() >= w.dataPanel()->minimumSizeHint().width());
        // The window's width is the sum of the docks' minimum widths, some of them other panels'.
        if (w.width() > 1600) qWarning("the window needs %d px: %s", w.width(), qPrintable(widths.join("; ")));
        QVERIFY(data->width() <= 420);  // and the Data dock takes no more than its share
        w.discardChanges();
    }

    void networkInFrontOnFirstStart() {
        // No saved layout: of the panels tabbed together, the Network panel is the one in front.
        QSettings settings;
        settings.remove("window/geometry");
        settings.remove("window/state");
        MainWindow w;
        w.setOfferRecovery(false);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTest::qWait(50);
        QString front;
        for (QTabBar* bar : w.findChildren<QTabBar*>())
            for (int i = 0; i < bar->count(); ++i)
                if (bar->tabText(i) == "Network") front = bar->tabText(bar->currentIndex());
        QCOMPARE(front, QString("Network"));
        w.discardChanges();
    }

    void saveAndReopenProject() {
        QTemporaryDir dir;
        const QString path = dir.filePath("galaxies.dfproj");
        Project saved;
        {
            MainWindow w;
            w.setOfferRecovery(false);
            prepare(w, 2);
            QSignalSpy finished(w.training(), &TrainingController::finished);
            w.startTraining();
            QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
            QVERIFY(w.isModified());
            QVERIFY(w.saveProjectAs(path));
            QVERIFY(!w.isModified());
            saved = w.currentProject();
        }
        QCOMPARE(int(saved.history.size()), 2);
        QVERIFY(saved.weights.has_value());

        MainWindow w2;
        w2.setOfferRecovery(false);
        QVERIFY(w2.openProject(path));
        w2.dataPanel()->waitUntilLoaded();
        const Project reopened = w2.currentProject();
        QCOMPARE(reopened.network, saved.network);
        QCOMPARE(reopened.dataSource, saved.dataSource);
        QCOMPARE(reopened.training.toJson(), saved.training.toJson());
        QCOMPARE(reopened.history, saved.history);
        QVERIFY(reopened.weights.has_value());
        QCOMPARE(reopened.weights->tensors.size(), saved.weights->tensors.size());
        for (const auto& [name, t] : saved.weights->tensors)
            QCOMPARE(reopened.weights->tensors.at(name).values(), t.values());
        QCOMPARE(w2.trainPanel()->curves()->epochCount(), 2);
    }

    // The Train panel's initializer applies to every kernel. With all kernels zero no gradient
    // reaches the first layer (every path to it is multiplied by a zero weight): it stays zero.
    void initializerChoiceApplies() {
        MainWindow w;
        w.setOfferRecovery(false);
        prepare(w, 1);
        TrainSettings s = w.trainPanel()->settings();
        QCOMPARE(QString::fromStdString(s.initializer), QString("network"));
        s.initializer = "zeros";
        w.trainPanel()->setSettings(s);
        QCOMPARE(QString::fromStdString(w.trainPanel()->settings().initializer), QString("zeros"));
        QSignalSpy finished(w.training(), &TrainingController::finished);
        w.startTraining();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
        const auto result = finished.first().first().value<std::shared_ptr<TrainingResult>>();
        QVERIFY(result->error.isEmpty());
        const Tensor& first = *result->graph->parameters().front().value;  // conv2d_1/kernel
        QCOMPARE(QString::fromStdString(result->graph->parameters().front().name), QString("conv2d_1/kernel"));
        QCOMPARE(first.vec().cwiseAbs().maxCoeff(), 0.0f);
        // The network in the editor keeps its own initializers.
        for (const Json& layer : w.networkPanel()->network()["layers"])
            if (layer["name"] == "conv2d_1")
                QCOMPARE(QString::fromStdString(layer["config"]["kernel_initializer"].dump()), QString("\"auto\""));
    }

    // Networks save as the engine's JSON and load back as one undoable step.
    void networkFileRoundTrip() {
        QTemporaryDir dir;
        MainWindow w;
        w.setOfferRecovery(false);
        w.networkPanel()->setNetwork(NetworkPanel::templateNetwork("mlp-colors", {4}, 3));
        const Json before = w.networkPanel()->network();
        QVERIFY(w.networkPanel()->saveNetworkFile(dir.filePath("net.json")));
        {
            // The file is the engine's format: it builds as a Graph with mlp-colors' parameters.
            QFile saved(dir.filePath("net.json"));
            QVERIFY(saved.open(QIODevice::ReadOnly));
            Graph g = Graph::fromJson(Json::parse(saved.readAll().toStdString()));
            g.build();
            QCOMPARE(g.parameterCount(), std::size_t(1315));
        }
        w.networkPanel()->setNetwork(NetworkPanel::templateNetwork("mlp-photoz", {5}, 1));
        QString loadWhy;
        QVERIFY2(w.networkPanel()->loadNetworkFile(dir.filePath("net.json"), &loadWhy), qPrintable(loadWhy));
        QCOMPARE(w.networkPanel()->network(), before);
        QFile bad(dir.filePath("bad.json"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"format\": \"something-else\"}");
        bad.close();
        QString why;
        QVERIFY(!w.networkPanel()->loadNetworkFile(dir.filePath("bad.json"), &why));
        QVERIFY(why.contains("bad.json"));
        QCOMPARE(w.networkPanel()->network(), before);
    }

    void corruptedProjectIsRefusedAndLeftUntouched() {
        QTemporaryDir dir;
        const QString path = dir.filePath("broken.dfproj");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": \"deepfield-project\", \"version\": 1, \"network\": ");  // cut off mid-file
        f.close();
        const QByteArray before = [&] {
            QFile r(path);
            r.open(QIODevice::ReadOnly);
            return r.readAll();
        }();
        try {
            Project::load(path);
            QFAIL("a truncated project must not load");
        } catch (const std::exception& e) {
            QVERIFY(QString(e.what()).contains("broken.dfproj"));
        }
        QFile r(path);
        QVERIFY(r.open(QIODevice::ReadOnly));
        QCOMPARE(r.readAll(), before);
        // A foreign JSON file is named as such.
        QFile g(dir.filePath("other.dfproj"));
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write("{\"hello\": 1}");
        g.close();
        try {
            Project::load(dir.filePath("other.dfproj"));
            QFAIL("a foreign file must not load");
        } catch (const std::exception& e) {
            QVERIFY(QString(e.what()).contains("not a DeepField project"));
        }
    }
};

QTEST_MAIN(TestStudio)
#include "tst_studio.moc"
