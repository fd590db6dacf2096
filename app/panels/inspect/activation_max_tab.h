#pragma once
// Activation maximisation: the input that most excites one filter of a layer or one class,
// found by gradient ascent in the background; the current image and the objective curve are
// shown every few steps while it runs.
#include <QImage>
#include <QWidget>
#include <memory>

#include "graph/graph.h"

class QComboBox;
class QSpinBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QCustomPlot;

namespace deepfield::app {
class BackgroundTask;
}

namespace deepfield::app::inspect {

class TaskStrip;

class ActivationMaxTab : public QWidget {
    Q_OBJECT
public:
    explicit ActivationMaxTab(QWidget* parent = nullptr);
    void setModel(std::shared_ptr<Graph> model);
    void setClassNames(const QStringList& names);
    // layer "" = the output (a class); index = filter or class.
    void setObjective(const QString& layer, int index);
    void setSteps(int steps);
    bool run();
    BackgroundTask* task() const { return task_; }
    int imagesShown() const { return imagesShown_; }
    const QImage& currentImage() const { return image_; }
    QCustomPlot* objectiveCurve() const { return curve_; }  // objective per reported step
    QString message() const;

private:
    void updateIndexRange();
    void showStep(int step, int steps, float objective, const QImage& image);

    std::shared_ptr<Graph> model_;
    QStringList classNames_;
    QComboBox* layer_;
    QSpinBox *index_, *steps_, *jitter_, *seed_;
    QDoubleSpinBox *stepSize_, *blur_, *l2_;
    QPushButton* run_;
    QLabel *picture_, *caption_;
    QCustomPlot* curve_;
    BackgroundTask* task_;
    TaskStrip* strip_;
    QImage image_;
    int imagesShown_ = 0;
};

}  // namespace deepfield::app::inspect
