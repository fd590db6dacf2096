#pragma once
// The Lessons dock: a start page listing the course (title, one line, Open), and one page per
// lesson with its text, its playground (decision boundary, backpropagation, convolution,
// overfitting) and Reset / Back / Save-as-project. Opening a lesson loads its data, network
// and settings into the studio and raises the docks it needs (later panels by objectName,
// when they exist). Teacher mode (View menu): larger fonts, the settings the teacher chose locked
// (data, network, training settings, learning rate, epochs), advanced playground controls hidden.
#include <QWidget>
#include <QStringList>
#include <vector>

class QAction;
class QLabel;
class QMenu;
class QToolButton;
class QPushButton;
class QStackedWidget;
class QTextBrowser;
class QSplitter;
class QDockWidget;
class QHBoxLayout;

namespace deepfield::widgets {
class DecisionBoundaryView;
class BackpropView;
class LossSurfaceView;
class ConvolutionView;
}  // namespace deepfield::widgets

namespace deepfield::app {

class MainWindow;
class OverfitView;
class PhotoZView;
class LessonDemo;
struct Lesson;

class LessonsPanel : public QWidget {
    Q_OBJECT
public:
    explicit LessonsPanel(MainWindow* window, QWidget* parent = nullptr);

    void showStartPage();
    // Loads lesson `number` (1..10): data, network, settings, docks, playground. False with a
    // message in the status line when its data cannot be found.
    bool openLesson(int number);
    // Reloads the current lesson's data, network and settings and restarts its playground.
    void resetLesson();
    int currentLesson() const { return current_; }
    bool isStartPage() const;
    QString lessonTitle() const;
    QString lessonMarkdown() const;
    QString statusText() const;

    // Playgrounds, created when their lesson first opens (null before).
    widgets::DecisionBoundaryView* boundaryView() const { return boundary_; }
    widgets::BackpropView* backpropView() const { return backprop_; }
    widgets::LossSurfaceView* lossSurfaceView() const { return surface_; }
    widgets::ConvolutionView* convolutionView() const { return convolution_; }
    OverfitView* overfitView() const { return overfit_; }
    PhotoZView* photoZView() const { return photoz_; }
    // Lessons 4 and 6–9: the demonstration that drives the studio's panels and what it measured.
    LessonDemo* demo() const { return demo_; }

    // Lesson 4, step 2: the real Galaxy Zoo cut-outs (resources/data/gz1-sdss) replace the
    // simulated set in the Data panel; once loaded, the network is rebuilt for their shape and
    // classes and galaxyZooLoaded() follows. False (message in the status line) when the folder
    // is missing or lesson 4 is not open.
    bool loadGalaxyZoo();

    void setTeacherMode(bool on);
    bool teacherMode() const { return teacher_; }
    QAction* teacherModeAction() const { return teacherAction_; }
    // What teacher mode locks, chosen by the teacher (View ▸ Teacher mode locks, or Locks ▾ on
    // the lesson bar): "data" (Data panel), "network" (Network panel), "training" (the Train
    // panel's loss, optimizer, schedule, batch size, split, seed, early stopping, initializer),
    // "learning-rate", "epochs". All of them by default; unknown names are ignored.
    static QStringList lockableSettings();
    void setLockedSettings(const QStringList& names);
    QStringList lockedSettings() const { return locked_; }
    bool isLocked(const QString& name) const { return teacher_ && locked_.contains(name); }
    QMenu* locksMenu() const { return locksMenu_; }
    // Saves the studio's current state (the lesson as loaded and trained) as a project.
    bool saveLessonAsProject(const QString& path);

public slots:
    // The lesson's automatic demonstration: lesson 1 trains its playground, lesson 2 runs
    // Forward and Backward, lesson 3 selects a receptive field, lesson 5 runs its experiment,
    // lessons 4 and 6–9 train in the studio and show the result in their panels (LessonDemo),
    // lesson 10 fits redshifts from colours and from images. demoFinished() follows when it is done.
    void runDemo();

signals:
    void lessonOpened(int number);
    void demoFinished();
    void galaxyZooLoaded();

private:
    QWidget* buildStartPage();
    QWidget* playgroundFor(const Lesson& lesson);
    void raiseDocks(const Lesson& lesson);
    void applyLocks();

    MainWindow* window_;
    QStackedWidget* pages_;
    QLabel *title_, *status_;
    QTextBrowser* text_;
    QSplitter* splitter_;
    QStackedWidget* playgrounds_;
    QHBoxLayout* links_ = nullptr;  // buttons that show the lesson's panels
    QPushButton *resetButton_, *saveButton_, *demoButton_;
    QAction* teacherAction_;
    widgets::DecisionBoundaryView* boundary_ = nullptr;
    widgets::BackpropView* backprop_ = nullptr;
    widgets::LossSurfaceView* surface_ = nullptr;
    widgets::ConvolutionView* convolution_ = nullptr;
    OverfitView* overfit_ = nullptr;
    PhotoZView* photoz_ = nullptr;
    LessonDemo* demo_ = nullptr;
    QWidget* backpropPage_ = nullptr;
    int current_ = 0;
    bool teacher_ = false;
    int baseFontSize_ = 0;
    QStringList locked_;  // what teacher mode locks (lockableSettings())
    QMenu* locksMenu_;    // one checkable action per lockable setting
    QToolButton* locksButton_;
    QMetaObject::Connection zooConnection_;  // lesson 4: waiting for the Galaxy Zoo cut-outs
};

// Adds the Lessons dock (and Teacher mode in the View menu) to the studio's window.
LessonsPanel* installLessons(MainWindow* window);

}  // namespace deepfield::app
