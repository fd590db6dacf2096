#pragma once
// The studio: panels Data, Network and Train as docks around the learning curves; menus,
// toolbar, shortcuts; the project document with atomic saves, autosave and recovery.
#include <QMainWindow>
#include <QTimer>
#include <memory>

#include "project/project.h"

class QDockWidget;
class QUndoStack;
class QAction;
class QMenu;

namespace deepfield {
class Graph;
class Dataset;
}

namespace deepfield::app {

class TrainPanel;
class DataPanel;
class NetworkPanel;
class TrainingController;
struct TrainingResult;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Loads the built-in example (a CNN on simulated galaxies) as an unsaved project.
    void loadBuiltInExample();
    // Shows a project made in memory (a lesson) as a new, unsaved project.
    void loadUnsavedProject(const Project& p);
    bool openProject(const QString& path);
    bool saveProjectAs(const QString& path);
    Project currentProject() const;
    TrainingController* training() const { return training_; }
    TrainPanel* trainPanel() const { return trainPanel_; }
    DataPanel* dataPanel() const { return dataPanel_; }
    NetworkPanel* networkPanel() const { return networkPanel_; }
    bool isModified() const { return modified_; }
    // Forgets unsaved changes, e.g. before a scripted quit (no prompt, no autosave).
    void discardChanges();
    // Whether to look for autosaved work at start-up (off for scripted runs and tests).
    void setOfferRecovery(bool on) { offerRecovery_ = on; }
    // The network with its trained weights, built fresh for the caller (who may run it on any
    // thread); null when nothing has been trained or loaded yet.
    std::shared_ptr<Graph> trainedModel() const;
    // Adds a later panel (Inspect, Latent space, Generate, Lessons ...) as a dock tabbed with
    // the Network panel, listed in the View menu.
    QDockWidget* addPanel(QWidget* panel, const QString& title, const QString& objectName);

signals:
    // Trained weights appeared or changed (training finished, a project was opened).
    void modelChanged();

public slots:
    void startTraining();
    void stopTraining();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void applyProject(const Project& p);
    void setModified(bool on);
    void updateTitle();
    void updateCanTrain();
    bool maybeSave();
    bool save();
    void autosave();
    void offerRecovery();
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void onTrainingFinished(std::shared_ptr<TrainingResult> result);
    void showAbout();

    TrainPanel* trainPanel_;
    DataPanel* dataPanel_;
    NetworkPanel* networkPanel_;
    TrainingController* training_;
    QUndoStack* undo_;
    QMenu* recentMenu_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    QAction *startAction_ = nullptr, *stopAction_ = nullptr, *pauseAction_ = nullptr, *stepAction_ = nullptr;
    QString path_;
    bool modified_ = false;
    bool offerRecovery_ = true;
    QTimer autosaveTimer_;
    Json history_ = Json::array();
    std::optional<TensorFile> weights_;
};

}  // namespace deepfield::app
