#pragma once
// A tiny multi-layer perceptron for the lesson playgrounds (TensorFlow-Playground style):
// standardised table features in, class logits or one regression value out. It trains in
// short slices the caller schedules (a few milliseconds each), so a view can redraw between
// slices; hidden layers and activations change with a click and restart the weights.
#include <memory>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/tensor.h"
#include "graph/graph.h"
#include "train/loss.h"
#include "train/optimizer.h"

namespace deepfield::widgets {

class PlaygroundModel {
public:
    PlaygroundModel();

    // x (N, F) standardised; targets: class index (classification) or value (regression).
    // `testFraction` of the samples (stratified by class for classification) are held out.
    void setData(Tensor x, std::vector<float> targets, int classes, double testFraction, std::uint64_t seed);
    bool isRegression() const { return classes_ <= 1; }
    int classCount() const { return classes_; }
    int featureCount() const { return x_.empty() ? 0 : int(x_.sampleSize()); }

    // Architecture: hidden layer widths and one activation for all of them (ReLU, Tanh, Sigmoid, Linear).
    void setHiddenLayers(std::vector<int> units);
    const std::vector<int>& hiddenLayers() const { return hidden_; }
    void setActivation(const std::string& activation);
    const std::string& activation() const { return activation_; }
    void setLearningRate(double lr);
    double learningRate() const { return lr_; }
    void setBatchSize(int b) { batchSize_ = std::max(1, b); }
    // New weights (seeded) and a fresh optimizer; the data split stays.
    void reset(std::uint64_t seed = 1);

    // Runs whole epochs over the training points.
    void trainEpochs(int epochs);
    int epoch() const { return epoch_; }

    // Loss and accuracy (classification) on the held-out or training points.
    double testLoss();
    double trainLoss();
    double testAccuracy();
    // Regression quality on the test points (photo-z): NMAD of Δz/(1+z) and |Δz|/(1+z) > 0.15 share.
    double testNmad();
    double testOutlierFraction();
    // Predictions for the test points, (Ntest, outputs).
    Tensor testPredictions();
    const Tensor& testInputs() const { return xTest_; }
    const std::vector<float>& testTargets() const { return yTest_; }
    const Tensor& trainInputs() const { return xTrain_; }
    const std::vector<float>& trainTargets() const { return yTrain_; }

    // Class probabilities (N, K) for arbitrary points (N, F) and, per hidden layer, the
    // post-activation outputs (N, units).
    Tensor probabilities(const Tensor& x, std::vector<Tensor>* hiddenOutputs = nullptr);

private:
    void rebuild();
    Tensor forward(const Tensor& x, std::vector<Tensor>* hiddenOutputs);
    double loss(const Tensor& x, const std::vector<float>& y);

    Tensor x_, xTrain_, xTest_;
    std::vector<float> y_, yTrain_, yTest_;
    int classes_ = 0;
    std::vector<int> hidden_{4, 4};
    std::string activation_ = "Tanh";
    double lr_ = 0.03;
    int batchSize_ = 16;
    int epoch_ = 0;
    std::uint64_t seed_ = 1;
    Rng rng_;
    std::unique_ptr<Graph> graph_;
    std::unique_ptr<Loss> loss_;
    std::unique_ptr<Optimizer> optimizer_;
};

}  // namespace deepfield::widgets
