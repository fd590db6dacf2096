#pragma once
// Evaluation: the confusion matrix of the model on the validation or the whole set (click a
// cell to list those images), a gallery of misclassified galaxies with their probabilities, and
// the class probabilities for the chosen image as a bar chart. The set is evaluated in the
// background on a copy of the model.
#include <QWidget>
#include <memory>
#include <vector>

#include "data/dataset.h"
#include "graph/graph.h"
#include "inspect_common.h"

class QComboBox;
class QListWidget;
class QLabel;
class QPushButton;
class QCustomPlot;
class QCPBars;

namespace deepfield::widgets {
class ConfusionMatrixView;
}
namespace deepfield::app {
class BackgroundTask;
}

namespace deepfield::app::inspect {

class TaskStrip;

// Predictions for every sample of an evaluated set.
struct SetEvaluation {
    std::vector<int> truth, predicted;       // per sample
    std::vector<std::vector<float>> probs;   // per sample, K probabilities
    std::vector<std::vector<int>> confusion; // [true][predicted]
};

class EvaluationTab : public QWidget {
    Q_OBJECT
public:
    explicit EvaluationTab(QWidget* parent = nullptr);
    void setModel(std::shared_ptr<Graph> model);
    void setClassNames(const QStringList& names);
    // The sets to choose from (either may be null).
    void setSets(std::shared_ptr<const Dataset> whole, std::shared_ptr<const Dataset> validation);
    void setInput(const InspectInput& input);
    void setUseValidation(bool on);
    bool evaluate();
    // A hidden tab evaluates a new model when it is shown; these accessors bring it up to date first.
    BackgroundTask* task();
    const SetEvaluation* evaluation();
    std::shared_ptr<const Dataset> evaluatedSet() const { return evaluated_; }
    widgets::ConfusionMatrixView* matrix();
    QListWidget* cellList();
    QListWidget* misclassified();
    void showCell(int trueClass, int predicted);
    // Probabilities of the chosen image (what the bar chart shows).
    const std::vector<float>& imageProbabilities();
    QCPBars* bars();

signals:
    // A listed image was clicked: its index in the whole data set (-1 if unknown).
    void sampleChosen(int datasetIndex);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void bringUpToDate();
    void onFinished(const QString& error, bool cancelled);
    void fillList(QListWidget* list, const std::vector<int>& indices);
    void updateProbabilities(bool evenIfHidden = false);

    std::shared_ptr<Graph> model_;
    QStringList classNames_;
    std::shared_ptr<const Dataset> whole_, validation_, evaluated_, pendingSet_;
    InspectInput input_;
    QComboBox* set_;
    QPushButton* run_;
    widgets::ConfusionMatrixView* matrix_;
    QListWidget *cellList_, *misclassified_;
    QLabel *cellTitle_, *summary_;
    QCustomPlot* plot_;
    QCPBars* bars_;
    BackgroundTask* task_;
    TaskStrip* strip_;
    std::shared_ptr<SetEvaluation> pending_, result_;
    std::vector<float> imageProbs_;
    bool stale_ = false;  // the model changed while an evaluation ran: run again when it ends
    bool evaluateOnShow_ = false, probabilitiesOnShow_ = false;  // changes that arrived while hidden
};

}  // namespace deepfield::app::inspect
