#include "overfit_experiment.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "core/rng.h"
#include "data/dataset.h"
#include "data/standardizer.h"
#include "graph/graph.h"
#include "train/loss.h"
#include "train/optimizer.h"
#include "train/trainer.h"

namespace deepfield::app {

namespace {
Tensor pick(const Tensor& x, const std::vector<int>& idx) {
    const int f = int(x.sampleSize());
    Tensor out({int(idx.size()), f});
    for (std::size_t i = 0; i < idx.size(); ++i) std::copy_n(x.sample(idx[i]), f, out.sample(int(i)));
    return out;
}

Tensor labelTensor(const std::vector<int>& labels, const std::vector<int>& idx) {
    Tensor t({int(idx.size()), 1});
    for (std::size_t i = 0; i < idx.size(); ++i) t[i] = float(labels[std::size_t(idx[i])]);
    return t;
}

class EpochRecorder : public TrainObserver {
public:
    EpochRecorder(OverfitRun& run, const std::function<void(int)>& onEpoch) : run_(run), onEpoch_(onEpoch) {}
    void onEpochEnd(const EpochStats& e) override {
        run_.trainLoss.push_back(e.trainLoss);
        run_.valLoss.push_back(e.valLoss);
        if (onEpoch_) onEpoch_(e.epoch);
    }

private:
    OverfitRun& run_;
    const std::function<void(int)>& onEpoch_;
};
}  // namespace

double OverfitRun::valRise() const {
    if (valLoss.empty()) return 0;
    return valLoss.back() - *std::min_element(valLoss.begin(), valLoss.end());
}

OverfitRun runOverfit(const Tensor& x, const std::vector<int>& labels, int classes, const OverfitOptions& o,
                      const std::atomic<bool>* cancel, const std::function<void(int)>& onEpoch) {
    Rng rng(o.seed);
    const std::vector<int> order = rng.permutation(x.batch());
    const std::vector<int> trainIdx(order.begin(), order.begin() + std::min<long>(o.trainCount, long(order.size())));
    const std::vector<int> valIdx(order.begin() + long(trainIdx.size()), order.end());
    Tensor xt = pick(x, trainIdx), xv = pick(x, valIdx);
    const Standardizer s = Standardizer::fit(xt);
    s.apply(xt);
    s.apply(xv);
    TensorDataset train(std::move(xt), labelTensor(labels, trainIdx));
    TensorDataset val(std::move(xv), labelTensor(labels, valIdx));

    Graph g;
    g.add("input", "Input", Json{{"shape", {int(x.sampleSize())}}});
    std::string prev = "input";
    for (std::size_t i = 0; i < o.widths.size(); ++i) {
        const std::string k = std::to_string(i + 1);
        g.add("dense_" + k, "Dense", Json{{"units", o.widths[i]}}, {prev});
        std::string pre = "dense_" + k;
        if (o.batchNorm) {
            g.add("bn_" + k, "BatchNormalization", Json::object(), {pre});
            pre = "bn_" + k;
        }
        g.add("relu_" + k, "ReLU", Json::object(), {pre});
        prev = "relu_" + k;
        if (o.dropout > 0) {
            g.add("dropout_" + k, "Dropout", Json{{"rate", o.dropout}}, {prev});
            prev = "dropout_" + k;
        }
    }
    g.add("output", "Dense", Json{{"units", classes}}, {prev});
    g.setOutputs({"output"});
    g.build();
    g.reset(o.seed);

    auto loss = makeLoss("sparse_categorical_crossentropy");
    OptimizerOptions oo;
    oo.learningRate = o.learningRate;
    auto adam = makeOptimizer("adam", oo);
    TrainOptions to;
    to.epochs = o.epochs;
    to.batchSize = 16;
    to.seed = o.seed;
    to.earlyStoppingPatience = o.patience;
    Trainer trainer(g, *loss, *adam, to);
    OverfitRun run;
    EpochRecorder recorder(run, onEpoch);
    TrainControl control;
    std::atomic<bool> stopWatch{false};
    // The trainer polls its own control; mirror the caller's cancel flag into it.
    std::thread watch;
    if (cancel)
        watch = std::thread([&] {
            while (!stopWatch && !*cancel) std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (*cancel) control.cancel = true;
        });
    const History h = trainer.fit(train, &val, &recorder, &control);
    stopWatch = true;
    if (watch.joinable()) watch.join();
    run.stopReason = h.stopReason;
    if (!run.valLoss.empty())
        run.bestEpoch = int(std::min_element(run.valLoss.begin(), run.valLoss.end()) - run.valLoss.begin()) + 1;
    return run;
}

GradientNormRun runGradientNorms(const Tensor& x, const std::vector<int>& labels, int classes, const std::string& init,
                                 int depth, int steps, const std::string& activation, const std::atomic<bool>* cancel) {
    Tensor xs = x;
    Standardizer::fit(xs).apply(xs);
    const Json kernelInit = init == "he" ? Json("he_normal") : Json{{"kind", "random_normal"}, {"stddev", 0.01}};
    Graph g;
    g.add("input", "Input", Json{{"shape", {int(x.sampleSize())}}});
    std::string prev = "input";
    for (int i = 1; i <= depth; ++i) {
        const std::string k = std::to_string(i);
        g.add("dense_" + k, "Dense", Json{{"units", 32}, {"kernel_initializer", kernelInit}}, {prev});
        g.add("act_" + k, activation, Json::object(), {"dense_" + k});
        prev = "act_" + k;
    }
    g.add("output", "Dense", Json{{"units", classes}, {"kernel_initializer", kernelInit}}, {prev});
    g.setOutputs({"output"});
    g.build();
    g.reset(1);
    auto loss = makeLoss("sparse_categorical_crossentropy");
    OptimizerOptions oo;
    oo.learningRate = 0.1;
    auto sgd = makeOptimizer("sgd", oo);
    GradientNormRun run;
    run.norms.assign(std::size_t(depth), {});
    Rng rng(2);
    const int batch = 64;
    Tensor xb({batch, int(x.sampleSize())}), yb({batch, 1}), grad;
    for (int step = 0; step < steps && !(cancel && *cancel); ++step) {
        for (int i = 0; i < batch; ++i) {
            const int r = int(rng.below(std::uint64_t(x.batch())));
            std::copy_n(xs.sample(r), x.sampleSize(), xb.sample(i));
            yb[std::size_t(i)] = float(labels[std::size_t(r)]);
        }
        loss->compute(g.forward(xb, Mode::Training), yb, grad);
        g.zeroGrad();
        g.backward(grad);
        for (const Param& p : g.parameters()) {
            const std::string& n = p.name;
            if (n.rfind("dense_", 0) != 0 || n.find("/kernel") == std::string::npos) continue;
            const int layer = std::stoi(n.substr(6, n.find('/') - 6)) - 1;
            double ss = 0;
            for (std::size_t i = 0; i < p.grad->size(); ++i) ss += double((*p.grad)[i]) * (*p.grad)[i];
            run.norms[std::size_t(layer)].push_back(std::sqrt(ss));
        }
        sgd->step(g.parameters());
    }
    return run;
}

}  // namespace deepfield::app
