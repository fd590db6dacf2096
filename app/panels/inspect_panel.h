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
    // The accessors first apply a model or data set change that arrived while the panel was hidden.
    std::shared_ptr<Graph> model();
    void setDataset(std::shared_ptr<const Dataset> whole, std::shared_ptr<const Dataset> validation,
                    const QStringList& classNames);
    void setSample(int index);  // a data set sample becomes the chosen image
    bool openImageFile(const QString& path, QString* why = nullptr);
    const inspect::InspectInput& input();
    QString message() const;

    QTabWidget* tabs() const { return tabs_; }
    inspect::KernelsTab* kernels();
    inspect::FeatureMapsTab* featureMaps();
    inspect::AttributionsTab* attributions();
    inspect::ActivationMaxTab* activationMax();
    inspect::EvaluationTab* evaluation();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void setInput(const inspect::InspectInput& input);
    void pullDataset();
    void bringUpToDate();  // applies changes that arrived while hidden

    MainWindow* window_;
    bool staleModel_ = false, staleDataset_ = false;
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
