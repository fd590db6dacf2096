// Matt Mazur's worked backpropagation example ("A Step by Step Backpropagation Example"):
// a 2-2-2 sigmoid network, one SGD step with learning rate 0.5. His numbers are the
// reference: total error 0.298371109 before the step, w5 = 0.35891648 and w1 = 0.149780716 after.
#include <QtTest>

#include <cmath>

#include "data/dataset.h"
#include "graph/graph.h"
#include "layers/dense.h"
#include "train/loss.h"
#include "train/optimizer.h"
#include "train/trainer.h"

using namespace deepfield;

namespace {
Graph mazurNetwork() {
    Graph g;
    g.add("input", "Input", Json{{"shape", {2}}});
    g.add("hidden", "Dense", Json{{"units", 2}}, {"input"});
    g.add("hidden_sigmoid", "Sigmoid", Json::object(), {"hidden"});
    g.add("output", "Dense", Json{{"units", 2}}, {"hidden_sigmoid"});
    g.add("output_sigmoid", "Sigmoid", Json::object(), {"output"});
    g.reset(1);
    // Dense kernels are (units, in): row j holds the weights into unit j.
    auto& h = dynamic_cast<Dense&>(*g.node("hidden").layer);
    auto& o = dynamic_cast<Dense&>(*g.node("output").layer);
    h.kernel() = Tensor::fromData({2, 2}, {0.15f, 0.20f, 0.25f, 0.30f});  // w1 w2 / w3 w4
    h.bias() = Tensor::fromData({2}, {0.35f, 0.35f});
    o.kernel() = Tensor::fromData({2, 2}, {0.40f, 0.45f, 0.50f, 0.55f});  // w5 w6 / w7 w8
    o.bias() = Tensor::fromData({2}, {0.60f, 0.60f});
    return g;
}

void checkWeights(Graph& g) {
    const Tensor& w14 = dynamic_cast<Dense&>(*g.node("hidden").layer).kernel();
    const Tensor& w58 = dynamic_cast<Dense&>(*g.node("output").layer).kernel();
    // Mazur's values after one step (w1..w8).
    const double want14[] = {0.149780716, 0.19956143, 0.24975114, 0.29950229};
    const double want58[] = {0.35891648, 0.408666186, 0.511301270, 0.561370121};
    for (int i = 0; i < 4; ++i) {
        QVERIFY2(std::abs(w14[std::size_t(i)] - want14[i]) < 1e-6,
                 qPrintable(QString("w%1 = %2").arg(i + 1).arg(w14[std::size_t(i)], 0, 'g', 10)));
        QVERIFY2(std::abs(w58[std::size_t(i)] - want58[i]) < 1e-6,
                 qPrintable(QString("w%1 = %2").arg(i + 5).arg(w58[std::size_t(i)], 0, 'g', 10)));
    }
}
}  // namespace

class TestWorkedExample : public QObject {
    Q_OBJECT
private slots:
    void oneStepByHand() {
        Graph g = mazurNetwork();
        const Tensor x = Tensor::fromData({1, 2}, {0.05f, 0.10f});
        const Tensor t = Tensor::fromData({1, 2}, {0.01f, 0.99f});
        const Tensor& out = g.forward(x, Mode::Training);
        QVERIFY(std::abs(out[0] - 0.75136507) < 1e-6);  // out_o1
        QVERIFY(std::abs(out[1] - 0.772928465) < 1e-6);  // out_o2
        MeanSquaredError mse;  // mean over 2 outputs of (t − o)² = ½ Σ (t − o)²
        Tensor grad;
        const double error = mse.compute(out, t, grad);
        QVERIFY2(std::abs(error - 0.298371109) < 1e-7, std::to_string(error).c_str());
        g.zeroGrad();
        g.backward(grad);
        // ∂E/∂w5 = 0.082167041 (Mazur)
        const Tensor& dw58 = *g.parameters().at(2).grad;
        QVERIFY(std::abs(dw58[0] - 0.082167041) < 1e-6);
        OptimizerOptions o;
        o.learningRate = 0.5;
        auto sgd = makeOptimizer("sgd", o);
        sgd->step(g.parameters());
        checkWeights(g);
        // The error falls after the step.
        const double after = mse.compute(g.forward(x, Mode::Inference), t, grad);
        QVERIFY(after < error);
    }

    void oneStepThroughTheTrainer() {
        Graph g = mazurNetwork();
        TensorDataset data(Tensor::fromData({1, 2}, {0.05f, 0.10f}), Tensor::fromData({1, 2}, {0.01f, 0.99f}));
        MeanSquaredError mse;
        OptimizerOptions o;
        o.learningRate = 0.5;
        auto sgd = makeOptimizer("sgd", o);
        TrainOptions opts;
        opts.epochs = 1;
        opts.batchSize = 1;
        Trainer trainer(g, mse, *sgd, opts);
        const History h = trainer.fit(data);
        QCOMPARE(int(h.epochs.size()), 1);
        QVERIFY(std::abs(h.epochs[0].trainLoss - 0.298371109) < 1e-7);
        checkWeights(g);
    }
};

QTEST_APPLESS_MAIN(TestWorkedExample)
#include "tst_worked_example.moc"
