#pragma once
// Inspect panel: opens the trained model up. Kernels, feature maps, attributions (saliency to
// integrated gradients and Grad-CAM), activation maximisation and an evaluation (confusion
// matrix, misclassified galaxies, class probabilities) for a chosen image: a data set sample
// (number, or clicked in the Data panel) or any FITS/PNG/JPEG file dropped on the panel.
// It takes the model from MainWindow::trainedModel() and refreshes on modelChanged().
#include <QWidget>
#include <memory>

#include "graph/graph.h"
#include "data/dataset.h"
#include "panels/inspect/inspect_common.h"

class QSpinBox;
class QLabel;
class QTabWidget;
class QPushButton;

namespace deepfield::app {

class MainWindow;
namespace inspect {
class KernelsTab;
class FeatureMapsTab;
class AttributionsTab;
class ActivationMaxTab;
class EvaluationTab;
}  // namespace inspect

class InspectPanel : public QWidget {
    Q_OBJECT
public:
    // window may be null (tests feed the panel through the setters).
    explicit InspectPanel(MainWindow* window, QWidget* parent = nullptr);
    ~InspectPanel() override;

    void setModel(std::shared_ptr<Graph> model);
    std::shared_ptr<Graph> model() const { return model_; }
    void setDataset(std::shared_ptr<const Dataset> whole, std::shared_ptr<const Dataset> validation,
                    const QStringList& classNames);
    void setSample(int index);  // a data set sample becomes the chosen image
    bool openImageFile(const QString& path, QString* why = nullptr);
    const inspect::InspectInput& input() const { return input_; }
    QString message() const;

    QTabWidget* tabs() const { return tabs_; }
    inspect::KernelsTab* kernels() const { return kernels_; }
    inspect::FeatureMapsTab* featureMaps() const { return featureMaps_; }
    inspect::AttributionsTab* attributions() const { return attributions_; }
    inspect::ActivationMaxTab* activationMax() const { return activationMax_; }
    inspect::EvaluationTab* evaluation() const { return evaluation_; }

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void setInput(const inspect::InspectInput& input);
    void pullDataset();

    MainWindow* window_;
    std::shared_ptr<Graph> model_;
    std::shared_ptr<const Dataset> dataset_;
    QStringList classNames_;
    inspect::InspectInput input_;
    QLabel *modelLabel_, *imageLabel_, *message_;
    QSpinBox* sample_;
    QPushButton* open_;
    QTabWidget* tabs_;
    inspect::KernelsTab* kernels_;
    inspect::FeatureMapsTab* featureMaps_;
    inspect::AttributionsTab* attributions_;
    inspect::ActivationMaxTab* activationMax_;
    inspect::EvaluationTab* evaluation_;
};

}  // namespace deepfield::app
