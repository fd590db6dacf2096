#include "explain/guided.h"

namespace deepfield {

ReluBackwardOverride::ReluBackwardOverride(Graph& graph, ReluBackward rule) {
    for (const Node& n : graph.nodes())
        if (auto* a = dynamic_cast<Activation*>(n.layer.get()); a && a->kind() == ActivationKind::ReLU) {
            saved_.emplace_back(a, a->reluBackward());
            a->setReluBackward(rule);
        }
}

ReluBackwardOverride::~ReluBackwardOverride() {
    for (auto& [a, rule] : saved_) a->setReluBackward(rule);
}

namespace {
AttributionMap modifiedGradient(Graph& graph, const Tensor& input, const Target& target, ReluBackward rule,
                                const char* method, const TaskControl& control) {
    const ResolvedTarget t = ResolvedTarget::resolve(graph, input, target);
    control.check(method);
    std::vector<float> values;
    Tensor grad;
    {
        ReluBackwardOverride over(graph, rule);
        targetGradients(graph, asBatch(input), t, values, grad);
    }
    AttributionMap m;
    m.method = method;
    m.target = t.description();
    m.targetClass = t.classIndex();
    m.targetValue = values[0];
    m.map = input;
    m.map.vec() = grad.vec();
    control.report(1, 1);
    return m;
}
}  // namespace

AttributionMap guidedBackprop(Graph& graph, const Tensor& input, const Target& target, const TaskControl& control) {
    return modifiedGradient(graph, input, target, ReluBackward::Guided, "guided-backprop", control);
}

AttributionMap deconvnet(Graph& graph, const Tensor& input, const Target& target, const TaskControl& control) {
    return modifiedGradient(graph, input, target, ReluBackward::Deconvnet, "deconvnet", control);
}

}  // namespace deepfield
