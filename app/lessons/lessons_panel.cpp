#include "lessons_panel.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QFormLayout>
#include <QMenu>
#include <QMenuBar>
#include <QToolButton>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include "backprop_view.h"
#include "convolution_view.h"
#include "decision_boundary_view.h"
#include "lesson_catalog.h"
#include "lesson_data.h"
#include "lesson_demos.h"
#include "loss_surface_view.h"
#include "main_window.h"
#include "overfit_view.h"
#include "photoz_view.h"
#include "panels/data_panel.h"
#include "panels/network_panel.h"
#include "panels/train_panel.h"
#include "training/training_controller.h"

namespace deepfield::app {

namespace {
const Lesson* findLesson(int number) {
    for (const Lesson& l : lessonCatalog())
        if (l.number == number) return &l;
    return nullptr;
}
}  // namespace

LessonsPanel::LessonsPanel(MainWindow* window, QWidget* parent)
    : QWidget(parent),
      window_(window),
      pages_(new QStackedWidget(this)),
      title_(new QLabel(this)),
      status_(new QLabel(this)),
      text_(new QTextBrowser(this)),
      splitter_(new QSplitter(Qt::Vertical, this)),
      playgrounds_(new QStackedWidget(this)),
      resetButton_(new QPushButton(tr("Reset lesson"), this)),
      saveButton_(new QPushButton(tr("Save as project…"), this)),
      demoButton_(new QPushButton(tr("Run demonstration"), this)),
      teacherAction_(new QAction(tr("Teacher mode"), this)),
      locked_(lockableSettings()),
      locksMenu_(new QMenu(tr("Teacher mode locks"), this)),
      locksButton_(new QToolButton(this)) {
    setObjectName("LessonsPanel");
    pages_->addWidget(buildStartPage());

    // The lesson page: a bar, the text above its playground.
    auto* lessonPage = new QWidget(this);
    auto* back = new QPushButton(tr("← All lessons"), lessonPage);
    back->setObjectName("backToLessons");
    resetButton_->setObjectName("resetLesson");
    resetButton_->setToolTip(tr("Reload this lesson's data, network and settings and start its playground afresh"));
    saveButton_->setToolTip(tr("Save the lesson as it is now (data, network, settings, trained weights) as a project "
                               "file students can open"));
    QFont tf = title_->font();
    tf.setPointSizeF(tf.pointSizeF() * 1.3);
    tf.setBold(true);
    title_->setFont(tf);
    auto* bar = new QHBoxLayout;
    bar->addWidget(back);
    bar->addWidget(title_, 1);
    bar->addWidget(locksButton_);
    bar->addWidget(demoButton_);
    bar->addWidget(resetButton_);
    bar->addWidget(saveButton_);
    text_->setOpenExternalLinks(true);
    text_->setMinimumHeight(80);
    splitter_->addWidget(text_);
    splitter_->addWidget(playgrounds_);
    splitter_->setStretchFactor(0, 1);
    splitter_->setStretchFactor(1, 3);
    auto* lv = new QVBoxLayout(lessonPage);
    lv->setContentsMargins(4, 4, 4, 4);
    lv->addLayout(bar);
    links_ = new QHBoxLayout;
    lv->addLayout(links_);
    lv->addWidget(splitter_, 1);
    pages_->addWidget(lessonPage);

    status_->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(pages_, 1);
    layout->addWidget(status_);

    connect(back, &QPushButton::clicked, this, &LessonsPanel::showStartPage);
    connect(resetButton_, &QPushButton::clicked, this, &LessonsPanel::resetLesson);
    demoButton_->setObjectName("runDemo");
    demoButton_->setToolTip(tr("Let the program run the lesson: train, then show what the lesson is about"));
    connect(demoButton_, &QPushButton::clicked, this, &LessonsPanel::runDemo);
    demo_ = new LessonDemo(window_, this);
    connect(demo_, &LessonDemo::progressed, status_, &QLabel::setText);
    connect(demo_, &LessonDemo::finished, this, [this] {
        demoButton_->setEnabled(true);
        status_->setText(demo_->error().isEmpty() ? demo_->summary().join("\n")
                                                  : tr("The demonstration stopped: %1").arg(demo_->error()));
        emit demoFinished();
    });
    connect(saveButton_, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Save lesson as project"),
                                                       QString("lesson-%1.dfproj").arg(current_),
                                                       tr("DeepField projects (*.dfproj)"));
        if (!p.isEmpty()) saveLessonAsProject(p.endsWith(".dfproj") ? p : p + ".dfproj");
    });
    teacherAction_->setCheckable(true);
    teacherAction_->setObjectName("teacherModeAction");
    teacherAction_->setToolTip(tr("Larger fonts for a projector; the settings chosen under Teacher mode locks "
                                  "locked; advanced controls hidden"));
    connect(teacherAction_, &QAction::toggled, this, &LessonsPanel::setTeacherMode);
    // The teacher ticks what teacher mode locks; the lesson bar shows the same menu in teacher mode.
    const QStringList lockTitles{tr("Data"), tr("Network"), tr("Training settings"), tr("Learning rate"), tr("Epochs")};
    for (int i = 0; i < lockableSettings().size(); ++i) {
        QAction* a = locksMenu_->addAction(lockTitles[i]);
        a->setObjectName("lock-" + lockableSettings()[i]);
        a->setData(lockableSettings()[i]);
        a->setCheckable(true);
        a->setChecked(true);
        connect(a, &QAction::toggled, this, [this] {
            QStringList names;
            for (QAction* b : locksMenu_->actions())
                if (b->isChecked()) names << b->data().toString();
            setLockedSettings(names);
        });
    }
    locksButton_->setObjectName("teacherLocks");
    locksButton_->setText(tr("Locks"));
    locksButton_->setToolTip(tr("Choose what teacher mode locks for the students"));
    locksButton_->setMenu(locksMenu_);
    locksButton_->setPopupMode(QToolButton::InstantPopup);
    locksButton_->setVisible(false);
    // Training enables the Train panel's settings when it ends; the teacher's locks win: this slot
    // runs after the main window's (connected later), and once more queued in case of reordering.
    connect(window_->training(), &TrainingController::runningChanged, this, [this] {
        applyLocks();
        QTimer::singleShot(0, this, &LessonsPanel::applyLocks);
    });
}

QWidget* LessonsPanel::buildStartPage() {
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* page = new QWidget(scroll);
    auto* v = new QVBoxLayout(page);
    auto* heading = new QLabel(tr("<h2>The course</h2><p>Ten lessons, from a colour–colour diagram to a GAN. Each "
                                  "opens with one click and loads its own data, network and settings.</p>"),
                               page);
    heading->setWordWrap(true);
    v->addWidget(heading);
    for (const Lesson& l : lessonCatalog()) {
        auto* card = new QFrame(page);
        card->setFrameShape(QFrame::StyledPanel);
        card->setObjectName(QString("lessonCard%1").arg(l.number));
        auto* h = new QHBoxLayout(card);
        auto* badge = new QLabel(QString::number(l.number), card);
        badge->setFixedSize(34, 34);
        badge->setAlignment(Qt::AlignCenter);
        badge->setStyleSheet("QLabel { background: #2f7fd0; color: white; border-radius: 17px; font-weight: bold; }");
        auto* words = new QLabel(QString("<b>%1</b><br><span style='color:#555'>%2</span>").arg(l.title, l.summary), card);
        words->setWordWrap(true);
        auto* open = new QPushButton(tr("Open"), card);
        open->setObjectName(QString("openLesson%1").arg(l.number));
        connect(open, &QPushButton::clicked, this, [this, n = l.number] {
            // A lesson replaces the studio's project: unsaved work is not dropped silently.
            if (window_->isModified() &&
                QMessageBox::question(this, tr("Open lesson %1").arg(n),
                                      tr("The current project has unsaved changes. Open the lesson anyway and "
                                         "discard them? (Cancel, then File ▸ Save, keeps them.)"),
                                      QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Discard)
                return;
            openLesson(n);
        });
        h->addWidget(badge, 0, Qt::AlignTop);
        h->addWidget(words, 1);
        h->addWidget(open, 0, Qt::AlignVCenter);
        v->addWidget(card);
    }
    v->addStretch();
    scroll->setWidget(page);
    return scroll;
}

void LessonsPanel::showStartPage() { pages_->setCurrentIndex(0); }
bool LessonsPanel::isStartPage() const { return pages_->currentIndex() == 0; }
QString LessonsPanel::lessonTitle() const { return title_->text(); }
QString LessonsPanel::lessonMarkdown() const { return text_->toMarkdown(); }
QString LessonsPanel::statusText() const { return status_->text(); }

bool LessonsPanel::openLesson(int number) {
    const Lesson* lesson = findLesson(number);
    if (!lesson) return false;
    Project p;
    try {
        p = lessonProject(*lesson);
    } catch (const std::exception& e) {
        status_->setText(QString::fromStdString(e.what()));
        return false;
    }
    window_->stopTraining();
    window_->loadUnsavedProject(p);
    current_ = number;
    title_->setText(tr("%1. %2").arg(number).arg(lesson->title));
    text_->setMarkdown(lessonText(*lesson));
    QWidget* playground = nullptr;
    try {
        playground = playgroundFor(*lesson);
    } catch (const std::exception& e) {
        status_->setText(tr("The playground could not start: %1").arg(QString::fromStdString(e.what())));
    }
    playgrounds_->setVisible(playground != nullptr);
    if (playground) playgrounds_->setCurrentWidget(playground);
    splitter_->setSizes(playground ? QList<int>{180, 620} : QList<int>{800, 0});
    pages_->setCurrentIndex(1);
    if (status_->text().isEmpty() || playground) status_->clear();
    raiseDocks(*lesson);
    applyLocks();
    emit lessonOpened(number);
    return true;
}

void LessonsPanel::resetLesson() {
    if (current_ <= 0) return;
    const int n = current_;
    if (boundary_ && n == 1) boundary_->stop();
    openLesson(n);
    if (n == 1 && boundary_) {
        boundary_->setMode("classification");
        boundary_->setHiddenLayers({4, 4});
        boundary_->setActivation("Tanh");
        boundary_->model().reset(1);
        boundary_->trainEpochs(0);
    }
    if (n == 2 && backprop_) backprop_->reset();
    if (n == 2 && surface_) surface_->reset();
    if (n == 3 && convolution_) {
        convolution_->setPreset("edge-x");
        convolution_->setPoolSize(2);
    }
}

void LessonsPanel::runDemo() {
    if (current_ == 1 && boundary_) {
        boundary_->trainEpochs(60);
    } else if (current_ == 2 && backprop_) {
        backprop_->reset();
        backprop_->forward();
        backprop_->backward();
    } else if (current_ == 3 && convolution_) {
        convolution_->setPreset("edge-x");
        convolution_->selectPooled(21, 27);
    } else if (current_ == 5 && overfit_) {
        // Both experiments, one after the other.
        connect(overfit_, &OverfitView::finished, this, [this] {
            connect(overfit_, &OverfitView::finished, this, &LessonsPanel::demoFinished, Qt::SingleShotConnection);
            overfit_->runInitialisation();
        }, Qt::SingleShotConnection);
        overfit_->runOverfitting();
        return;
    } else if (current_ == 10 && photoz_) {
        connect(photoz_, &PhotoZView::finished, this, &LessonsPanel::demoFinished, Qt::SingleShotConnection);
        photoz_->run();
        return;
    } else if (LessonDemo::handles(current_)) {
        if (demo_->isRunning()) return;
        demoButton_->setEnabled(false);
        demo_->run(current_);
        return;
    }
    QTimer::singleShot(0, this, &LessonsPanel::demoFinished);
}

// The lesson's playground, made when it is first needed; its data come from the shipped files.
QWidget* LessonsPanel::playgroundFor(const Lesson& lesson) {
    if (lesson.playground == "boundary") {
        if (!boundary_) {
            boundary_ = new widgets::DecisionBoundaryView(playgrounds_);
            const ColourSample c = loadColourClasses(sdssColoursCsv(), 1500);
            boundary_->setClassificationData(c.features, c.featureNames, c.labels, c.classNames);
            const ColourSample z = loadGalaxyRedshifts(sdssColoursCsv(), 2000);
            boundary_->setRegressionData(z.features, z.featureNames, z.redshift);
            playgrounds_->addWidget(boundary_);
        }
        return boundary_;
    }
    if (lesson.playground == "backprop") {
        if (!backpropPage_) {
            auto* tabs = new QTabWidget(playgrounds_);
            backprop_ = new widgets::BackpropView(tabs);
            surface_ = new widgets::LossSurfaceView(tabs);
            tabs->addTab(backprop_, tr("Backpropagation step by step"));
            tabs->addTab(surface_, tr("Loss surface and optimizers"));
            backpropPage_ = tabs;
            playgrounds_->addWidget(tabs);
        }
        return backpropPage_;
    }
    if (lesson.playground == "convolution") {
        if (!convolution_) {
            convolution_ = new widgets::ConvolutionView(playgrounds_);
            convolution_->setImage(lessonGalaxyImage(96));
            convolution_->selectPooled(24, 24);
            playgrounds_->addWidget(convolution_);
        }
        return convolution_;
    }
    if (lesson.playground == "overfit") {
        if (!overfit_) {
            overfit_ = new OverfitView(playgrounds_);
            overfit_->setData(loadColourClasses(sdssColoursCsv(), 340));  // 40 to train, 300 to validate
            playgrounds_->addWidget(overfit_);
        }
        return overfit_;
    }
    if (lesson.playground == "photoz") {
        if (!photoz_) {
            photoz_ = new PhotoZView(playgrounds_);
            photoz_->setColourData(
                loadBossRedshifts(lessonDataDir() + "/sdss-colors/annz_boss_dr10/boss_dr10_0.csv", 2000));
            playgrounds_->addWidget(photoz_);
        }
        return photoz_;
    }
    return nullptr;
}

// The docks the lesson needs, in front; panels that do not exist yet are skipped. A dock that
// shares the Lessons dock's tab group would hide the lesson text, so it gets a button instead.
void LessonsPanel::raiseDocks(const Lesson& lesson) {
    while (QLayoutItem* item = links_->takeAt(0)) {
        if (item->widget()) item->widget()->deleteLater();
        delete item;
    }
    auto* self = window_->findChild<QDockWidget*>("LessonsDock");
    const QList<QDockWidget*> sharing = self ? window_->tabifiedDockWidgets(self) : QList<QDockWidget*>{};
    QStringList missing;
    for (auto it = lesson.docks.rbegin(); it != lesson.docks.rend(); ++it) {
        if (*it == "LessonsDock") continue;
        auto* dock = window_->findChild<QDockWidget*>(*it);
        if (!dock) {
            missing.prepend(*it);
            continue;
        }
        dock->show();
        if (!sharing.contains(dock)) dock->raise();
    }
    for (const QString& name : lesson.docks) {
        auto* dock = window_->findChild<QDockWidget*>(name);
        if (!dock || name == "LessonsDock" || !sharing.contains(dock)) continue;
        auto* b = new QPushButton(tr("Show %1 ▸").arg(dock->windowTitle()), this);
        b->setObjectName("show" + name);
        connect(b, &QPushButton::clicked, dock, [dock] {
            dock->show();
            dock->raise();
        });
        links_->addWidget(b);
    }
    if (lesson.number == 4) {
        // Two steps: the simulated morphologies the lesson opens with, then the real cut-outs.
        auto* simulatedStep = new QPushButton(tr("Step 1: simulated galaxies"), this);
        simulatedStep->setObjectName("lesson4Simulated");
        simulatedStep->setToolTip(tr("Reload the simulated morphologies (elliptical, spiral, edge-on, irregular)"));
        connect(simulatedStep, &QPushButton::clicked, this, &LessonsPanel::resetLesson);
        auto* zooStep = new QPushButton(tr("Step 2: Galaxy Zoo cut-outs"), this);
        zooStep->setObjectName("lesson4GalaxyZoo");
        zooStep->setToolTip(tr("Load the real SDSS cut-outs with Galaxy Zoo classes (resources/data/gz1-sdss) into "
                               "the Data panel; the network follows their shape and classes"));
        connect(zooStep, &QPushButton::clicked, this, &LessonsPanel::loadGalaxyZoo);
        links_->addWidget(simulatedStep);
        links_->addWidget(zooStep);
    }
    links_->addStretch();
    if (!missing.isEmpty() && lesson.playground.isEmpty())
        status_->setText(tr("This lesson's own panel (%1) is not part of this build yet; the data and network are "
                            "loaded.")
                             .arg(missing.join(", ")));
    if (self) self->raise();
}

bool LessonsPanel::loadGalaxyZoo() {
    if (current_ != 4) return false;
    Json src;
    try {
        src = lessonGalaxyZooSource(32);
    } catch (const std::exception& e) {
        status_->setText(QString::fromStdString(e.what()));
        return false;
    }
    window_->stopTraining();
    DataPanel* data = window_->dataPanel();
    // Once the cut-outs are in, the same CNN template is rebuilt for their shape and classes. The
    // Data panel also signals while it clears the old set, so the connection waits for the new one.
    disconnect(zooConnection_);
    zooConnection_ = connect(data, &DataPanel::datasetChanged, this, [this, data, src] {
        if (current_ != 4 || data->source() != src) return disconnect(zooConnection_), void();
        if (!data->dataset() || data->isLoading()) return;
        disconnect(zooConnection_);
        window_->networkPanel()->setNetwork(
            NetworkPanel::templateNetwork("cnn-morphology", data->inputShape(), data->classCount()));
        status_->setText(tr("Galaxy Zoo: %1 real cut-outs in %2 classes (%3). Press Start (F5) to train on them.")
                             .arg(data->sampleCount())
                             .arg(data->classCount())
                             .arg(data->classNames().join(", ")));
        emit galaxyZooLoaded();
    });
    status_->setText(tr("Loading the Galaxy Zoo cut-outs…"));
    data->setSource(src);
    return true;
}

void LessonsPanel::setTeacherMode(bool on) {
    teacher_ = on;
    if (teacherAction_->isChecked() != on) teacherAction_->setChecked(on);
    if (baseFontSize_ <= 0) baseFontSize_ = window_->font().pointSize() > 0 ? window_->font().pointSize() : 10;
    QFont f = window_->font();
    f.setPointSize(on ? baseFontSize_ * 14 / 10 : baseFontSize_);
    window_->setFont(f);
    // Advanced controls: the main toolbar and the playground's expert settings.
    if (auto* tb = window_->findChild<QToolBar*>("MainToolBar")) tb->setVisible(!on);
    if (boundary_)
        for (QWidget* w : boundary_->findChildren<QWidget*>())
            if (w->toolTip().startsWith("Learning rate")) w->setVisible(!on);
    locksButton_->setVisible(on);
    applyLocks();
}

QStringList LessonsPanel::lockableSettings() { return {"data", "network", "training", "learning-rate", "epochs"}; }

void LessonsPanel::setLockedSettings(const QStringList& names) {
    QStringList known;
    for (const QString& n : lockableSettings())
        if (names.contains(n)) known << n;
    locked_ = known;
    for (QAction* a : locksMenu_->actions()) {
        const QSignalBlocker block(a);
        a->setChecked(locked_.contains(a->data().toString()));
    }
    applyLocks();
}

namespace {
// The Train panel's setting fields by their form label (its public face), grouped as teacher mode
// locks them; Start, Pause, Step and Stop are never among them.
QString lockGroupOfTrainLabel(const QString& label) {
    if (label == "Learning rate") return "learning-rate";
    if (label == "Epochs") return "epochs";
    static const QStringList training{"Loss",         "Optimizer", "Schedule",       "Batch size",
                                      "Validation split", "Seed",  "Early stopping", "Initializer"};
    return training.contains(label) ? "training" : QString();
}
}  // namespace

void LessonsPanel::applyLocks() {
    const bool running = window_->training()->isRunning();
    const QString why = tr("Locked by teacher mode (View ▸ Teacher mode locks)");
    // The Data and Network panels are also disabled by the studio while it trains.
    const std::pair<QWidget*, QString> panels[] = {{window_->dataPanel(), "data"}, {window_->networkPanel(), "network"}};
    for (const auto& [w, name] : panels) {
        w->setEnabled(!isLocked(name) && !running);
        w->setToolTip(isLocked(name) ? why : QString());
    }
    for (QFormLayout* form : window_->trainPanel()->findChildren<QFormLayout*>())
        for (int r = 0; r < form->rowCount(); ++r) {
            auto* label = qobject_cast<QLabel*>(form->itemAt(r, QFormLayout::LabelRole)
                                                    ? form->itemAt(r, QFormLayout::LabelRole)->widget()
                                                    : nullptr);
            QLayoutItem* field = form->itemAt(r, QFormLayout::FieldRole);
            if (!label || !field || !field->widget()) continue;
            const QString group = lockGroupOfTrainLabel(label->text().remove('&'));
            if (group.isEmpty()) continue;
            field->widget()->setEnabled(!isLocked(group) && !running);
            field->widget()->setProperty("teacherLocked", isLocked(group));
        }
}

bool LessonsPanel::saveLessonAsProject(const QString& path) { return window_->saveProjectAs(path); }

LessonsPanel* installLessons(MainWindow* window) {
    auto* panel = new LessonsPanel(window);
    QDockWidget* dock = window->addPanel(panel, QObject::tr("Lessons"), "LessonsDock");
    dock->setMinimumWidth(560);
    for (QAction* a : window->menuBar()->actions())
        if (a->menu() && a->text().remove('&') == QObject::tr("View")) {
            a->menu()->addSeparator();
            a->menu()->addAction(panel->teacherModeAction());
            a->menu()->addMenu(panel->locksMenu());
        }
    dock->show();
    dock->raise();
    // The lesson and its playground get the larger share of the width.
    window->resizeDocks({dock}, {780}, Qt::Horizontal);
    return panel;
}

}  // namespace deepfield::app
