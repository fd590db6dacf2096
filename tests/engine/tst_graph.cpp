// Graph: JSON and weights round trips, clone, shape inference errors, cycles, gradient
// accumulation over shared nodes, input gradients, multi-input layers with buffers, and
// clear errors when the API is used in the wrong order.
#include <QtTest>

#include <QTemporaryDir>
#include <cmath>
#include <fstream>

#include "core/error.h"
#include "gradcheck.h"
#include "graph/graph.h"
#include "graph/safetensors.h"
#include "layers/registry.h"

using namespace deepfield;
using namespace deepfield::test;

namespace {
// A variadic merge with a buffer, as the merge and normalisation layers have:
// y = scale · Σ xᵢ, where `scale` is a saved, non-trainable buffer.
class ScaledSum : public Layer {
public:
    std::string type() const override { return "ScaledSum"; }
    int inputCount() const override { return -1; }
    Shape outputShape(const std::vector<Shape>& in) const override {
        for (const Shape& s : in)
            if (s != in[0]) throwShapeError(type(), in, "all inputs need the same shape");
        return in[0];
    }
    void build(const std::vector<Shape>&) override { scale_ = Tensor({1}, 1.5f); }
    void forward(const std::vector<const Tensor*>& x, Tensor& y, Mode) override {
        y.resizeLike(*x[0]);
        y.setZero();
        for (const Tensor* t : x) y.vec() += t->vec();
        y.vec() *= scale_[0];
    }
    void backward(const std::vector<const Tensor*>& x, const Tensor&, const Tensor& dy,
                  const std::vector<Tensor*>& dx) override {
        for (std::size_t i = 0; i < x.size(); ++i)
            if (dx[i]) {
                dx[i]->resizeLike(dy);
                dx[i]->vec() = dy.vec() * scale_[0];
            }
    }
    std::vector<Param> buffers() override { return {{"scale", &scale_, nullptr}}; }
    Tensor scale_;
};

Graph mlp(int hidden = 32) {
    Graph g;
    g.add("input", "Input", Json{{"shape", {4}}});
    g.add("dense_1", "Dense", Json{{"units", hidden}}, {"input"});
    g.add("relu_1", "ReLU", Json::object(), {"dense_1"});
    g.add("dense_2", "Dense", Json{{"units", 32}}, {"relu_1"});
    g.add("relu_2", "ReLU", Json::object(), {"dense_2"});
    g.add("dense_3", "Dense", Json{{"units", 3}}, {"relu_2"});
    return g;
}

QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

// Σ r·y over all outputs for the finite-difference checks.
double objective(Graph& g, const std::vector<const Tensor*>& in, const std::vector<Tensor>& r) {
    g.forward(in, Mode::Inference);
    double s = 0;
    for (std::size_t o = 0; o < r.size(); ++o)
        for (std::size_t i = 0; i < r[o].size(); ++i) s += double(g.output(int(o))[i]) * r[o][i];
    return s;
}

// Checks every parameter gradient and the input gradients against central differences.
void checkGraphGradients(Graph& g, std::vector<Tensor> inputs) {
    std::vector<const Tensor*> in;
    for (const Tensor& t : inputs) in.push_back(&t);
    g.forward(in, Mode::Inference);
    Rng rng(4);
    std::vector<Tensor> r;
    std::vector<const Tensor*> rp;
    for (std::size_t o = 0; o < g.outputNames().size(); ++o) r.push_back(randomTensor(g.output(int(o)).shape(), rng));
    for (const Tensor& t : r) rp.push_back(&t);
    g.zeroGrad();
    g.backward(rp, true);
    auto check = [&](const Tensor& analytic, Tensor& value, const std::string& what) {
        Tensor numeric(value.shape());
        for (std::size_t i = 0; i < value.size(); ++i) {
            const float keep = value[i];
            value[i] = keep + 1e-2f;
            const double up = objective(g, in, r);
            value[i] = keep - 1e-2f;
            const double down = objective(g, in, r);
            value[i] = keep;
            numeric[i] = float((up - down) / 2e-2);
        }
        const double err = relativeError(analytic, numeric);
        QVERIFY2(err < 2e-3, (what + ": relative error " + std::to_string(err)).c_str());
    };
    for (Param& p : g.parameters()) {
        const Tensor analytic = *p.grad;
        check(analytic, *p.value, p.name);
    }
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        const Tensor analytic = g.inputGradient(int(k));
        QCOMPARE(analytic.shape(), inputs[k].shape());
        check(analytic, inputs[k], "input " + std::to_string(k));
    }
}
}  // namespace

class TestGraph : public QObject {
    Q_OBJECT
private slots:
    void parameterCounts() {
        Graph g = mlp();
        // (4+1)·32 + (32+1)·32 + (32+1)·3, as torch's Linear layers of the same MLP.
        QCOMPARE(g.parameterCount(), std::size_t(160 + 1056 + 99));
        QCOMPARE(g.parameterCount(), std::size_t(1315));
        QCOMPARE(g.parameterCount("dense_2"), std::size_t(1056));
        QCOMPARE(g.parameterCount("relu_1"), std::size_t(0));
        const TensorFile torch = readSafetensors(DEEPFIELD_TEST_DATA "/torch_training.safetensors");
        std::size_t torchCount = 0;
        for (const auto& [name, t] : torch.tensors)
            if (name.rfind("mlp/init/", 0) == 0) torchCount += t.size();
        QCOMPARE(g.parameterCount(), torchCount);
        QCOMPARE(g.shapeOf("dense_3"), (Shape{3}));
    }

    void jsonRoundTrip() {
        Graph g = mlp();
        g.setOutputs({"dense_3"});
        const Json j = g.toJson();
        Graph h = Graph::fromJson(Json::parse(j.dump()));
        QCOMPARE(QString::fromStdString(h.toJson().dump(2)), QString::fromStdString(j.dump(2)));
        g.reset(5);
        h.reset(5);
        Rng rng(2);
        const Tensor x = randomTensor({8, 4}, rng);
        const std::vector<float> a = g.forward(x, Mode::Inference).values();
        QVERIFY(a == h.forward(x, Mode::Inference).values());
        QCOMPARE(int(a.size()), 24);
    }

    void fromJsonErrors_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("format") << R"({"layers": []})" << "deepfield-graph";
        QTest::newRow("version") << R"({"format": "deepfield-graph", "version": 7, "layers": []})" << "version 7";
        QTest::newRow("type") << R"({"format": "deepfield-graph", "version": 1, "layers": [{"name": "a"}]})"
                              << "layer 0: needs a \"type\"";
        QTest::newRow("unknown type")
            << R"({"format": "deepfield-graph", "version": 1, "layers": [{"name": "a", "type": "Quantum"}]})"
            << "('a'): unknown layer type 'Quantum'";
        QTest::newRow("inputs not names")
            << R"({"format": "deepfield-graph", "version": 1, "layers": [{"name": "a", "type": "ReLU", "inputs": [3]}]})"
            << "('a'): \"inputs\" must be a list of names";
        QTest::newRow("bad hyper-parameter")
            << R"({"format": "deepfield-graph", "version": 1, "layers": [{"name": "d", "type": "Dense", "config": {"units": "many"}}]})"
            << "('d'): Dense: hyper-parameter 'units' must be an integer";
        QTest::newRow("outputs")
            << R"({"format": "deepfield-graph", "version": 1, "layers": [], "outputs": "x"})" << "\"outputs\" must be a list";
    }
    void fromJsonErrors() {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        const QString what = errorOf([&] { Graph::fromJson(Json::parse(json.toStdString())); });
        QVERIFY2(what.contains(expected), qPrintable(what));
    }

    void weightsRoundTrip() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("w.safetensors").toStdString();
        Graph g = mlp();
        g.reset(17);
        g.saveWeights(path);
        Graph h = Graph::fromJson(g.toJson());
        h.reset(99);  // different weights until loaded
        Rng rng(3);
        const Tensor x = randomTensor({16, 4}, rng);
        const std::vector<float> want = g.forward(x, Mode::Inference).values();
        QVERIFY(want != h.forward(x, Mode::Inference).values());
        h.loadWeights(path);
        QVERIFY(want == h.forward(x, Mode::Inference).values());  // bit-identical
        // The file is plain safetensors with our names and (units, in) kernels.
        const TensorFile f = readSafetensors(path);
        QCOMPARE(f.tensors.size(), std::size_t(6));
        QCOMPARE(f.tensors.at("dense_1/kernel").shape(), (std::vector<int>{32, 4}));
        QCOMPARE(f.metadata.at("format").get<std::string>(), std::string("deepfield-weights"));
    }

    void loadWeightsFromAnotherNetwork() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("w.safetensors").toStdString();
        Graph g = mlp(32);
        g.reset(1);
        g.saveWeights(path);
        Graph wider = mlp(16);
        wider.reset(2);
        const std::vector<float> before = wider.parameters()[0].value->values();
        const QString what = errorOf([&] { wider.loadWeights(path); });
        QVERIFY2(what.contains("'dense_1/kernel' has shape (32, 4), the network expects (16, 4)"), qPrintable(what));
        QVERIFY(wider.parameters()[0].value->values() == before);  // nothing was changed
        Graph renamed;
        renamed.add("input", "Input", Json{{"shape", {4}}});
        renamed.add("fc", "Dense", Json{{"units", 3}}, {"input"});
        const QString missing = errorOf([&] { renamed.loadWeights(path); });
        QVERIFY2(missing.contains("has no tensor 'fc/kernel'"), qPrintable(missing));
        Graph smaller;  // a subset of the names: the file has tensors the network lacks
        smaller.add("input", "Input", Json{{"shape", {4}}});
        smaller.add("dense_1", "Dense", Json{{"units", 32}}, {"input"});
        const QString extra = errorOf([&] { smaller.loadWeights(path); });
        QVERIFY2(extra.contains("tensor 'dense_2/"), qPrintable(extra));
    }

    void brokenWeightFiles() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("bad.safetensors").toStdString();
        auto write = [&](const std::string& header, std::size_t dataBytes) {
            std::ofstream out(path, std::ios::binary);
            const std::uint64_t n = header.size();
            out.write(reinterpret_cast<const char*>(&n), 8);
            out << header << std::string(dataBytes, '\0');
        };
        write(R"({"a": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}})", 4);
        QVERIFY(errorOf([&] { readSafetensors(path); }).contains("tensor 'a' has dtype \"F16\""));
        write(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 16]}})", 8);
        QVERIFY(errorOf([&] { readSafetensors(path); }).contains("data offsets that do not match"));
        write(R"({"a": {"dtype": "F32", "shape": "2", "data_offsets": [0, 8]}})", 8);
        QVERIFY(errorOf([&] { readSafetensors(path); }).contains("shape that is not a list"));
        write(R"({"a": )", 0);
        QVERIFY(errorOf([&] { readSafetensors(path); }).contains("broken JSON header"));
    }

    void cloneIsIndependent() {
        Graph g = mlp();
        g.reset(8);
        Graph c = g.clone();
        Rng rng(6);
        const Tensor x = randomTensor({5, 4}, rng);
        const std::vector<float> want = g.forward(x, Mode::Inference).values();
        QVERIFY(want == c.forward(x, Mode::Inference).values());
        c.parameters()[0].value->fill(0.0f);
        QVERIFY(want == g.forward(x, Mode::Inference).values());
        QVERIFY(want != c.forward(x, Mode::Inference).values());
    }

    void shapeErrors() {
        Graph g;
        g.add("image", "Input", Json{{"shape", {3, 8, 8}}});
        g.add("dense", "Dense", Json{{"units", 4}}, {"image"});
        g.add("act", "ReLU", Json::object(), {"dense"});
        const ShapeReport r = g.inferShapes();  // reports, does not throw
        QVERIFY(!r.ok());
        QCOMPARE(*r.shapes[0], (Shape{3, 8, 8}));
        QVERIFY(r.errors[0].empty());
        QVERIFY2(QString::fromStdString(r.errors[1]).contains("add a Flatten layer"), r.errors[1].c_str());
        QVERIFY(QString::fromStdString(r.errors[1]).contains("(3, 8, 8)"));
        QVERIFY(!r.shapes[1] && !r.shapes[2]);
        QVERIFY(QString::fromStdString(r.errors[2]).contains("'dense' has no valid shape"));
        const QString what = errorOf([&] { g.build(); });
        QVERIFY2(what.contains("layer 'dense'") && what.contains("add a Flatten layer"), qPrintable(what));
        // The fix makes it valid.
        Graph fixed;
        fixed.add("image", "Input", Json{{"shape", {3, 8, 8}}});
        fixed.add("flat", "Flatten", Json::object(), {"image"});
        fixed.add("dense", "Dense", Json{{"units", 4}}, {"flat"});
        QVERIFY(fixed.inferShapes().ok());
        QCOMPARE(fixed.parameterCount(), std::size_t(192 * 4 + 4));
    }

    void structureErrors() {
        {
            Graph g;  // a loop: b → c → b
            g.add("in", "Input", Json{{"shape", {2}}});
            g.add("ok", "ReLU", Json::object(), {"in"});
            g.add("b", "ReLU", Json::object(), {"c"});
            g.add("c", "ReLU", Json::object(), {"b"});
            const ShapeReport r = g.inferShapes();
            QVERIFY(r.errors[0].empty() && r.errors[1].empty());
            QCOMPARE(*r.shapes[1], (Shape{2}));
            QVERIFY(QString::fromStdString(r.errors[2] + r.errors[3]).contains("cycle"));
            QVERIFY(!r.errors[2].empty() && !r.errors[3].empty());
            QVERIFY(errorOf([&] { g.build(); }).contains("cycle"));
        }
        {
            Graph g;
            g.add("in", "Input", Json{{"shape", {2}}});
            g.add("d", "Dense", Json{{"units", 2}}, {"nowhere"});
            const ShapeReport r = g.inferShapes();
            QVERIFY(QString::fromStdString(r.errors[1]).contains("'nowhere', which is not a layer"));
            QVERIFY(errorOf([&] { g.build(); }).contains("layer 'd'"));
        }
        {
            Graph g;
            g.add("in", "Input", Json{{"shape", {2}}});
            g.add("d", "Dense", Json{{"units", 2}}, {"in", "in"});
            g.add("m", std::make_unique<ScaledSum>(), {"in"});
            const ShapeReport r = g.inferShapes();
            QCOMPARE(QString::fromStdString(r.errors[1]), QString("Dense takes 1 input, got 2"));
            QVERIFY(QString::fromStdString(r.errors[2]).contains("merges two or more inputs, got 1"));
        }
        QVERIFY(errorOf([] { Graph().build(); }).contains("empty"));
        Graph dup;
        dup.add("a", "Input", Json{{"shape", {1}}});
        QVERIFY(errorOf([&] { dup.add("a", "ReLU", Json::object(), {"a"}); }).contains("two layers are named 'a'"));
    }

    void sharedNodeGradients() {
        // in → d1 → tanh → {a, b}; in → c. Outputs a, b, c: the tanh node and the input each
        // receive the sum of two consumers' gradients.
        Graph g;
        g.add("in", "Input", Json{{"shape", {3}}});
        g.add("d1", "Dense", Json{{"units", 4}}, {"in"});
        g.add("t", "Tanh", Json::object(), {"d1"});
        g.add("a", "Dense", Json{{"units", 2}}, {"t"});
        g.add("b", "Dense", Json{{"units", 2}}, {"t"});
        g.add("c", "Dense", Json{{"units", 2}}, {"in"});
        g.setOutputs({"a", "b", "c"});
        g.reset(21);
        Rng rng(1);
        checkGraphGradients(g, {randomTensor({5, 3}, rng)});
    }

    void multiInputLayerWithBuffer() {
        // ScaledSum(d, d, t): the same node twice among one layer's inputs.
        Graph g;
        g.add("x", "Input", Json{{"shape", {3}}});
        g.add("y", "Input", Json{{"shape", {4}}});
        g.add("d", "Dense", Json{{"units", 4}}, {"x"});
        g.add("t", "Tanh", Json::object(), {"y"});
        g.add("sum", std::make_unique<ScaledSum>(), {"d", "d", "t"});
        g.add("out", "Dense", Json{{"units", 2}}, {"sum"});
        g.reset(4);
        QCOMPARE(g.buffers().size(), std::size_t(1));
        QCOMPARE(g.buffers()[0].name, std::string("sum/scale"));
        Rng rng(5);
        checkGraphGradients(g, {randomTensor({3, 3}, rng), randomTensor({3, 4}, rng)});
        // Buffers travel with the weights.
        QTemporaryDir dir;
        const std::string path = dir.filePath("w.safetensors").toStdString();
        g.buffers()[0].value->fill(2.5f);
        g.saveWeights(path);
        g.buffers()[0].value->fill(1.0f);
        g.loadWeights(path);
        QCOMPARE((*g.buffers()[0].value)[0], 2.5f);
    }

    void registryMergeAndNormalisation() {
        // Add(t, t, c) repeats a node; Concatenate joins two branches; BatchNormalization
        // carries buffers through clone and the weights file.
        Graph g;
        g.add("in", "Input", Json{{"shape", {3}}});
        g.add("d", "Dense", Json{{"units", 4}}, {"in"});
        g.add("t", "Tanh", Json::object(), {"d"});
        g.add("c", "Dense", Json{{"units", 4}}, {"in"});
        g.add("sum", "Add", Json::object(), {"t", "t", "c"});
        g.add("cat", "Concatenate", Json::object(), {"sum", "c"});
        g.add("bn", "BatchNormalization", Json::object(), {"cat"});
        g.add("out", "Dense", Json{{"units", 2}}, {"bn"});
        g.reset(12);
        QCOMPARE(g.shapeOf("cat"), (Shape{8}));
        QCOMPARE(g.buffers().size(), std::size_t(2));
        // Move the moving statistics away from their start so the copies are meaningful.
        Rng rng(13);
        for (int i = 0; i < 3; ++i) g.forward(randomTensor({6, 3}, rng), Mode::Training);
        checkGraphGradients(g, {randomTensor({4, 3}, rng)});
        const Tensor x = randomTensor({5, 3}, rng);
        const std::vector<float> want = g.forward(x, Mode::Inference).values();
        Graph c = g.clone();
        QVERIFY(want == c.forward(x, Mode::Inference).values());
        QTemporaryDir dir;
        const std::string path = dir.filePath("w.safetensors").toStdString();
        g.saveWeights(path);
        Graph h = Graph::fromJson(g.toJson());
        h.reset(1);
        h.loadWeights(path);
        QVERIFY(want == h.forward(x, Mode::Inference).values());
        QVERIFY(h.buffers()[0].value->values() == g.buffers()[0].value->values());
    }

    void inputGradientsOnlyWhenAsked() {
        Graph g = mlp();
        g.reset(3);
        Rng rng(8);
        const Tensor x = randomTensor({2, 4}, rng);
        const Tensor& y = g.forward(x, Mode::Training);
        Tensor dy(y.shape(), 1.0f);
        g.backward(dy);
        QVERIFY(errorOf([&] { g.inputGradient(0); }).contains("backward(..., true)"));
        g.backward(dy, true);
        QCOMPARE(g.inputGradient(0).shape(), x.shape());
        QVERIFY(errorOf([&] { g.inputGradient(1); }).contains("no input 1"));
    }

    void wrongOrderAndWrongArguments() {
        Graph g = mlp();
        g.build();
        Tensor dy({2, 3}, 1.0f);
        QVERIFY(errorOf([&] { g.backward(dy); }).contains("call forward() first"));
        QVERIFY(errorOf([&] { g.output(); }).contains("run forward() first"));
        Rng rng(1);
        const Tensor x = randomTensor({2, 4}, rng);
        g.forward(x, Mode::Training);
        QVERIFY(errorOf([&] { g.backward(Tensor({3, 3})); }).contains("has shape (3, 3) but the output has shape (2, 3)"));
        QVERIFY(errorOf([&] { g.backward(std::vector<const Tensor*>{&dy, &dy}); }).contains("2 gradients for 1 outputs"));
        QVERIFY(errorOf([&] { g.output(1); }).contains("no output 1"));
        QVERIFY(errorOf([&] { g.forward(randomTensor({2, 5}, rng), Mode::Training); })
                    .contains("input 'input' expects samples of shape (4), got (5)"));
        QVERIFY(errorOf([&] { g.forward(std::vector<const Tensor*>{}, Mode::Training); })
                    .contains("1 Input layer but 0 tensors were given"));
        QVERIFY(errorOf([&] { g.forward(std::vector<const Tensor*>{nullptr}, Mode::Training); }).contains("missing"));
        // A failed forward leaves nothing for backward to use.
        QVERIFY(errorOf([&] { g.backward(dy); }).contains("call forward() first"));
        // Changing the network invalidates activations, but not the weights.
        g.forward(x, Mode::Inference);
        const std::vector<float> before = g.output().values();
        g.setOutputs({"dense_3"});
        QVERIFY(errorOf([&] { g.backward(dy); }).contains("call build() first"));
        QVERIFY(before == g.forward(x, Mode::Inference).values());
        Graph two;
        two.add("a", "Input", Json{{"shape", {2}}});
        two.add("b", "Input", Json{{"shape", {2}}});
        two.add("m", std::make_unique<ScaledSum>(), {"a", "b"});
        const Tensor a({3, 2}), b({4, 2});
        QVERIFY(errorOf([&] { two.forward({&a, &b}, Mode::Inference); }).contains("same batch size"));
    }
};

QTEST_APPLESS_MAIN(TestGraph)
#include "tst_graph.moc"
