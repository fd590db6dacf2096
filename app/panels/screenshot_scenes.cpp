#include "screenshot_scenes.h"

#include <QDockWidget>
#include <QSlider>
#include <QTabWidget>
#include <QTimer>
#include <memory>

#include "image_view.h"
#include "main_window.h"
#include "panels/data_panel.h"
#include "panels/generate/gan_session.h"
#include "panels/generate_panel.h"
#include "panels/image_to_image_panel.h"
#include "training/training_controller.h"

namespace deepfield::app {

namespace {
const std::pair<const char*, const char*> kDocks[] = {
    {"data", "DataDock"},       {"network", "NetworkDock"}, {"train", ""},
    {"inspect", "InspectDock"}, {"latent", "LatentDock"},   {"generate", "GenerateDock"},
    {"image-to-image", "ImageToImageDock"}, {"lessons", "LessonsDock"}};

// The built-in example's data, then (with train) a run of the Network panel's model. A project
// whose data source is a single image has no data set: its picture is taken once the image view
// shows the image.
void whenDataLoaded(MainWindow& w, bool train, std::function<void()> ready) {
    if (w.dataPanel()->source().value("kind", "") == "image") {
        QObject::connect(w.dataPanel()->imageView(), &widgets::ImageView::frameReady, &w,
                         [&w, ready] { QTimer::singleShot(300, &w, ready); }, Qt::SingleShotConnection);
        return;
    }
    auto started = std::make_shared<bool>(false);
    QObject::connect(w.dataPanel(), &DataPanel::datasetChanged, &w, [&w, train, ready, started] {
        if (*started || !w.dataPanel()->hasDataset()) return;  // wait for the load that brings data
        *started = true;
        if (!train) {
            QTimer::singleShot(300, &w, ready);
            return;
        }
        QObject::connect(w.training(), &TrainingController::finished, &w,
                         [&w, ready](auto) { QTimer::singleShot(300, &w, ready); });
        w.startTraining();
    });
}

// The README's Generate pictures: 800 simulated 32×32 galaxies with 6 % oddballs.
void generateScene(MainWindow& w, const ScreenshotScene& s, std::function<void()> ready) {
    auto* p = w.findChild<GeneratePanel*>();
    w.dataPanel()->setSource(Json{{"kind", "simulated"}, {"sim_kind", "anomaly"}, {"count", 800}, {"size", 32},
                                  {"bands", {"r"}}, {"seed", 5}});
    w.dataPanel()->waitUntilLoaded();
    if (!s.run.isEmpty()) {  // rank the galaxies with the run's critic or VAE
        p->openRun(s.run);
        p->tabs()->setCurrentIndex(1);
        p->rankDataset();
        p->waitForRanking();
        QTimer::singleShot(600, &w, ready);
        return;
    }
    GanSetup g = p->setup();  // a DCGAN trained in the panel: 40 epochs, about 40 s
    g.options.kind = GanKind::DCGAN;
    g.options.epochs = 40;
    g.options.batchSize = 32;
    g.options.sampleCount = 15;
    g.latent = 32;
    g.baseFilters = 16;
    g.generatorLearningRate = g.criticLearningRate = 2e-4;
    p->setSetup(g, 0, false);
    QObject::connect(p->session(), &GanSession::finished, &w, [&w, p, ready] {
        p->snapshotSlider()->setValue(p->snapshotSlider()->maximum());
        QTimer::singleShot(500, &w, ready);
    });
    QTimer::singleShot(300, &w, [p] { p->startTraining(); });
}

// 64 new simulated galaxies through the run's network, the pick-th best shown.
void imageToImageScene(MainWindow& w, const ScreenshotScene& s, std::function<void()> ready) {
    auto* p = w.findChild<ImageToImagePanel*>();
    w.findChild<QDockWidget*>("DataDock")->hide();
    w.dataPanel()->waitUntilLoaded();
    p->openRun(s.run);
    p->setSimulation(64, 9001);
    p->evaluate();
    p->waitForEvaluation();
    p->setSortOrder(ImageToImagePanel::SortOrder::BestFirst);
    const std::vector<int> order = p->browseOrder();
    if (!order.empty()) p->selectImage(order[std::size_t(std::clamp(s.pick, 0, int(order.size()) - 1))]);
    QTimer::singleShot(600, &w, ready);
}
}  // namespace

QStringList screenshotPanels() {
    QStringList out;
    for (const auto& [name, dock] : kDocks) out << name;
    return out;
}

bool prepareScreenshotScene(MainWindow& w, const ScreenshotScene& s, std::function<void()> ready, QString* why) {
    const char* dockName = nullptr;
    for (const auto& [name, dock] : kDocks)
        if (s.panel == name) dockName = dock;
    if (!s.panel.isEmpty() && !dockName) {
        *why = QString("unknown panel '%1': use one of %2").arg(s.panel, screenshotPanels().join(", "));
        return false;
    }
    if (s.panel == "image-to-image" && s.run.isEmpty()) {
        *why = "--panel image-to-image needs --run <folder of deepfield-cli train --target mask|bulge-disk|...>";
        return false;
    }
    QDockWidget* dock = dockName && *dockName ? w.findChild<QDockWidget*>(dockName) : nullptr;
    if (dockName && *dockName && !dock) {
        *why = QString("the window has no %1 dock").arg(dockName);
        return false;
    }
    if (dock) {
        dock->show();
        dock->raise();
    }
    const bool wide = s.panel == "generate" || s.panel == "image-to-image";
    if (wide) {  // these panels show several images side by side
        w.resize(1900, 1000);
        w.resizeDocks({w.findChild<QDockWidget*>("DataDock"), dock}, {260, 1400}, Qt::Horizontal);
    }
    if (s.train && w.dataPanel()->source().value("kind", "") == "image") {
        *why = "--train needs a data set; this project's data source is a single image (use an image folder "
               "with a labels.csv or simulated galaxies)";
        return false;
    }
    auto raised = [&w, ready] { QTimer::singleShot(200, &w, ready); };
    if (s.panel == "generate") generateScene(w, s, raised);
    else if (s.panel == "image-to-image") imageToImageScene(w, s, raised);
    else whenDataLoaded(w, s.train, raised);
    return true;
}

}  // namespace deepfield::app
