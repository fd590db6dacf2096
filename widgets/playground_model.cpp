#include "playground_model.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "data/dataset.h"
#include "train/metrics.h"

namespace deepfield::widgets {

namespace {
Tensor rows(const Tensor& x, const std::vector<int>& idx) {
    const int f = int(x.sampleSize());
    Tensor out({int(idx.size()), f});
    for (std::size_t i = 0; i < idx.size(); ++i) std::copy_n(x.sample(idx[i]), f, out.sample(int(i)));
    return out;
}

Tensor targetTensor(const std::vector<float>& y) {
    Tensor t({int(y.size()), 1});
    std::copy(y.begin(), y.end(), t.data());
    return t;
}
}  // namespace

PlaygroundModel::PlaygroundModel() : loss_(makeLoss("sparse_categorical_crossentropy")) {}

void PlaygroundModel::setData(Tensor x, std::vector<float> targets, int classes, double testFraction, std::uint64_t seed) {
    x_ = std::move(x);
    y_ = std::move(targets);
    classes_ = classes;
    seed_ = seed;
    std::vector<int> labels;
    if (classes > 1)
        for (float v : y_) labels.push_back(int(v));
    auto [train, test] = splitIndices(x_.batch(), testFraction, seed, labels);
    xTrain_ = rows(x_, train);
    xTest_ = rows(x_, test);
    yTrain_.clear();
    yTest_.clear();
    for (int i : train) yTrain_.push_back(y_[std::size_t(i)]);
    for (int i : test) yTest_.push_back(y_[std::size_t(i)]);
    loss_ = makeLoss(isRegression() ? "mse" : "sparse_categorical_crossentropy");
    rebuild();
}

void PlaygroundModel::setHiddenLayers(std::vector<int> units) {
    for (int& u : units) u = std::clamp(u, 1, 8);
    hidden_ = std::move(units);
    rebuild();
}

void PlaygroundModel::setActivation(const std::string& activation) {
    activation_ = activation;
    rebuild();
}

void PlaygroundModel::setLearningRate(double lr) {
    lr_ = lr;
    if (optimizer_) optimizer_->setLearningRate(lr);
}

void PlaygroundModel::rebuild() {
    if (x_.empty()) return;
    auto g = std::make_unique<Graph>();
    g->add("input", "Input", Json{{"shape", {featureCount()}}});
    std::string prev = "input";
    for (std::size_t l = 0; l < hidden_.size(); ++l) {
        const std::string k = std::to_string(l + 1);
        g->add("dense_" + k, "Dense", Json{{"units", hidden_[l]}}, {prev});
        g->add("act_" + k, activation_, Json::object(), {"dense_" + k});
        prev = "act_" + k;
    }
    g->add("output", "Dense", Json{{"units", isRegression() ? 1 : classes_}}, {prev});
    g->setOutputs({"output"});
    g->build();
    graph_ = std::move(g);
    reset(seed_);
}

void PlaygroundModel::reset(std::uint64_t seed) {
    seed_ = seed;
    if (!graph_) return;
    graph_->reset(seed);
    OptimizerOptions o;
    o.learningRate = lr_;
    optimizer_ = makeOptimizer("adam", o);
    rng_.seed(seed);
    epoch_ = 0;
}

void PlaygroundModel::trainEpochs(int epochs) {
    if (!graph_) return;
    const int n = xTrain_.batch();
    const int f = featureCount();
    Tensor xb, yb, grad;
    for (int e = 0; e < epochs; ++e) {
        const std::vector<int> order = rng_.permutation(n);
        for (int start = 0; start < n; start += batchSize_) {
            const int b = std::min(batchSize_, n - start);
            xb.resize({b, f});
            yb.resize({b, 1});
            for (int i = 0; i < b; ++i) {
                const int s = order[std::size_t(start + i)];
                std::copy_n(xTrain_.sample(s), f, xb.sample(i));
                yb[std::size_t(i)] = yTrain_[std::size_t(s)];
            }
            const Tensor& out = graph_->forward(xb, Mode::Training);
            loss_->compute(out, yb, grad);
            graph_->zeroGrad();
            graph_->backward(grad);
            optimizer_->step(graph_->parameters());
        }
        ++epoch_;
    }
}

Tensor PlaygroundModel::forward(const Tensor& x, std::vector<Tensor>* hiddenOutputs) {
    Tensor out = graph_->forward(x, Mode::Inference);
    if (hiddenOutputs) {
        hiddenOutputs->clear();
        for (std::size_t l = 0; l < hidden_.size(); ++l)
            hiddenOutputs->push_back(graph_->activation("act_" + std::to_string(l + 1)));
    }
    return out;
}

Tensor PlaygroundModel::probabilities(const Tensor& x, std::vector<Tensor>* hiddenOutputs) {
    if (!graph_) return {};
    Tensor out = forward(x, hiddenOutputs);
    if (isRegression()) return out;
    const int k = classes_;
    for (int i = 0; i < out.batch(); ++i) {
        float* p = out.sample(i);
        const float m = *std::max_element(p, p + k);
        float sum = 0;
        for (int c = 0; c < k; ++c) sum += (p[c] = std::exp(p[c] - m));
        for (int c = 0; c < k; ++c) p[c] /= sum;
    }
    return out;
}

double PlaygroundModel::loss(const Tensor& x, const std::vector<float>& y) {
    if (!graph_ || x.batch() == 0) return NAN;
    Tensor grad;
    return loss_->compute(forward(x, nullptr), targetTensor(y), grad);
}

double PlaygroundModel::testLoss() { return loss(xTest_, yTest_); }
double PlaygroundModel::trainLoss() { return loss(xTrain_, yTrain_); }

double PlaygroundModel::testAccuracy() {
    if (!graph_ || isRegression() || xTest_.batch() == 0) return NAN;
    return accuracy(forward(xTest_, nullptr), targetTensor(yTest_));
}

Tensor PlaygroundModel::testPredictions() { return graph_ ? forward(xTest_, nullptr) : Tensor(); }

double PlaygroundModel::testNmad() {
    if (!graph_ || !isRegression()) return NAN;
    return nmad(forward(xTest_, nullptr), targetTensor(yTest_));
}

double PlaygroundModel::testOutlierFraction() {
    if (!graph_ || !isRegression()) return NAN;
    return outlierFraction(forward(xTest_, nullptr), targetTensor(yTest_));
}

}  // namespace deepfield::widgets
