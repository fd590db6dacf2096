#include "explain/saliency.h"

#include <algorithm>

#include "core/rng.h"

namespace deepfield {

AttributionMap saliency(Graph& graph, const Tensor& input, const Target& target, SaliencyKind kind,
                        const TaskControl& control) {
    const ResolvedTarget t = ResolvedTarget::resolve(graph, input, target);
    control.check("saliency");
    std::vector<float> values;
    Tensor grad;
    targetGradients(graph, asBatch(input), t, values, grad);
    AttributionMap m;
    m.method = kind == SaliencyKind::Gradient ? "saliency" : "gradient-x-input";
    m.target = t.description();
    m.targetClass = t.classIndex();
    m.targetValue = values[0];
    m.map = input;
    m.map.vec() = grad.vec();
    if (kind == SaliencyKind::GradientTimesInput) m.map.vec().array() *= input.vec().array();
    control.report(1, 1);
    return m;
}

AttributionMap smoothGrad(Graph& graph, const Tensor& input, const Target& target, const SmoothGradOptions& o,
                          const TaskControl& control) {
    if (o.samples < 1) throw InputError("SmoothGrad needs at least 1 noisy sample, got " + std::to_string(o.samples));
    if (o.batchSize < 1) throw InputError("SmoothGrad: batch size must be at least 1, got " + std::to_string(o.batchSize));
    if (!(o.noiseLevel >= 0)) throw InputError("SmoothGrad: the noise level must be >= 0");
    const ResolvedTarget t = ResolvedTarget::resolve(graph, input, target);
    const float lo = input.vec().minCoeff(), hi = input.vec().maxCoeff();
    const float sigma = o.noiseLevel * (hi - lo);
    Rng rng(o.seed);
    const std::size_t S = input.size();
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(Eigen::Index(S));
    Tensor batch, grad;
    std::vector<float> values;
    const int batches = (o.samples + o.batchSize - 1) / o.batchSize;
    for (int b = 0, done = 0; b < batches; ++b) {
        control.check("SmoothGrad");
        const int n = std::min(o.batchSize, o.samples - done);
        batch = asBatch(input, n);
        for (std::size_t i = 0; i < batch.size(); ++i) batch[i] += sigma * float(rng.normal());
        targetGradients(graph, batch, t, values, grad);
        if (o.timesInput) grad.vec().array() *= batch.vec().array();
        sum += grad.matrix().colwise().sum().transpose().cast<double>();
        done += n;
        control.report(b + 1, batches);
    }
    AttributionMap m;
    m.method = "smoothgrad";
    m.target = t.description();
    m.targetClass = t.classIndex();
    std::vector<float> fx;
    targetValues(graph, asBatch(input), t, fx);
    m.targetValue = fx[0];
    m.map = input;
    m.map.vec() = (sum / double(o.samples)).cast<float>();
    m.parameters = {{"samples", std::to_string(o.samples)},
                    {"noise_level", formatNumber(o.noiseLevel)},
                    {"batch_size", std::to_string(o.batchSize)},
                    {"times_input", o.timesInput ? "true" : "false"},
                    {"seed", std::to_string(o.seed)}};
    return m;
}

}  // namespace deepfield
