#pragma once
// Feature maps: every channel of a chosen layer for the chosen image, sortable by mean
// activation; a click shows one channel large in an ImageView with the stretch controls.
#include <QWidget>
#include <memory>

#include "graph/graph.h"
#include "inspect_common.h"

class QComboBox;
class QCheckBox;
class QSpinBox;
class QLabel;

namespace deepfield::widgets {
class FeatureMapGrid;
class ImageView;
class ImageControls;
}  // namespace deepfield::widgets

namespace deepfield::app::inspect {

class FeatureMapsTab : public QWidget {
    Q_OBJECT
public:
    explicit FeatureMapsTab(QWidget* parent = nullptr);
    void setModel(std::shared_ptr<Graph> model);
    void setInput(const InspectInput& input);
    void setLayer(const QString& name);
    QString layer() const;
    void enlarge(int channel);
    int enlargedChannel() const { return enlarged_; }
    // The forward pass waits until the tab is shown; asking for its results runs it at once.
    widgets::FeatureMapGrid* grid();
    widgets::ImageView* imageView();
    QString message();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void refresh(bool evenIfHidden = false);
    void refreshIfStale();

    std::shared_ptr<Graph> model_;
    InspectInput input_;
    QComboBox* layer_;
    QCheckBox* sort_;
    QSpinBox* tile_;
    widgets::FeatureMapGrid* grid_;
    widgets::ImageView* view_;
    widgets::ImageControls* controls_;
    QLabel *message_, *title_;
    int enlarged_ = -1;
    bool stale_ = false;  // model, input or layer changed while hidden
};

}  // namespace deepfield::app::inspect
