#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QUndoStack>

#include "core/error.h"
#include "graph/graph.h"
#include "learning_curve_plot.h"
#include "panels/data_panel.h"
#include "panels/inspect_panel.h"
#include "panels/latent_panel.h"
#include "panels/generate_panel.h"
#include "panels/image_to_image_panel.h"
#include "panels/network_panel.h"
#include "panels/train_panel.h"
#include "training/training_controller.h"

// Resources compiled into the deepfield_app library must be registered by name, once.
static void initResources() { Q_INIT_RESOURCE(deepfield); }

namespace deepfield::app {

namespace {
constexpr int kAutosaveMs = 60 * 1000;
constexpr int kMaxRecent = 8;

// Fusion with a dark palette, or the style's own light one: every widget, QCustomPlot plot,
// chart and the network scene take their colours from the palette.
void applyDarkTheme(bool dark) {
    QApplication::setStyle("Fusion");
    if (!dark) {
        QApplication::setPalette(QApplication::style()->standardPalette());
        return;
    }
    QPalette p;
    const QColor window(45, 47, 50), base(30, 31, 34), text(225, 225, 225), mid(90, 92, 96);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::PlaceholderText, QColor(140, 140, 140));
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);  // text on Dark (e.g. the image view's "No image")
    p.setColor(QPalette::Highlight, QColor(60, 120, 215));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(110, 170, 255));
    p.setColor(QPalette::Light, QColor(70, 72, 76));
    p.setColor(QPalette::Midlight, QColor(60, 62, 66));
    p.setColor(QPalette::Mid, mid);
    p.setColor(QPalette::Dark, QColor(25, 26, 28));
    p.setColor(QPalette::Shadow, QColor(10, 10, 10));
    for (QPalette::ColorRole r : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, r, QColor(120, 120, 120));
    QApplication::setPalette(p);
}

QDockWidget* makeDock(QMainWindow* w, const QString& title, const QString& name, QWidget* content) {
    auto* dock = new QDockWidget(title, w);
    dock->setObjectName(name);
    dock->setWidget(content);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                      QDockWidget::DockWidgetClosable);
    return dock;
}
}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      trainPanel_(new TrainPanel(this)),
      dataPanel_(new DataPanel(this)),
      networkPanel_(new NetworkPanel(this)),
      training_(new TrainingController(this)),
      undo_(new QUndoStack(this)) {
    initResources();
    setObjectName("DeepFieldMainWindow");
    setWindowIcon(QIcon(":/deepfield/icon.svg"));
    setCentralWidget(trainPanel_);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);
    // The data panel scrolls rather than forcing a minimum width on the whole window.
    auto* dataScroll = new QScrollArea(this);
    dataScroll->setWidget(dataPanel_);
    dataScroll->setWidgetResizable(true);
    dataScroll->setFrameShape(QFrame::NoFrame);
    dataScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    auto* dataDock = makeDock(this, tr("Data"), "DataDock", dataScroll);
    auto* networkDock = makeDock(this, tr("Network"), "NetworkDock", networkPanel_);
    addDockWidget(Qt::LeftDockWidgetArea, dataDock);
    addDockWidget(Qt::RightDockWidgetArea, networkDock);
    resizeDocks({dataDock, networkDock}, {360, 400}, Qt::Horizontal);
    // The Data dock is never narrower than its panel (no horizontal scrolling): other areas give way.
    dataScroll->setMinimumWidth(dataPanel_->minimumSizeHint().width() + dataScroll->verticalScrollBar()->sizeHint().width() + 2);

    networkPanel_->setUndoStack(undo_);
    buildMenus();
    viewMenu_->addAction(dataDock->toggleViewAction());
    viewMenu_->addAction(networkDock->toggleViewAction());
    addPanel(new InspectPanel(this), tr("Inspect"), "InspectDock");
    addPanel(new GeneratePanel(dataPanel_), tr("Generate"), "GenerateDock");
    addPanel(new ImageToImagePanel([this] { return trainedModel(); },
                                   [this] {  // the validation images of the studio's split
                                       const TrainOptions o = trainPanel_->settings().options;
                                       return dataPanel_->split(o.validationSplit > 0 ? o.validationSplit : 0.2, o.seed).second;
                                   }),
             tr("Image to image"), "ImageToImageDock");
    addPanel(new LatentPanel(dataPanel_), tr("Latent space"), "LatentDock");

    connect(trainPanel_, &TrainPanel::startRequested, this, &MainWindow::startTraining);
    connect(trainPanel_, &TrainPanel::stopRequested, this, &MainWindow::stopTraining);
    connect(trainPanel_, &TrainPanel::pauseRequested, this, [this] {
        training_->pause();
        trainPanel_->setRunning(true, true);
    });
    connect(trainPanel_, &TrainPanel::resumeRequested, this, [this] {
        training_->resume();
        trainPanel_->setRunning(true, false);
    });
    connect(trainPanel_, &TrainPanel::stepRequested, this, [this] {
        training_->step();
        trainPanel_->setRunning(true, true);
    });
    connect(trainPanel_, &TrainPanel::settingsChanged, this, [this] { setModified(true); });
    connect(training_, &TrainingController::batchesReady, trainPanel_, &TrainPanel::showBatches);
    connect(training_, &TrainingController::epochFinished, this, [this](const EpochStats& e) {
        trainPanel_->showEpoch(e);
        Json row{{"epoch", e.epoch}, {"train_loss", e.trainLoss}};
        if (std::isfinite(e.valLoss)) row["val_loss"] = e.valLoss;
        for (const auto& [k, v] : e.trainMetrics) row["train_" + k] = v;
        for (const auto& [k, v] : e.valMetrics) row["val_" + k] = v;
        history_.push_back(row);
    });
    connect(training_, &TrainingController::finished, this, &MainWindow::onTrainingFinished);
    connect(training_, &TrainingController::runningChanged, this, [this](bool running) {
        trainPanel_->setRunning(running, training_->isPaused());
        startAction_->setEnabled(!running);
        stopAction_->setEnabled(running);
        pauseAction_->setEnabled(running);
        stepAction_->setEnabled(running);
        dataPanel_->setEnabled(!running);
        networkPanel_->setEnabled(!running);
    });
    connect(dataPanel_, &DataPanel::sourceChanged, this, [this] { setModified(true); });
    connect(dataPanel_, &DataPanel::datasetChanged, this, [this] {
        // Image targets (unet-clumps, autoencoder): the templates' outputs and the losses follow them.
        networkPanel_->setImageTarget(dataPanel_->imageTarget(), dataPanel_->targetShape());
        trainPanel_->setImageTarget(dataPanel_->imageTarget());
        networkPanel_->setDataShape(dataPanel_->inputShape(), dataPanel_->classCount());
        updateCanTrain();
    });
    connect(networkPanel_, &NetworkPanel::networkChanged, this, [this] {
        setModified(true);
        updateCanTrain();
    });
    // The Data panel's summary shows the split sizes of the Train panel's validation split.
    connect(trainPanel_, &TrainPanel::settingsChanged, this,
            [this] { dataPanel_->setValidationSplit(trainPanel_->settings().options.validationSplit); });

    autosaveTimer_.setInterval(kAutosaveMs);
    connect(&autosaveTimer_, &QTimer::timeout, this, &MainWindow::autosave);
    autosaveTimer_.start();

    QSettings settings;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    if (!settings.contains("window/geometry")) resize(1600, 960);
    if (!settings.contains("window/state"))  // first start: Network in front of the panels tabbed onto it
        if (auto* network = findChild<QDockWidget*>("NetworkDock")) network->raise();
    statusBar()->showMessage(tr("Ready"));
    updateTitle();
    QTimer::singleShot(0, this, &MainWindow::offerRecovery);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* newAct = file->addAction(tr("&New"), this, [this] {
        if (maybeSave()) loadBuiltInExample();
    });
    newAct->setShortcut(QKeySequence::New);
    QAction* openAct = file->addAction(tr("&Open…"), this, [this] {
        if (!maybeSave()) return;
        const QString p = QFileDialog::getOpenFileName(this, tr("Open project"), {}, tr("DeepField projects (*.dfproj)"));
        if (!p.isEmpty()) openProject(p);
    });
    openAct->setShortcut(QKeySequence::Open);
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    QAction* saveAct = file->addAction(tr("&Save"), this, &MainWindow::save);
    saveAct->setShortcut(QKeySequence::Save);
    QAction* saveAsAct = file->addAction(tr("Save &As…"), this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Save project"), path_, tr("DeepField projects (*.dfproj)"));
        if (!p.isEmpty()) saveProjectAs(p.endsWith(".dfproj") ? p : p + ".dfproj");
    });
    saveAsAct->setShortcut(QKeySequence::SaveAs);
    file->addSeparator();
    file->addAction(tr("Export learning curves…"), this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Export learning curves"), "curves.png",
                                                       tr("Images (*.png *.svg *.pdf);;Numbers (*.csv)"));
        if (!p.isEmpty() && !trainPanel_->curves()->exportTo(p))
            QMessageBox::warning(this, tr("Export failed"), tr("Could not write '%1'. Use .png, .svg, .pdf or .csv.").arg(p));
    });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undoAct = undo_->createUndoAction(this, tr("&Undo"));
    undoAct->setShortcut(QKeySequence::Undo);
    QAction* redoAct = undo_->createRedoAction(this, tr("&Redo"));
    redoAct->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence::Redo});
    edit->addAction(undoAct);
    edit->addAction(redoAct);

    viewMenu_ = menuBar()->addMenu(tr("&View"));
    viewMenu_->addAction(tr("Log-scale loss"), this, [this](bool on) { trainPanel_->curves()->setLogScale(on); })->setCheckable(true);
    viewMenu_->addAction(tr("Keep this run for comparison"), this, [this] { trainPanel_->curves()->keepAsGhost(); });
    viewMenu_->addAction(tr("Clear earlier runs"), this, [this] { trainPanel_->curves()->clearGhosts(); });
    // Dark theme: remembered; DEEPFIELD_THEME=dark|light overrides at start-up (screenshots, tests).
    QAction* darkAct = viewMenu_->addAction(tr("Dark theme"), this, [](bool on) {
        applyDarkTheme(on);
        QSettings().setValue("view/dark", on);
    });
    darkAct->setObjectName("DarkThemeAction");
    darkAct->setCheckable(true);
    const QString theme = qEnvironmentVariable("DEEPFIELD_THEME");
    const bool dark = theme.isEmpty() ? QSettings().value("view/dark", false).toBool() : theme == "dark";
    if (dark) {
        darkAct->setChecked(true);
        applyDarkTheme(true);
    }
    viewMenu_->addSeparator();

    QMenu* train = menuBar()->addMenu(tr("&Train"));
    startAction_ = train->addAction(tr("&Start"), this, &MainWindow::startTraining);
    startAction_->setShortcut(Qt::Key_F5);
    pauseAction_ = train->addAction(tr("&Pause / Resume"), this, [this] {
        if (training_->isPaused()) {
            training_->resume();
            trainPanel_->setRunning(true, false);
        } else {
            training_->pause();
            trainPanel_->setRunning(true, true);
        }
    });
    pauseAction_->setShortcut(Qt::Key_F6);
    stepAction_ = train->addAction(tr("S&tep one batch"), this, [this] {
        training_->step();
        trainPanel_->setRunning(true, true);
    });
    stepAction_->setShortcut(Qt::Key_F7);
    stopAction_ = train->addAction(tr("St&op"), this, &MainWindow::stopTraining);
    stopAction_->setShortcut(Qt::Key_Escape);
    for (QAction* a : {pauseAction_, stepAction_, stopAction_}) a->setEnabled(false);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About DeepField"), this, &MainWindow::showAbout);

    QToolBar* tb = addToolBar(tr("Main"));
    tb->setObjectName("MainToolBar");
    tb->addAction(newAct);
    tb->addAction(openAct);
    tb->addAction(saveAct);
    tb->addSeparator();
    tb->addAction(undoAct);
    tb->addAction(redoAct);
    tb->addSeparator();
    tb->addAction(startAction_);
    tb->addAction(pauseAction_);
    tb->addAction(stepAction_);
    tb->addAction(stopAction_);
}

void MainWindow::loadBuiltInExample() {
    Project p;
    p.dataSource = DataPanel::builtInExampleSource();
    try {
        p.network = NetworkPanel::builtInExampleNetwork();
    } catch (const std::exception& e) {
        statusBar()->showMessage(tr("The example network could not be built: %1").arg(e.what()));
    }
    TrainSettings s;
    s.options.epochs = 8;
    s.options.batchSize = 32;
    s.options.validationSplit = 0.2;
    s.options.seed = 1;
    s.options.metrics = {"accuracy"};
    p.training = s;
    loadUnsavedProject(p);
}

void MainWindow::loadUnsavedProject(const Project& p) {
    applyProject(p);
    path_.clear();
    setModified(false);
}

Project MainWindow::currentProject() const {
    Project p;
    p.dataSource = dataPanel_->source();
    p.network = networkPanel_->network();
    p.training = trainPanel_->settings();
    p.history = history_;
    p.weights = weights_;
    return p;
}

void MainWindow::applyProject(const Project& p) {
    undo_->clear();
    history_ = p.history;
    weights_ = p.weights;
    dataPanel_->setSource(p.dataSource);
    networkPanel_->setNetwork(p.network);
    trainPanel_->setSettings(p.training);
    trainPanel_->curves()->clear();
    for (const Json& row : history_) {
        auto num = [&](const char* k) { return row.contains(k) ? row[k].get<double>() : NAN; };
        std::string metric;
        for (auto it = row.begin(); it != row.end(); ++it)
            if (it.key().rfind("train_", 0) == 0 && it.key() != "train_loss") metric = it.key().substr(6);
        if (!metric.empty()) trainPanel_->curves()->setMetricName(QString::fromStdString(metric));
        trainPanel_->curves()->appendEpoch(row.value("epoch", 0), num("train_loss"), num("val_loss"),
                                           metric.empty() ? NAN : num(("train_" + metric).c_str()),
                                           metric.empty() ? NAN : num(("val_" + metric).c_str()));
    }
    updateCanTrain();
    emit modelChanged();
}

bool MainWindow::openProject(const QString& path) {
    try {
        applyProject(Project::load(path));
    } catch (const std::exception& e) {
        QMessageBox::critical(this, tr("Cannot open project"), QString::fromStdString(e.what()));
        return false;
    }
    path_ = path;
    setModified(false);
    addRecent(path);
    statusBar()->showMessage(tr("Opened %1").arg(path), 5000);
    return true;
}

bool MainWindow::saveProjectAs(const QString& path) {
    try {
        currentProject().save(path);
    } catch (const std::exception& e) {
        QMessageBox::critical(this, tr("Cannot save project"), QString::fromStdString(e.what()));
        return false;
    }
    QFile::remove(autosavePath(path_));
    path_ = path;
    QFile::remove(autosavePath(path_));
    setModified(false);
    addRecent(path);
    statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
    return true;
}

bool MainWindow::save() {
    if (path_.isEmpty()) {
        const QString p = QFileDialog::getSaveFileName(this, tr("Save project"), "untitled.dfproj",
                                                       tr("DeepField projects (*.dfproj)"));
        if (p.isEmpty()) return false;
        return saveProjectAs(p.endsWith(".dfproj") ? p : p + ".dfproj");
    }
    return saveProjectAs(path_);
}

void MainWindow::autosave() {
    if (!modified_) return;
    try {
        currentProject().save(autosavePath(path_));
    } catch (const std::exception& e) {
        statusBar()->showMessage(tr("Autosave failed: %1").arg(e.what()), 10000);
    }
}

void MainWindow::offerRecovery() {
    if (!offerRecovery_) return;
    const QString a = autosavePath(path_);
    if (!QFileInfo::exists(a)) return;
    const auto answer = QMessageBox::question(
        this, tr("Recover unsaved work?"),
        tr("DeepField found work that was not saved when it last closed (%1). Recover it?")
            .arg(QFileInfo(a).lastModified().toString()),
        QMessageBox::Yes | QMessageBox::Discard, QMessageBox::Yes);
    if (answer == QMessageBox::Yes) {
        try {
            applyProject(Project::load(a));
            setModified(true);
            return;
        } catch (const std::exception& e) {
            QMessageBox::warning(this, tr("Recovery failed"), QString::fromStdString(e.what()));
        }
    }
    QFile::remove(a);
}

bool MainWindow::maybeSave() {
    if (!modified_) return true;
    const auto answer = QMessageBox::warning(this, tr("Unsaved changes"),
                                             tr("The project has unsaved changes. Save them first?"),
                                             QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Cancel) return false;
    if (answer == QMessageBox::Save) return save();
    QFile::remove(autosavePath(path_));
    return true;
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    training_->stop();
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    event->accept();
}

void MainWindow::discardChanges() {
    QFile::remove(autosavePath(path_));
    setModified(false);
}

void MainWindow::setModified(bool on) {
    modified_ = on;
    updateTitle();
}

void MainWindow::updateTitle() {
    const QString name = path_.isEmpty() ? tr("Untitled") : QFileInfo(path_).fileName();
    setWindowTitle(QString("%1%2 — DeepField").arg(name, modified_ ? "*" : ""));
}

void MainWindow::updateCanTrain() {
    QString why;
    const bool ok = dataPanel_->hasDataset(&why) && networkPanel_->isTrainable(dataPanel_->inputShape(), &why);
    trainPanel_->setCanTrain(ok, why);
    if (startAction_) startAction_->setEnabled(ok && !training_->isRunning());
}

void MainWindow::startTraining() {
    if (training_->isRunning()) return;
    TrainingJob job;
    const TrainSettings s = trainPanel_->settings();
    try {
        Json network = networkPanel_->network();
        if (s.initializer != "network")
            for (Json& layer : network["layers"])
                if (layer.contains("config") && layer["config"].contains("kernel_initializer"))
                    layer["config"]["kernel_initializer"] = s.initializer;
        job.graph = std::make_unique<Graph>(Graph::fromJson(network));
        job.graph->build();
        job.graph->reset(s.options.seed);
        std::tie(job.train, job.validation) = dataPanel_->split(s.options.validationSplit, s.options.seed);
        if (!job.train) throw InputError("there is no data to train on yet; load or generate a data set in the Data panel");
    } catch (const std::exception& e) {
        trainPanel_->showMessage(QString::fromStdString(e.what()), true);
        return;
    }
    job.loss = s.loss;
    job.optimizer = s.optimizer;
    job.optimizerOptions = s.optimizerOptions;
    job.options = s.options;
    job.options.validationSplit = 0;  // the data panel made the split
    history_ = Json::array();
    trainPanel_->curves()->clear();
    trainPanel_->resetProgress(s.options.epochs);
    training_->start(std::move(job));
    statusBar()->showMessage(tr("Training…"));
}

void MainWindow::stopTraining() { training_->stop(); }

std::shared_ptr<Graph> MainWindow::trainedModel() const {
    if (!weights_) return nullptr;
    try {
        auto g = std::make_shared<Graph>(Graph::fromJson(networkPanel_->network()));
        g->build();
        g->loadWeights(*weights_, "the project's trained weights");
        return g;
    } catch (const std::exception&) {
        return nullptr;  // the network was edited since training: its weights no longer fit
    }
}

QDockWidget* MainWindow::addPanel(QWidget* panel, const QString& title, const QString& objectName) {
    // Panels scroll inside their dock rather than forcing their minimum width on the window.
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    QDockWidget* dock = makeDock(this, title, objectName, scroll);
    addDockWidget(Qt::RightDockWidgetArea, dock);
    if (auto* network = findChild<QDockWidget*>("NetworkDock")) tabifyDockWidget(network, dock);
    viewMenu_->addAction(dock->toggleViewAction());
    return dock;
}

void MainWindow::onTrainingFinished(std::shared_ptr<TrainingResult> result) {
    if (!result->error.isEmpty()) {
        trainPanel_->showMessage(result->error, true);
        statusBar()->showMessage(tr("Training failed"), 5000);
        return;
    }
    const History& h = result->history;
    if (h.diverged) trainPanel_->showMessage(QString::fromStdString(h.stopReason), true);
    else trainPanel_->showMessage(tr("Training %1.").arg(QString::fromStdString(h.stopReason)));
    TensorFile f;
    for (const Param& p : result->graph->parameters()) f.tensors[p.name] = *p.value;
    for (const Param& p : result->graph->buffers()) f.tensors[p.name] = *p.value;
    weights_ = f;
    setModified(true);
    emit modelChanged();
    statusBar()->showMessage(tr("Training %1").arg(QString::fromStdString(h.stopReason)), 5000);
}

void MainWindow::addRecent(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value("recentProjects").toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent) recent.removeLast();
    settings.setValue("recentProjects", recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList recent = QSettings().value("recentProjects").toStringList();
    for (const QString& p : recent)
        recentMenu_->addAction(QFileInfo(p).fileName(), this, [this, p] {
            if (maybeSave()) openProject(p);
        })->setToolTip(p);
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About DeepField"),
        tr("<h3>DeepField %1</h3><p>A laboratory for learning deep learning on galaxy images.</p>"
           "<p><b>Data credits</b></p><ul>"
           "<li>Galaxy images: Sloan Digital Sky Survey (SDSS) gri colour cut-outs. Funding for the SDSS has been "
           "provided by the Alfred P. Sloan Foundation, the Participating Institutions, NASA, NSF, the U.S. DOE, "
           "the Japanese Monbukagakusho and the Max Planck Society.</li>"
           "<li>Morphology labels: Galaxy Zoo 1 (Lintott et al. 2008, MNRAS 389, 1179; Lintott et al. 2011, MNRAS 410, 166).</li>"
           "<li>Colours and redshifts: SDSS DR14 SkyServer, BOSS DR10 via the ANNz project (GPLv3 data files).</li>"
           "<li>FITS samples: NASA/Spitzer (IRAC image of M51, the FITS WCS SIP sample), AURA/NOAO (the IRAF test "
           "image of M51), CFHT/CADC (MegaPrime cut-out of SA 110); see resources/data/fits/PROVENANCE.md.</li>"
           "</ul>")
            .arg(QApplication::applicationVersion()));
}

}  // namespace deepfield::app
