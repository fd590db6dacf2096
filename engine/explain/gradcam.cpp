#include "explain/gradcam.h"

#include <algorithm>

#include "layers/activations.h"

namespace deepfield {

std::string defaultGradCamLayer(const Graph& graph) {
    const std::vector<Node>& nodes = graph.nodes();
    std::string conv;
    for (const Node& n : nodes)
        if (n.type == "Conv2D") conv = n.name;
    if (conv.empty()) throw InputError("Grad-CAM needs a Conv2D layer; this network has none");
    // Follow a single consumer that is BatchNormalization or an activation.
    for (int step = 0; step < 2; ++step) {
        const Node* only = nullptr;
        int consumers = 0;
        for (const Node& n : nodes)
            if (std::find(n.inputs.begin(), n.inputs.end(), conv) != n.inputs.end()) {
                ++consumers;
                only = &n;
            }
        if (consumers != 1) break;
        const bool activation = dynamic_cast<const Activation*>(only->layer.get()) != nullptr;
        if (only->type != "BatchNormalization" && !activation) break;
        conv = only->name;
        if (activation) break;
    }
    return conv;
}

AttributionMap gradCam(Graph& graph, const Tensor& input, const Target& target, const GradCamOptions& o,
                       const TaskControl& control) {
    if (input.rank() != 3) throw InputError("Grad-CAM needs an image input (C, H, W), got " + toString(input.shape()));
    requireSampleInput(graph, input, "Grad-CAM");
    const std::string layer = o.layer.empty() ? defaultGradCamLayer(graph) : o.layer;
    if (graph.indexOf(layer) < 0) throw InputError("Grad-CAM: no layer named '" + layer + "'");
    const Shape s = graph.shapeOf(layer);
    if (s.size() != 3)
        throw InputError("Grad-CAM: layer '" + layer + "' has output shape " + toString(s) +
                         "; choose a convolutional layer with (channels, height, width) output");
    const ResolvedTarget t = ResolvedTarget::resolve(graph, input, target);
    control.check("Grad-CAM");
    std::vector<float> values;
    Tensor grad;
    targetGradients(graph, asBatch(input), t, values, grad);
    const Tensor& A = graph.activation(layer);  // (1, K, h, w)
    const Tensor& dA = graph.gradient(layer);
    const int K = s[0], h = s[1], w = s[2];
    const ConstMatrixMap a(A.data(), K, h * w), da(dA.data(), K, h * w);
    const Eigen::VectorXf alpha = da.rowwise().mean();
    Eigen::RowVectorXf cam = alpha.transpose() * a;
    if (o.relu) cam = cam.cwiseMax(0.0f);
    Tensor coarse({h, w});
    Eigen::Map<Eigen::RowVectorXf>(coarse.data(), h * w) = cam;
    Tensor up = upsampleBilinear(coarse, input.dim(1), input.dim(2));

    AttributionMap m;
    m.method = "gradcam";
    m.target = t.description();
    m.targetClass = t.classIndex();
    m.targetValue = values[0];
    up.reshape({1, input.dim(1), input.dim(2)});
    m.map = std::move(up);
    m.parameters = {{"layer", layer}, {"relu", o.relu ? "true" : "false"}};
    control.report(1, 1);
    return m;
}

}  // namespace deepfield
