// The course in the studio: every lesson loads its data, network and settings; the
// phenomenon each playground teaches is asserted on the real shipped data.
#include <QtTest>

#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QTabBar>
#include <QToolButton>
#include <QElapsedTimer>
#include <QMenu>
#include <QTemporaryDir>
#include <cmath>
#include <set>

#include "backprop_view.h"
#include "convolution_view.h"
#include "decision_boundary_view.h"
#include "graph/graph.h"
#include "lessons/lesson_catalog.h"
#include "lessons/lessons_panel.h"
#include "lessons/overfit_view.h"
#include "lesson_fixture.h"
#include "loss_surface_view.h"
#include "main_window.h"
#include "panels/data_panel.h"
#include "panels/network_panel.h"
#include "panels/train_panel.h"
#include "training/training_controller.h"

using namespace deepfield;
using namespace deepfield::app;

namespace {
using testing::Studio;

// The title of the tab in front in the dock tab bar that holds the Lessons tab.
QString frontTab(QMainWindow& w) {
    for (QTabBar* bar : w.findChildren<QTabBar*>())
        for (int i = 0; i < bar->count(); ++i)
            if (bar->tabText(i) == "Lessons") return bar->tabText(bar->currentIndex());
    return {};
}

std::vector<std::string> layerTypes(const Json& network) {
    std::vector<std::string> t;
    for (const Json& l : network.at("layers")) t.push_back(l.value("type", l.value("class_name", std::string())));
    return t;
}
}  // namespace

class TestLessons : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName("DeepFieldTests");
        QVERIFY2(!lessonDataDir().isEmpty(), "resources/data not found from the test binary");
        QCOMPARE(int(lessonCatalog().size()), 10);
    }

    void startPageListsTheCourse() {
        Studio s;
        auto* dock = s.window.findChild<QDockWidget*>("LessonsDock");
        QVERIFY(dock);
        QVERIFY(s.lessons->isStartPage());
        for (int n = 1; n <= 10; ++n) {
            auto* open = s.lessons->findChild<QPushButton*>(QString("openLesson%1").arg(n));
            QVERIFY2(open, qPrintable(QString("no Open button for lesson %1").arg(n)));
        }
        // The Open button loads the lesson.
        s.lessons->findChild<QPushButton*>("openLesson3")->click();
        QCOMPARE(s.lessons->currentLesson(), 3);
        QVERIFY(!s.lessons->isStartPage());
        QVERIFY(s.lessons->lessonTitle().contains("Convolution"));
        QVERIFY(s.lessons->lessonMarkdown().contains("receptive field"));
        s.lessons->findChild<QPushButton*>("backToLessons")->click();
        QVERIFY(s.lessons->isStartPage());
    }

    void lessonTextStaysInFront() {
        Studio s;
        s.window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&s.window));
        // Lesson 6 needs the Inspect panel: when it shares the Lessons dock's tabs, a button shows
        // it and the lesson text stays in front.
        QVERIFY(s.lessons->openLesson(6));
        QTRY_COMPARE(frontTab(s.window), QString("Lessons"));
        QCOMPARE(s.lessons->lessonTitle(), QString("6. Opening the black box"));
        auto* inspect = s.window.findChild<QDockWidget*>("InspectDock");
        auto* lessonsDock = s.window.findChild<QDockWidget*>("LessonsDock");
        if (inspect && s.window.tabifiedDockWidgets(lessonsDock).contains(inspect)) {
            auto* show = s.lessons->findChild<QPushButton*>("showInspectDock");
            QVERIFY(show);
            show->click();
            QTRY_COMPARE(frontTab(s.window), QString("Inspect"));
        } else {
            QVERIFY(s.lessons->statusText().contains("InspectDock") || inspect);
        }
        // A lesson's Network button is there when the Network dock shares the tabs.
        QVERIFY(s.lessons->openLesson(1));
        QVERIFY(s.lessons->findChild<QPushButton*>("showNetworkDock"));
        QTRY_COMPARE(frontTab(s.window), QString("Lessons"));
        s.window.hide();
    }

    void lessonInFrontOnFirstStart() {
        // A first start (no saved window layout) opened on a lesson, as `scripts/run.sh` does on a new
        // machine: the lesson text must be in front, not the Network panel the window raises by default.
        QSettings settings;
        settings.remove("window/geometry");
        settings.remove("window/state");
        Studio s;
        QVERIFY(s.lessons->openLesson(9));
        s.window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&s.window));
        QTest::qWait(50);
        QCOMPARE(frontTab(s.window), QString("Lessons"));
        QVERIFY(s.lessons->findChild<QPushButton*>("showGenerateDock"));
        s.window.hide();
    }

    void everyLessonLoads_data() {
        QTest::addColumn<int>("number");
        for (int n = 1; n <= 10; ++n) QTest::newRow(qPrintable(QString("lesson %1").arg(n))) << n;
    }
    void everyLessonLoads() {
        QFETCH(int, number);
        Studio s;
        const Lesson& lesson = lessonCatalog()[std::size_t(number - 1)];
        const Project want = lessonProject(lesson);
        QVERIFY(s.lessons->openLesson(number));
        s.window.dataPanel()->waitUntilLoaded();
        QCoreApplication::processEvents();
        // Data: the lesson's source, loaded.
        const Json src = s.window.dataPanel()->source();
        QCOMPARE(src.value("kind", ""), want.dataSource.value("kind", ""));
        QCOMPARE(src.value("path", ""), want.dataSource.value("path", ""));
        QString why;
        QVERIFY2(s.window.dataPanel()->hasDataset(&why), qPrintable(why));
        if (want.dataSource.value("kind", "") == "table") {
            QCOMPARE(src.value("features", std::vector<std::string>{}),
                     want.dataSource.value("features", std::vector<std::string>{}));
            QVERIFY(s.window.dataPanel()->sampleCount() > 1000);
        }
        // Network: the same layers.
        QCOMPARE(layerTypes(s.window.networkPanel()->network()), layerTypes(want.network));
        // Settings.
        const TrainSettings t = s.window.trainPanel()->settings();
        QCOMPARE(t.loss, want.training.loss);
        QCOMPARE(t.optimizer, want.training.optimizer);
        QCOMPARE(t.options.epochs, want.training.options.epochs);
        QCOMPARE(t.options.batchSize, want.training.options.batchSize);
        QVERIFY(std::abs(t.optimizerOptions.learningRate - want.training.optimizerOptions.learningRate) < 1e-9);
        QVERIFY(std::abs(t.options.validationSplit - want.training.options.validationSplit) < 1e-9);
        QVERIFY(!s.window.isModified());
        // Playgrounds.
        if (lesson.playground == "boundary") QVERIFY(s.lessons->boundaryView() && s.lessons->boundaryView()->isVisibleTo(s.lessons));
        if (lesson.playground == "backprop") QVERIFY(s.lessons->backpropView() && s.lessons->lossSurfaceView());
        if (lesson.playground == "convolution") QVERIFY(s.lessons->convolutionView());
        if (lesson.playground == "overfit") QVERIFY(s.lessons->overfitView());
    }

    void resetRestoresTheLesson() {
        Studio s;
        QVERIFY(s.lessons->openLesson(1));
        s.window.dataPanel()->waitUntilLoaded();
        const Project want = lessonProject(lessonCatalog()[0]);
        // The student changes the network, the settings and the playground ...
        s.window.networkPanel()->setNetwork(NetworkPanel::templateNetwork("mlp-photoz", {4}, 3));
        TrainSettings changed = s.window.trainPanel()->settings();
        changed.options.epochs = 3;
        s.window.trainPanel()->setSettings(changed);
        s.lessons->boundaryView()->setHiddenLayers({7});
        s.lessons->boundaryView()->trainEpochs(2);
        QCOMPARE(s.window.trainPanel()->settings().options.epochs, 3);
        // ... and Reset brings the lesson back.
        s.lessons->findChild<QPushButton*>("resetLesson")->click();
        s.window.dataPanel()->waitUntilLoaded();
        QCOMPARE(s.lessons->currentLesson(), 1);
        QCOMPARE(s.window.trainPanel()->settings().options.epochs, want.training.options.epochs);
        QCOMPARE(s.window.networkPanel()->network().at("layers").size(), want.network.at("layers").size());
        QCOMPARE(s.lessons->boundaryView()->model().hiddenLayers(), std::vector<int>({4, 4}));
        QCOMPARE(s.lessons->boundaryView()->model().epoch(), 0);
    }

    void lesson1BoundarySeparatesTheClasses() {
        Studio s;
        QVERIFY(s.lessons->openLesson(1));
        widgets::DecisionBoundaryView* v = s.lessons->boundaryView();
        QVERIFY(v);
        QCOMPARE(v->model().classCount(), 3);
        QCOMPARE(v->model().featureCount(), 2);
        const double before = v->model().testAccuracy();
        QElapsedTimer timer;
        timer.start();
        double acc = 0;
        while (timer.elapsed() < 60000 && v->model().epoch() < 80) {
            v->trainEpochs(5);
            acc = v->model().testAccuracy();
            if (acc > 0.85 && v->model().epoch() >= 20) break;
        }
        qInfo("lesson 1: test accuracy %.3f after %d epochs (%.1f s); untrained %.3f", acc, v->model().epoch(),
              timer.elapsed() / 1000.0, before);
        QVERIFY2(acc > 0.8, qPrintable(QString("test accuracy %1").arg(acc)));
        QVERIFY(timer.elapsed() < 60000);
        // The map shows more than one class, and each hidden neuron has its own map.
        const QImage map = v->boundaryImage();
        QCOMPARE(map.width(), v->gridSize());
        std::set<QRgb> colours;
        for (int y = 0; y < map.height(); y += 4)
            for (int x = 0; x < map.width(); x += 4) colours.insert(map.pixel(x, y));
        QVERIFY(colours.size() > 20);
        const auto& hidden = v->model().hiddenLayers();
        for (int l = 0; l < int(hidden.size()); ++l)
            for (int k = 0; k < hidden[std::size_t(l)]; ++k) QVERIFY(!v->neuronImage(l, k).isNull());
        QVERIFY(v->neuronImage(0, hidden[0]).isNull());
        // A click adds a neuron; layers come and go; the perceptron (no hidden layer) still trains.
        auto* plus = v->findChild<QToolButton*>("addNeuron0");
        QVERIFY(plus);
        const int units = hidden[0];
        plus->click();
        QCOMPARE(v->model().hiddenLayers()[0], units + 1);
        QVERIFY(!v->neuronImage(0, units).isNull());
        while (!v->model().hiddenLayers().empty()) v->removeLayer();
        v->trainEpochs(15);
        const double perceptron = v->model().testAccuracy();
        qInfo("lesson 1: perceptron (no hidden layer) test accuracy %.3f", perceptron);
        QVERIFY(perceptron > 0.5);
        v->addLayer();
        QCOMPARE(int(v->model().hiddenLayers().size()), 1);
        v->setActivation("ReLU");
        QCOMPARE(v->model().activation(), std::string("ReLU"));
        QCOMPARE(v->model().epoch(), 0);  // new architecture, new weights
    }

    void lesson1PhotometricRedshift() {
        Studio s;
        QVERIFY(s.lessons->openLesson(1));
        widgets::DecisionBoundaryView* v = s.lessons->boundaryView();
        v->setMode("regression");
        QVERIFY(v->model().isRegression());
        QCOMPARE(v->model().featureCount(), 4);
        const double nmad0 = v->model().testNmad();
        v->trainEpochs(40);
        const double nmad = v->model().testNmad(), out = v->model().testOutlierFraction();
        qInfo("lesson 1 photo-z: test NMAD %.4f (untrained %.4f), outliers %.3f", nmad, nmad0, out);
        QVERIFY(nmad < 0.1);
        QVERIFY(nmad < nmad0);
        QVERIFY(out >= 0 && out < 0.2);
        QVERIFY(v->statsText().contains("NMAD"));
    }

    void lesson2BackpropagationNumbers() {
        Studio s;
        QVERIFY(s.lessons->openLesson(2));
        widgets::BackpropView* b = s.lessons->backpropView();
        QVERIFY(b);
        QVERIFY(!b->backward());  // out of order: nothing to propagate yet
        QVERIFY(b->forward());
        QVERIFY2(std::abs(b->loss() - 0.298371109) < 1e-7, qPrintable(QString::number(b->loss(), 'g', 12)));
        QVERIFY(std::abs(b->output(0) - 0.75136507) < 1e-6);
        QVERIFY(std::abs(b->output(1) - 0.772928465) < 1e-6);
        QVERIFY(std::abs(b->hiddenOutput(0) - 0.593269992) < 1e-6);
        QVERIFY(!b->update());
        QVERIFY(b->backward());
        QVERIFY(std::abs(b->weightGradient(5) - 0.082167041) < 1e-6);
        QVERIFY(std::abs(b->weightGradient(1) - 0.000438568) < 1e-6);
        // δ_o1 = (out − t)·out(1 − out) = 0.138498562
        QVERIFY(std::abs(b->outputDelta(0) - 0.138498562) < 1e-6);
        QVERIFY(b->update());
        QVERIFY(std::abs(b->weight(5) - 0.35891648) < 1e-6);
        QVERIFY(std::abs(b->weight(1) - 0.149780716) < 1e-6);
        QVERIFY(std::abs(b->weight(8) - 0.561370121) < 1e-6);
        QVERIFY(b->forward());
        QVERIFY(b->loss() < 0.298371109);
        b->reset();
        QVERIFY(std::abs(b->weight(5) - 0.40) < 1e-7);
    }

    void lesson2LossSurface() {
        widgets::LossSurfaceView v;
        v.resize(600, 600);
        const QPointF m = v.minimum();
        const double start = v.loss(v.start().x(), v.start().y()), best = v.loss(m.x(), m.y());
        QCOMPARE(int(v.paths().size()), 5);
        for (const auto& p : v.paths()) {
            const QPointF e = p.points.back();
            qInfo("%s: loss %.4f (start %.3f, minimum %.4f)", qPrintable(p.name), v.loss(e.x(), e.y()), start, best);
            QCOMPARE(int(p.points.size()), 121);
            QVERIFY(v.loss(e.x(), e.y()) < start / 5);
        }
        // Adam reaches the bottom of the valley.
        const QPointF adam = v.paths()[4].points.back();
        QVERIFY(v.loss(adam.x(), adam.y()) < best * 1.5);
        v.setMode("batch");
        QCOMPARE(int(v.paths().size()), 3);
        // The stochastic path zig-zags: its length exceeds the full-batch path's.
        auto length = [](const auto& pts) {
            double s = 0;
            for (std::size_t i = 1; i < pts.size(); ++i) s += std::hypot(pts[i].x() - pts[i - 1].x(), pts[i].y() - pts[i - 1].y());
            return s;
        };
        QVERIFY(length(v.paths()[2].points) > 1.2 * length(v.paths()[0].points));
    }

    void lesson3ConvolutionIsDirect() {
        Studio s;
        QVERIFY(s.lessons->openLesson(3));
        widgets::ConvolutionView* c = s.lessons->convolutionView();
        QVERIFY(c);
        const Tensor& in = c->input();
        const int h = in.dim(2), w = in.dim(3);
        QCOMPARE(h, 96);
        for (const QString& preset : widgets::ConvolutionView::presetNames()) {
            c->setPreset(preset);
            const auto k = c->kernel();
            double worst = 0;
            for (int r = 0; r < h; ++r)
                for (int q = 0; q < w; ++q) {
                    double sum = 0;
                    for (int i = -1; i <= 1; ++i)
                        for (int j = -1; j <= 1; ++j)
                            if (r + i >= 0 && r + i < h && q + j >= 0 && q + j < w)
                                sum += k[std::size_t((i + 1) * 3 + j + 1)] * in[std::size_t((r + i) * w + q + j)];
                    worst = std::max(worst, std::abs(sum - c->convolved()[std::size_t(r * w + q)]));
                }
            QVERIFY2(worst < 1e-5, qPrintable(preset + QString(": %1").arg(worst)));
        }
        // An edited weight changes the output the same way.
        auto* cell = c->findChild<QDoubleSpinBox*>("kernel4");
        QVERIFY(cell);
        cell->setValue(2.5);
        QVERIFY(std::abs(c->kernel()[4] - 2.5f) < 1e-6);
        // Pooling: the maximum of each 2×2 block.
        c->setPoolSize(2);
        QCOMPARE(c->pooled().dim(2), h / 2);
        for (int r = 0; r < h / 2; r += 7)
            for (int q = 0; q < w / 2; q += 5) {
                float m = -1e30f;
                for (int i = 0; i < 2; ++i)
                    for (int j = 0; j < 2; ++j) m = std::max(m, c->convolved()[std::size_t((2 * r + i) * w + 2 * q + j)]);
                QCOMPARE(c->pooled()[std::size_t(r * (w / 2) + q)], m);
            }
        // Receptive fields.
        QCOMPARE(c->selectConvolved(10, 20), QRect(19, 9, 3, 3));
        QCOMPARE(c->selectPooled(10, 20), QRect(39, 19, 4, 4));
        QCOMPARE(c->selectConvolved(0, 0), QRect(0, 0, 2, 2));
        c->setPoolSize(3);
        QCOMPARE(c->selectPooled(2, 2), QRect(5, 5, 5, 5));
    }

    void lesson5OverfittingAndDropout() {
        Studio s;
        QVERIFY(s.lessons->openLesson(5));
        OverfitView* v = s.lessons->overfitView();
        QVERIFY(v);
        QElapsedTimer timer;
        timer.start();
        QSignalSpy done(v, &OverfitView::finished);
        v->runOverfitting();
        QVERIFY(done.wait(90000));
        const OverfitRun& plain = v->plainRun();
        const OverfitRun& drop = v->dropoutRun();
        qInfo("lesson 5 (%.1f s): no dropout train %.3f -> %.4f, val min %.3f (epoch %d) -> %.3f; dropout train %.4f, "
              "val min %.3f (epoch %d) -> %.3f",
              timer.elapsed() / 1000.0, plain.trainLoss.front(), plain.trainLoss.back(),
              *std::min_element(plain.valLoss.begin(), plain.valLoss.end()), plain.bestEpoch, plain.valLoss.back(),
              drop.trainLoss.back(), *std::min_element(drop.valLoss.begin(), drop.valLoss.end()), drop.bestEpoch,
              drop.valLoss.back());
        QCOMPARE(int(plain.trainLoss.size()), 120);
        // Training loss falls while validation loss rises from its minimum ...
        QVERIFY(plain.trainLoss.back() < 0.2 * plain.trainLoss.front());
        QVERIFY(plain.bestEpoch < 60);
        QVERIFY(plain.valRise() > 0.15);
        // ... and dropout holds the rise back.
        QVERIFY2(drop.valRise() < 0.6 * plain.valRise(), qPrintable(QString("%1 vs %2").arg(drop.valRise()).arg(plain.valRise())));
        QVERIFY(drop.valLoss.back() < plain.valLoss.back());
    }

    void lesson5BatchNormRuns() {
        const ColourSample c = loadColourClasses(sdssColoursCsv(), 200);
        OverfitOptions o;
        o.epochs = 20;
        o.batchNorm = true;
        const OverfitRun r = runOverfit(c.features, c.labels, 3, o);
        QCOMPARE(int(r.trainLoss.size()), 20);
        QCOMPARE(int(r.valLoss.size()), 20);
        for (double v : r.valLoss) QVERIFY(std::isfinite(v));
        QVERIFY(r.trainLoss.back() < r.trainLoss.front());
        // Early stopping ends the run after `patience` epochs without a better validation loss.
        o.batchNorm = false;
        o.epochs = 120;
        o.patience = 5;
        const OverfitRun e = runOverfit(c.features, c.labels, 3, o);
        QVERIFY(int(e.valLoss.size()) < 120);
        QCOMPARE(int(e.valLoss.size()), e.bestEpoch + 5);
    }

    void lesson5VanishingGradients() {
        const ColourSample c = loadColourClasses(sdssColoursCsv(), 600);
        const GradientNormRun small = runGradientNorms(c.features, c.labels, 3, "small", 8, 30, "Sigmoid");
        const GradientNormRun he = runGradientNorms(c.features, c.labels, 3, "he", 8, 30, "ReLU");
        QCOMPARE(int(small.norms.size()), 8);
        QCOMPARE(int(small.norms[0].size()), 30);
        const double smallRatio = small.norms[0][0] / small.norms[7][0];
        const double heRatio = he.norms[0][0] / he.norms[7][0];
        qInfo("first/last layer gradient norm: tiny sigmoid %.3g, He ReLU %.3g", smallRatio, heRatio);
        QVERIFY(smallRatio < 1e-4);
        QVERIFY(heRatio > 1e-2);
    }

    // Lesson 4's second step: the shipped Galaxy Zoo cut-outs replace the simulated set and the
    // CNN follows their shape and classes.
    void lesson4GalaxyZooStep() {
        Studio s;
        QVERIFY(s.lessons->openLesson(4));
        DataPanel* data = s.window.dataPanel();
        data->waitUntilLoaded();
        QCOMPARE(data->classCount(), 4);  // step 1: simulated morphologies
        auto* step2 = s.lessons->findChild<QPushButton*>("lesson4GalaxyZoo");
        QVERIFY(step2);
        QVERIFY(s.lessons->findChild<QPushButton*>("lesson4Simulated"));
        QSignalSpy loaded(s.lessons, &LessonsPanel::galaxyZooLoaded);
        step2->click();
        QVERIFY(loaded.count() == 1 || loaded.wait(90000));
        QCOMPARE(data->source().value("kind", ""), std::string("folder"));
        QVERIFY(QString::fromStdString(data->source().value("path", "")).endsWith("gz1-sdss"));
        QCOMPARE(data->sampleCount(), 1271);
        QCOMPARE(data->classCount(), 6);
        QCOMPARE(data->classNames().first(), QString("elliptical"));
        QCOMPARE(data->inputShape(), (Shape{1, 32, 32}));
        QVERIFY2(s.lessons->statusText().contains("1271"), qPrintable(s.lessons->statusText()));
        // The network accepts the cut-outs: trainable on their shape, six outputs, a real forward pass.
        QString why;
        QVERIFY2(s.window.networkPanel()->isTrainable(data->inputShape(), &why), qPrintable(why));
        QCOMPARE(s.window.networkPanel()->outputShape().value_or(Shape{}), (Shape{6}));
        Graph g = Graph::fromJson(s.window.networkPanel()->network());
        Tensor x, y;
        data->dataset()->batch({0, 1, 2, 3, 4}, x, y);
        QCOMPARE(x.shape(), (Shape{5, 1, 32, 32}));
        const Tensor& out = g.forward(x, Mode::Inference);
        QCOMPARE(out.shape(), (Shape{5, 6}));
        for (std::size_t i = 0; i < out.size(); ++i) QVERIFY(std::isfinite(out[i]));
        for (int i = 0; i < 5; ++i) QVERIFY(y[std::size_t(i)] >= 0 && y[std::size_t(i)] < 6);
        // Step 1 again: back to the simulated set.
        s.lessons->findChild<QPushButton*>("lesson4Simulated")->click();
        data->waitUntilLoaded();
        QCOMPARE(data->classCount(), 4);
        QCOMPARE(data->source().value("kind", ""), std::string("simulated"));
    }

    // The teacher chooses what teacher mode locks: only the ticked settings are disabled.
    void teacherModeLocksChosenSettings() {
        Studio s;
        QVERIFY(s.lessons->openLesson(4));
        s.window.dataPanel()->waitUntilLoaded();
        QCOMPARE(s.lessons->lockedSettings(), LessonsPanel::lockableSettings());  // all by default
        TrainPanel* train = s.window.trainPanel();
        auto spin = [train](double value) {  // the Train panel's field showing `value`
            for (QAbstractSpinBox* b : train->findChildren<QAbstractSpinBox*>()) {
                if (auto* d = qobject_cast<QDoubleSpinBox*>(b); d && std::abs(d->value() - value) < 1e-12) return b;
                if (auto* i = qobject_cast<QSpinBox*>(b); i && i->value() == int(value)) return b;
            }
            return static_cast<QAbstractSpinBox*>(nullptr);
        };
        const TrainSettings ts = train->settings();
        QAbstractSpinBox* lr = spin(ts.optimizerOptions.learningRate);
        QAbstractSpinBox* epochs = spin(ts.options.epochs);
        QVERIFY(lr && epochs && lr != epochs);
        QComboBox* loss = nullptr;
        for (QComboBox* c : train->findChildren<QComboBox*>())
            if (c->currentText() == QString::fromStdString(ts.loss)) loss = c;
        QVERIFY(loss);

        // Lock the learning rate and the epochs only (the menu's actions, as the teacher ticks them).
        QMenu* menu = s.lessons->locksMenu();
        QVERIFY(menu);
        QCOMPARE(menu->actions().size(), 5);
        for (QAction* a : menu->actions())
            if (a->isChecked() != (a->objectName() == "lock-learning-rate" || a->objectName() == "lock-epochs"))
                a->trigger();
        QCOMPARE(s.lessons->lockedSettings(), (QStringList{"learning-rate", "epochs"}));
        // Nothing is locked before teacher mode is on.
        QVERIFY(lr->isEnabled() && epochs->isEnabled() && loss->isEnabled());
        s.lessons->setTeacherMode(true);
        QVERIFY(s.lessons->findChild<QToolButton*>("teacherLocks")->isVisibleTo(s.lessons));
        QVERIFY(!lr->isEnabled());
        QVERIFY(!epochs->isEnabled());
        QVERIFY(loss->isEnabled());
        QVERIFY(s.window.dataPanel()->isEnabled());
        QVERIFY(s.window.networkPanel()->isEnabled());
        QVERIFY(s.lessons->isLocked("epochs") && !s.lessons->isLocked("data"));

        // Now the data and the network, not the learning rate: applied at once, menu in step.
        s.lessons->setLockedSettings({"data", "network", "no-such-setting"});
        QCOMPARE(s.lessons->lockedSettings(), (QStringList{"data", "network"}));
        for (QAction* a : menu->actions())
            QCOMPARE(a->isChecked(), a->objectName() == "lock-data" || a->objectName() == "lock-network");
        QVERIFY(!s.window.dataPanel()->isEnabled());
        QVERIFY(!s.window.networkPanel()->isEnabled());
        QVERIFY(lr->isEnabled() && epochs->isEnabled() && loss->isEnabled());

        // "Training settings" locks the loss and its neighbours but not the learning rate.
        s.lessons->setLockedSettings({"training"});
        QVERIFY(!loss->isEnabled());
        QVERIFY(lr->isEnabled() && epochs->isEnabled());
        QVERIFY(s.window.dataPanel()->isEnabled());

        // Training enables the Train panel's fields when it ends; the chosen lock survives it.
        s.lessons->setLockedSettings({"epochs"});
        TrainSettings quick = train->settings();
        quick.options.epochs = 1;
        train->setSettings(quick);
        QCOMPARE(spin(1), epochs);
        QSignalSpy finished(s.window.training(), &TrainingController::finished);
        s.window.startTraining();
        QVERIFY(finished.count() == 1 || finished.wait(60000));
        QTRY_VERIFY_WITH_TIMEOUT(!s.window.training()->isRunning() && lr->isEnabled(), 5000);
        QVERIFY(!epochs->isEnabled());
        QTest::qWait(100);  // and it stays locked once the queued work is done
        QVERIFY(!epochs->isEnabled() && lr->isEnabled());

        // Teacher mode off: everything free again; the choice is kept for next time.
        s.lessons->setTeacherMode(false);
        QVERIFY(epochs->isEnabled() && lr->isEnabled() && loss->isEnabled());
        QVERIFY(!s.lessons->findChild<QToolButton*>("teacherLocks")->isVisibleTo(s.lessons));
        QCOMPARE(s.lessons->lockedSettings(), QStringList{"epochs"});
    }

    void teacherModeAndSavingTheLesson() {
        Studio s;
        QVERIFY(s.lessons->openLesson(1));
        s.window.dataPanel()->waitUntilLoaded();
        const int size = s.window.font().pointSize();
        QVERIFY(s.lessons->teacherModeAction());
        s.lessons->teacherModeAction()->trigger();
        QVERIFY(s.lessons->teacherMode());
        QVERIFY(s.window.font().pointSize() > size);
        QVERIFY(!s.window.dataPanel()->isEnabled());
        QVERIFY(!s.window.networkPanel()->isEnabled());
        auto combos = s.window.trainPanel()->findChildren<QComboBox*>();
        QVERIFY(!combos.isEmpty());
        for (QComboBox* c : combos) QVERIFY(!c->isEnabled());
        s.lessons->setTeacherMode(false);
        for (QComboBox* c : combos) QVERIFY(c->isEnabled());
        QCOMPARE(s.window.font().pointSize(), size);
        QVERIFY(s.window.dataPanel()->isEnabled());
        QTemporaryDir dir;
        const QString path = dir.filePath("lesson1.dfproj");
        QVERIFY(s.lessons->saveLessonAsProject(path));
        const Project p = Project::load(path);
        QCOMPARE(p.dataSource.value("path", ""), sdssColoursCsv().toStdString());
        QCOMPARE(layerTypes(p.network), layerTypes(lessonProject(lessonCatalog()[0]).network));
    }
};

QTEST_MAIN(TestLessons)
#include "tst_lessons.moc"
