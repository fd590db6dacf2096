// End to end against PyTorch: an MLP 4-32-32-3 (Dense/ReLU) starting from torch's weights,
// 5 Adam steps (lr 1e-3) on a fixed batch of 64 with sparse categorical cross-entropy.
// Losses and final weights must agree with tests/reference/torch_training.py to 1e-4.
#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "data/dataset.h"
#include "gradcheck.h"
#include "graph/graph.h"
#include "graph/safetensors.h"
#include "train/loss.h"
#include "train/optimizer.h"
#include "train/trainer.h"

using namespace deepfield;
using namespace deepfield::test;

namespace {
const TensorFile& reference() {
    static const TensorFile f = readSafetensors(DEEPFIELD_TEST_DATA "/torch_training.safetensors");
    return f;
}
const Tensor& refTensor(const std::string& name) {
    auto it = reference().tensors.find(name);
    if (it == reference().tensors.end()) throw Error("reference tensor '" + name + "' is missing");
    return it->second;
}
Graph torchMlp() {
    Graph g;
    g.add("input", "Input", Json{{"shape", {4}}});
    g.add("dense_1", "Dense", Json{{"units", 32}}, {"input"});
    g.add("relu_1", "ReLU", Json::object(), {"dense_1"});
    g.add("dense_2", "Dense", Json{{"units", 32}}, {"relu_1"});
    g.add("relu_2", "ReLU", Json::object(), {"dense_2"});
    g.add("dense_3", "Dense", Json{{"units", 3}}, {"relu_2"});
    g.reset(0);
    for (Param& p : g.parameters()) {
        const Tensor& t = refTensor("mlp/init/" + p.name);
        if (t.shape() != p.value->shape()) throw Error("shape of " + p.name);
        *p.value = t;
    }
    return g;
}
void compareFinalWeights(Graph& g) {
    for (Param& p : g.parameters()) {
        const Tensor& want = refTensor("mlp/final/" + p.name);
        const double err = relativeError(*p.value, want);
        QVERIFY2(err <= 1e-4, (p.name + ": relative error " + std::to_string(err)).c_str());
        // The weights really moved (so the comparison is not trivially of the start).
        QVERIFY(relativeError(refTensor("mlp/init/" + p.name), want) > 1e-4);
    }
}
}  // namespace

class TestTorchTraining : public QObject {
    Q_OBJECT
private slots:
    void fiveAdamSteps() {
        Graph g = torchMlp();
        auto loss = makeLoss("sparse_categorical_crossentropy");
        OptimizerOptions o;
        o.learningRate = 1e-3;
        auto adam = makeOptimizer("adam", o);
        const Tensor& x = refTensor("mlp/x");
        const Tensor& y = refTensor("mlp/y");
        const Tensor& losses = refTensor("mlp/losses");
        QCOMPARE(x.shape(), (std::vector<int>{64, 4}));
        Tensor grad;
        for (int step = 0; step < 5; ++step) {
            g.zeroGrad();
            const double l = loss->compute(g.forward(x, Mode::Training), y, grad);
            QVERIFY2(std::abs(l - losses[std::size_t(step)]) <= 1e-4 * losses[std::size_t(step)],
                     ("step " + std::to_string(step) + ": loss " + std::to_string(l) + " vs torch " +
                      std::to_string(losses[std::size_t(step)]))
                         .c_str());
            g.backward(grad);
            adam->step(g.parameters());
        }
        compareFinalWeights(g);
    }

    void sameThroughTheTrainer() {
        // Full batch, no shuffling: the trainer's 5 epochs are torch's 5 steps.
        Graph g = torchMlp();
        auto loss = makeLoss("sparse_categorical_crossentropy");
        OptimizerOptions o;
        o.learningRate = 1e-3;
        auto adam = makeOptimizer("adam", o);
        TrainOptions opts;
        opts.epochs = 5;
        opts.batchSize = 0;
        opts.shuffle = false;
        Trainer trainer(g, *loss, *adam, opts);
        const History h = trainer.fit(TensorDataset(refTensor("mlp/x"), refTensor("mlp/y")));
        QCOMPARE(int(h.epochs.size()), 5);
        for (int e = 0; e < 5; ++e)
            QVERIFY(std::abs(h.epochs[std::size_t(e)].trainLoss - refTensor("mlp/losses")[std::size_t(e)]) <=
                    1e-4 * refTensor("mlp/losses")[std::size_t(e)]);
        compareFinalWeights(g);
    }
};

QTEST_APPLESS_MAIN(TestTorchTraining)
#include "tst_torch_training.moc"
