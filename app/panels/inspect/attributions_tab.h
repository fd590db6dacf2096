#pragma once
// Attributions: which pixels drove the output. A method (saliency, gradient × input, SmoothGrad,
// integrated gradients, occlusion, deconvnet, guided backprop, Grad-CAM) with its parameters
// and target runs in the background with progress and Cancel on a copy of the model; the map
// is shown over the image and beside it, with the completeness check for integrated gradients,
// and exports as FITS (method and parameters in the header) or PNG.
#include <QWidget>
#include <memory>

#include "explain/common.h"
#include "graph/graph.h"
#include "inspect_common.h"

class QComboBox;
class QSpinBox;
class QDoubleSpinBox;
class QSlider;
class QCheckBox;
class QLabel;
class QPushButton;
class QFormLayout;

namespace deepfield::widgets {
class AttributionView;
}

namespace deepfield::app {
class BackgroundTask;
}

namespace deepfield::app::inspect {

class TaskStrip;

class AttributionsTab : public QWidget {
    Q_OBJECT
public:
    explicit AttributionsTab(QWidget* parent = nullptr);
    ~AttributionsTab() override;
    void setModel(std::shared_ptr<Graph> model);
    void setInput(const InspectInput& input);
    void setClassNames(const QStringList& names);

    // Method ids as the CLI names them: saliency, gradient-x-input, smoothgrad, integrated-gradients,
    // occlusion, deconvnet, guided-backprop, gradcam.
    void setMethod(const QString& id);
    QString method() const;
    void setSteps(int steps);
    void setBaseline(const QString& name);  // zero, blur, sky, noise
    // What is explained, as deepfield-cli explain --target writes it: "predicted", "k" (class or
    // regression output k), "pixel:c,y,x" or "region:c,y0,x0,y1,x1" (image outputs; y1, x1 exclusive).
    // The choices follow the model's output: classes, regression outputs, or a pixel/region.
    bool setTarget(const QString& spec);  // false if the model's output has no such target
    QString targetSpec() const;
    QStringList targetChoices() const;  // the Target list's entries
    bool run();  // false when it cannot start (no model/image, or running)
    bool isRunning() const;
    BackgroundTask* task() const { return task_; }
    const AttributionMap* result() const { return result_.get(); }
    widgets::AttributionView* view() const { return view_; }
    QString completenessText() const;
    QString message() const;
    bool exportFits(const QString& path, QString* why = nullptr) const;
    bool exportPng(const QString& path) const;

signals:
    void mapReady();

private:
    void updateParameterRows();
    void rebuildTargets();  // from the model's output shape and the class names
    void onFinished(const QString& error, bool cancelled);
    void showResult();

    std::shared_ptr<Graph> model_;
    InspectInput input_;
    QStringList classNames_;
    QComboBox *method_, *target_, *baseline_, *gradcamLayer_, *colormap_;
    QCheckBox *probability_, *sideBySide_;
    QSpinBox *steps_, *samples_, *window_, *stride_;
    QSpinBox *channel_, *y0_, *x0_, *y1_, *x1_;  // pixel (channel, y0, x0) or region of an image output
    QWidget *pixelRow_, *regionRow_;
    QDoubleSpinBox *noise_, *fill_;
    QFormLayout* form_;
    QSlider* opacity_;
    QPushButton *run_, *exportFits_, *exportPng_;
    QLabel* completeness_;
    widgets::AttributionView* view_;
    BackgroundTask* task_;
    TaskStrip* strip_;
    std::shared_ptr<AttributionMap> pending_, result_;
    QString resultTitle_;
};

}  // namespace deepfield::app::inspect
