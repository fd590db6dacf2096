#pragma once
// The decision-boundary playground (lesson 1), in the spirit of TensorFlow Playground: a tiny
// MLP trains on two chosen colours of real SDSS stars, galaxies and quasars while the map of
// its class probabilities redraws behind the scatter; every hidden neuron's own response is
// shown small in its layer's column; neurons, layers and the activation change with a click.
// The regression variant (photometric redshift from four colours) shows predicted against
// spectroscopic redshift with NMAD and the outlier fraction.
#include <QImage>
#include <QStringList>
#include <QTimer>
#include <QWidget>

#include "playground_model.h"

class QComboBox;
class QLabel;
class QPushButton;
class QHBoxLayout;

namespace deepfield::widgets {

class BoundaryCanvas;

class DecisionBoundaryView : public QWidget {
    Q_OBJECT
public:
    explicit DecisionBoundaryView(QWidget* parent = nullptr);

    // Classification data: raw features (N, F) with their names, a class index per row.
    void setClassificationData(const Tensor& features, const QStringList& featureNames, const std::vector<int>& labels,
                               const QStringList& classNames);
    // Regression data: raw features (N, F) and the value to predict (spectroscopic redshift).
    void setRegressionData(const Tensor& features, const QStringList& featureNames, const std::vector<float>& values);
    // "classification" or "regression" (the data for it must have been set).
    void setMode(const QString& mode);
    QString mode() const { return mode_; }
    // The two features on the map (classification), by index into the feature names.
    void setFeatures(int xFeature, int yFeature);

    PlaygroundModel& model() { return model_; }
    void setHiddenLayers(const std::vector<int>& units);
    void setActivation(const QString& activation);
    void addLayer();
    void removeLayer();
    void addNeuron(int layer);
    void removeNeuron(int layer);

    void start();
    void stop();
    bool isRunning() const { return timer_.isActive(); }
    // Trains `epochs` epochs now (tests, the Step button) and redraws.
    void trainEpochs(int epochs);
    void resetWeights();

    // The probability map shown behind the points (classification), and one neuron's map.
    QImage boundaryImage() const { return boundary_; }
    QImage neuronImage(int layer, int neuron) const;
    QString statsText() const;
    int gridSize() const { return kGrid; }

signals:
    void updated();

private:
    static constexpr int kGrid = 72;
    void rebuildModel();
    void rebuildStrip();
    void refresh();
    void tick();

    PlaygroundModel model_;
    QString mode_ = "classification";
    Tensor classFeatures_, regFeatures_;
    QStringList classFeatureNames_, regFeatureNames_, classNames_;
    std::vector<int> labels_;
    std::vector<float> values_;
    int fx_ = 0, fy_ = 1;
    double xMin_ = 0, xMax_ = 1, yMin_ = 0, yMax_ = 1;  // the map's range in standardised units
    std::vector<double> mean_, std_;                    // of the two mapped features (axis labels)
    QImage boundary_;
    std::vector<std::vector<QImage>> neurons_;  // [layer][neuron]
    QTimer timer_;

    BoundaryCanvas* canvas_;
    QWidget* strip_;
    QHBoxLayout* stripLayout_;
    QComboBox *modeBox_, *xBox_, *yBox_, *activationBox_, *rateBox_;
    QPushButton *playButton_, *stepButton_, *resetButton_, *addLayerButton_, *removeLayerButton_;
    QLabel* stats_;
    friend class BoundaryCanvas;
};

}  // namespace deepfield::widgets
