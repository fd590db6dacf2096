#pragma once
// PyTorch reference cases of tests/data/torch_decoder_layers.safetensors (made by
// tests/reference/torch_decoder_layers.py), shared by the decoder-layer and loss tests.
#include <QtTest>

#include <set>
#include <stdexcept>

#include "gradcheck.h"
#include "graph/safetensors.h"
#include "layers/registry.h"
#include "train/loss.h"

namespace deepfield::test {

inline const TensorFile& decoderReference() {
    static const TensorFile file = readSafetensors(DEEPFIELD_TEST_DATA "/torch_decoder_layers.safetensors");
    return file;
}

inline std::vector<Json> decoderCases(const std::string& typePrefix) {
    std::vector<Json> out;
    for (const Json& c : Json::parse(decoderReference().metadata.at("cases").get<std::string>()))
        if (c["type"].get<std::string>().rfind(typePrefix, 0) == 0) out.push_back(c);
    return out;
}

inline void addDecoderCaseRows(const std::string& typePrefix) {
    QTest::addColumn<QString>("name");
    for (const Json& c : decoderCases(typePrefix)) {
        const std::string n = c["name"].get<std::string>();
        QTest::newRow(n.c_str()) << QString::fromStdString(n);
    }
}

// Looks tensors of one case up and records which were used.
struct DecoderCase {
    Json spec;
    std::string prefix;
    std::set<std::string> used;

    explicit DecoderCase(const std::string& name) : prefix(name + "/") {
        for (const Json& c : decoderCases(""))
            if (c["name"] == name) spec = c;
        if (spec.is_null()) throw std::runtime_error("no reference case " + name);
    }
    bool has(const std::string& key) const { return decoderReference().tensors.count(prefix + key) > 0; }
    const Tensor& get(const std::string& key) {
        const auto& T = decoderReference().tensors;
        const auto it = T.find(prefix + key);
        if (it == T.end()) throw std::runtime_error("reference file has no tensor " + prefix + key);
        used.insert(prefix + key);
        return it->second;
    }
    // Relative error of ours against the reference tensor `key`, or a message when shapes differ.
    QString compare(const Tensor& ours, const std::string& key, double tolerance) {
        const Tensor& theirs = get(key);
        if (ours.shape() != theirs.shape())
            return QString::fromStdString(key + ": shape " + toString(ours.shape()) + " vs torch " +
                                          toString(theirs.shape()));
        const double err = relativeError(ours, theirs);
        if (!(err <= tolerance)) return QString::fromStdString(key + ": relative error " + std::to_string(err));
        return {};
    }
    QStringList unused() const {
        QStringList out;
        for (const auto& [key, t] : decoderReference().tensors)
            if (key.rfind(prefix, 0) == 0 && !used.count(key)) out << QString::fromStdString(key);
        return out;
    }
};

// Runs one layer case: forward, input and parameter gradients, all within `tolerance`.
inline void checkLayerCase(const QString& name, double tolerance = 1e-4) {
    DecoderCase c(name.toStdString());
    auto layer = LayerRegistry::instance().create(c.spec["type"].get<std::string>(), c.spec["config"]);
    std::vector<Tensor> inputs;
    for (int i = 0;; ++i) {
        std::string key = "x";  // appended: GCC 12's -Wrestrict misfires on "x" + string
        key += std::to_string(i);
        if (!c.has(key)) break;
        inputs.push_back(c.get(key));
    }
    QVERIFY(!inputs.empty());
    buildLayer(*layer, inputs);
    for (Param& p : layer->parameters()) {
        *p.value = c.get("param/" + p.name);
        p.grad->setZero();
    }
    std::vector<const Tensor*> xs;
    for (const Tensor& t : inputs) xs.push_back(&t);
    Tensor y;
    layer->forward(xs, y, Mode::Training);
    QString err = c.compare(y, "y", tolerance);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    std::vector<Tensor> dx(inputs.size());
    std::vector<Tensor*> dxp;
    for (Tensor& t : dx) dxp.push_back(&t);
    layer->backward(xs, y, c.get("dy"), dxp);
    for (std::size_t i = 0; i < dx.size(); ++i) {
        std::string key = "dx";
        key += std::to_string(i);
        err = c.compare(dx[i], key, tolerance);
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }
    for (Param& p : layer->parameters()) {
        err = c.compare(*p.grad, "grad/" + p.name, tolerance);
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }
    QVERIFY2(c.unused().isEmpty(), qPrintable("unused reference tensors: " + c.unused().join(", ")));
}

}  // namespace deepfield::test
