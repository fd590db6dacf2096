#include "explain/feature_maps.h"

#include "explain/target.h"
#include "layers/conv2d.h"

namespace deepfield {

std::vector<std::string> convolutionLayers(const Graph& graph) {
    std::vector<std::string> names;
    for (const Node& n : graph.nodes())
        if (dynamic_cast<const Conv2D*>(n.layer.get())) names.push_back(n.name);
    return names;
}

std::vector<std::string> featureMapLayers(Graph& graph) {
    if (!graph.isBuilt()) graph.build();
    std::vector<std::string> names;
    for (const Node& n : graph.nodes())
        if (graph.shapeOf(n.name).size() == 3) names.push_back(n.name);
    return names;
}

Tensor convolutionKernels(Graph& graph, const std::string& layer) {
    if (!graph.isBuilt()) graph.build();
    Node& n = graph.node(layer);
    auto* conv = dynamic_cast<Conv2D*>(n.layer.get());
    if (!conv)
        throw InputError("layer '" + layer + "' is a " + n.type + ", not a convolution; kernels are shown for " +
                         "Conv2D layers");
    return conv->kernel();
}

std::vector<Tensor> featureMaps(Graph& graph, const Tensor& input, const std::vector<std::string>& layers,
                                const TaskControl& control) {
    requireSampleInput(graph, input, "feature maps");
    for (const std::string& l : layers)
        if (graph.indexOf(l) < 0) throw InputError("feature maps: no layer named '" + l + "'");
    control.check("feature maps");
    graph.forward(asBatch(input), Mode::Inference);
    std::vector<Tensor> out;
    for (const std::string& l : layers) {
        const Tensor& a = graph.activation(l);
        Tensor t(a.sampleShape());
        std::copy(a.data(), a.data() + t.size(), t.data());
        out.push_back(std::move(t));
    }
    control.report(1, 1);
    return out;
}

Tensor featureMaps(Graph& graph, const Tensor& input, const std::string& layer, const TaskControl& control) {
    return std::move(featureMaps(graph, input, std::vector<std::string>{layer}, control)[0]);
}

std::vector<float> channelMeans(const Tensor& maps) {
    if (maps.rank() < 1) return {};
    const int K = maps.dim(0);
    const std::size_t S = maps.size() / std::size_t(K);
    std::vector<float> m(static_cast<std::size_t>(K));
    for (int k = 0; k < K; ++k)
        m[std::size_t(k)] = float(ConstVectorMap(maps.data() + k * S, Eigen::Index(S)).cast<double>().mean());
    return m;
}

}  // namespace deepfield
