// Attributions against PyTorch 1.13 on the same weights and images: saliency, integrated
// gradients (zero, blur and sky baselines, softmax and logit targets), guided backpropagation,
// deconvnet and Grad-CAM. Reference: tests/reference/torch_explain.py ->
// tests/data/torch_explain.safetensors.
#include <QtTest>

#include "explain/gradcam.h"
#include "explain/guided.h"
#include "explain/integrated_gradients.h"
#include "explain/saliency.h"
#include "gradcheck.h"
#include "graph/safetensors.h"

using namespace deepfield;
using namespace deepfield::test;

namespace {
const TensorFile& reference() {
    static const TensorFile file = readSafetensors(DEEPFIELD_TEST_DATA "/torch_explain.safetensors");
    return file;
}
const Tensor& refTensor(const std::string& name) {
    const auto it = reference().tensors.find(name);
    if (it == reference().tensors.end()) throw std::runtime_error("reference has no tensor " + name);
    return it->second;
}
Graph referenceGraph() {
    Graph g = Graph::fromJson(Json::parse(reference().metadata.at("graph").get<std::string>()));
    g.build();
    for (Param& p : g.parameters()) *p.value = refTensor(p.name);
    return g;
}
int predicted(int image) {
    const Json p = Json::parse(reference().metadata.at("predictions").get<std::string>());
    return p[image]["predicted"].get<int>();
}
constexpr double kTolerance = 1e-4;

#define COMPARE_MAP(ours, key)                                                                              \
    do {                                                                                                    \
        const Tensor& theirs = refTensor(key);                                                                    \
        QVERIFY2((ours).shape() == theirs.shape(),                                                          \
                 (std::string(key) + ": shape " + toString((ours).shape()) + " vs " + toString(theirs.shape())) \
                     .c_str());                                                                             \
        const double err = relativeError(ours, theirs);                                                     \
        QVERIFY2(err <= kTolerance, (std::string(key) + ": relative error " + std::to_string(err)).c_str()); \
    } while (0)
}  // namespace

class TestExplainTorch : public QObject {
    Q_OBJECT
private slots:
    void agrees_data() {
        QTest::addColumn<int>("image");
        QTest::newRow("image 0") << 0;
        QTest::newRow("image 1") << 1;
    }
    void agrees() {
        QFETCH(int, image);
        Graph g = referenceGraph();
        const Tensor& x = refTensor("x" + std::to_string(image));
        const std::string p = std::to_string(image) + "/";

        const AttributionMap sal = saliency(g, x, Target::predicted());
        QCOMPARE(sal.targetClass, predicted(image));
        COMPARE_MAP(sal.map, p + "saliency");
        COMPARE_MAP(saliency(g, x, Target::classIndex(1, true)).map, p + "saliency_p1");

        IntegratedGradientsOptions zero;
        zero.steps = 50;
        zero.batchSize = 16;  // several batches, one partial
        const AttributionMap igZero = integratedGradients(g, x, Target::predicted(true), zero);
        COMPARE_MAP(igZero.map, p + "ig_zero");

        IntegratedGradientsOptions blur;
        blur.steps = 32;
        blur.baseline = BaselineKind::Blur;
        blur.blurSigma = 2.0;
        const AttributionMap igBlur = integratedGradients(g, x, Target::classIndex(2), blur);
        COMPARE_MAP(igBlur.baseline, p + "base_blur");
        COMPARE_MAP(igBlur.map, p + "ig_blur");

        IntegratedGradientsOptions sky;
        sky.steps = 20;
        sky.baseline = BaselineKind::Sky;
        sky.borderWidth = 2;
        const AttributionMap igSky = integratedGradients(g, x, Target::predicted(), sky);
        COMPARE_MAP(igSky.baseline, p + "base_sky");
        COMPARE_MAP(igSky.map, p + "ig_sky");

        COMPARE_MAP(guidedBackprop(g, x, Target::predicted()).map, p + "guided");
        COMPARE_MAP(deconvnet(g, x, Target::predicted()).map, p + "deconvnet");
        GradCamOptions cam;
        cam.layer = "relu_2";
        COMPARE_MAP(gradCam(g, x, Target::predicted(), cam).map, p + "gradcam");
    }

    void modifiedReluIsRestored() {
        // After guided backprop the network's gradients are the true ones again.
        Graph g = referenceGraph();
        const Tensor& x = refTensor("x0");
        const Tensor before = saliency(g, x, Target::predicted()).map;
        const Tensor guided = guidedBackprop(g, x, Target::predicted()).map;
        QVERIFY(relativeError(guided, before) > 1e-2);  // the rule made a difference
        QCOMPARE(relativeError(saliency(g, x, Target::predicted()).map, before), 0.0);
        for (const Node& n : g.nodes())
            if (auto* a = dynamic_cast<const Activation*>(n.layer.get()))
                QVERIFY(a->reluBackward() == ReluBackward::Gradient);
    }
};

QTEST_APPLESS_MAIN(TestExplainTorch)
#include "tst_explain_torch.moc"
