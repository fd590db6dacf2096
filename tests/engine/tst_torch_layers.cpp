// Every layer family against PyTorch 1.13 on the same weights and inputs: outputs, input
// gradients, parameter gradients and BatchNormalization's updated moving statistics.
// Reference values: tests/reference/torch_layers.py -> tests/data/torch_layers.safetensors.
#include <QtTest>

#include <set>

#include "gradcheck.h"
#include "graph/safetensors.h"
#include "layers/registry.h"

using namespace deepfield;
using namespace deepfield::test;

namespace {
const TensorFile& reference() {
    static const TensorFile file = readSafetensors(DEEPFIELD_TEST_DATA "/torch_layers.safetensors");
    return file;
}
Json cases() { return Json::parse(reference().metadata.at("cases").get<std::string>()); }
constexpr double kTolerance = 1e-4;
}  // namespace

class TestTorchLayers : public QObject {
    Q_OBJECT
private slots:
    void coversEveryFamily() {
        std::set<std::string> types;
        for (const Json& c : cases()) types.insert(c["type"].get<std::string>());
        for (const char* t : {"Dense", "Conv2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D",
                              "BatchNormalization", "ReLU", "LeakyReLU", "ELU", "Sigmoid", "Tanh", "Softmax", "Add",
                              "Concatenate"})
            QVERIFY2(types.count(t), t);
        QVERIFY(cases().size() >= 36);
    }

    void agrees_data() {
        QTest::addColumn<QString>("name");
        for (const Json& c : cases()) {
            const std::string n = c["name"].get<std::string>();
            QTest::newRow(n.c_str()) << QString::fromStdString(n);
        }
    }
    void agrees() {
        QFETCH(QString, name);
        Json spec;
        for (const Json& c : cases())
            if (c["name"] == name.toStdString()) spec = c;
        const std::string prefix = name.toStdString() + "/";
        const auto& T = reference().tensors;
        std::set<std::string> used;
        auto get = [&](const std::string& key) -> const Tensor& {
            const auto it = T.find(prefix + key);
            if (it == T.end()) throw std::runtime_error("reference file has no tensor " + prefix + key);
            used.insert(prefix + key);
            return it->second;
        };
        auto compare = [&](const Tensor& ours, const std::string& key) {
            const Tensor& theirs = get(key);
            QVERIFY2(ours.shape() == theirs.shape(),
                     (key + ": shape " + toString(ours.shape()) + " vs torch " + toString(theirs.shape())).c_str());
            const double err = relativeError(ours, theirs);
            QVERIFY2(err <= kTolerance, (key + ": relative error " + std::to_string(err)).c_str());
        };

        auto layer = LayerRegistry::instance().create(spec["type"].get<std::string>(), spec["config"]);
        std::vector<Tensor> inputs;
        for (int i = 0;; ++i) {
            std::string key = "x";  // (appending: GCC 12's -Wrestrict misfires on "x" + string)
            key += std::to_string(i);
            if (!T.count(prefix + key)) break;
            inputs.push_back(get(key));
        }
        QVERIFY(!inputs.empty());
        buildLayer(*layer, inputs);
        for (Param& p : layer->parameters()) *p.value = get("param/" + p.name);
        for (Param& p : layer->buffers()) *p.value = get("param/" + p.name);
        for (Param& p : layer->parameters()) p.grad->setZero();

        const Mode mode = spec["mode"] == "training" ? Mode::Training : Mode::Inference;
        std::vector<const Tensor*> xs;
        for (const Tensor& t : inputs) xs.push_back(&t);
        Tensor y;
        layer->forward(xs, y, mode);
        compare(y, "y");
        for (Param& p : layer->buffers())
            if (T.count(prefix + "after/" + p.name)) compare(*p.value, "after/" + p.name);

        std::vector<Tensor> dx(inputs.size());
        std::vector<Tensor*> dxp;
        for (Tensor& t : dx) dxp.push_back(&t);
        layer->backward(xs, y, get("dy"), dxp);
        for (std::size_t i = 0; i < dx.size(); ++i) compare(dx[i], "dx" + std::to_string(i));
        for (Param& p : layer->parameters()) compare(*p.grad, "grad/" + p.name);

        // Nothing the reference stored for this case went unchecked or unused.
        for (const auto& [key, t] : T)
            if (key.rfind(prefix, 0) == 0) QVERIFY2(used.count(key), ("unused reference tensor " + key).c_str());
    }
};

QTEST_APPLESS_MAIN(TestTorchLayers)
#include "tst_torch_layers.moc"
