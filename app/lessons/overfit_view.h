#pragma once
// Lesson 5's playground: runs the overfitting experiment (with and without dropout, optionally
// early stopping) and the initialisation experiment in the background and plots the results.
#include <QWidget>
#include <memory>

#include "lesson_data.h"
#include "overfit_experiment.h"

class QCustomPlot;
class QLabel;
class QPushButton;
class QCheckBox;

namespace deepfield::app {

class BackgroundTask;

class OverfitView : public QWidget {
    Q_OBJECT
public:
    explicit OverfitView(QWidget* parent = nullptr);
    ~OverfitView() override;

    void setData(const ColourSample& data);
    void runOverfitting();        // plain vs dropout 0.5 (early stopping when ticked)
    void runInitialisation();     // small random vs He initialisation
    bool isRunning() const;
    void waitUntilDone();
    const OverfitRun& plainRun() const { return plain_; }
    const OverfitRun& dropoutRun() const { return dropout_; }
    const OverfitRun& batchNormRun() const { return batchNorm_; }  // empty unless ticked
    void setBatchNormRun(bool on);
    const GradientNormRun& smallInitRun() const { return small_; }
    const GradientNormRun& heInitRun() const { return he_; }
    QCustomPlot* lossPlot() const { return lossPlot_; }

signals:
    void finished();

private:
    void plotLosses();
    void plotNorms();

    ColourSample data_;
    OverfitRun plain_, dropout_, batchNorm_;
    GradientNormRun small_, he_;
    BackgroundTask* task_;
    QCustomPlot *lossPlot_, *smallPlot_, *hePlot_;
    QPushButton *overfitButton_, *initButton_;
    QCheckBox *earlyStopping_, *withBatchNorm_;
    QLabel* status_;
};

}  // namespace deepfield::app
