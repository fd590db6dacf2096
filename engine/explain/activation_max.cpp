#include "explain/activation_max.h"

#include <cmath>

#include "core/rng.h"
#include "explain/target.h"

namespace deepfield {

namespace {
// Cyclic shift of every plane of (C, H, W) by (dy, dx).
void roll(const Tensor& in, Tensor& out, int dy, int dx) {
    const int C = in.dim(0), H = in.dim(1), W = in.dim(2);
    out.resizeLike(in);
    for (int c = 0; c < C; ++c)
        for (int y = 0; y < H; ++y) {
            const int ty = ((y + dy) % H + H) % H;
            const float* src = in.data() + (std::size_t(c) * H + y) * W;
            float* dst = out.data() + (std::size_t(c) * H + ty) * W;
            for (int x = 0; x < W; ++x) dst[((x + dx) % W + W) % W] = src[x];
        }
}
}  // namespace

ActivationMaxResult maximiseActivation(Graph& original, const ActivationMaxObjective& obj,
                                       const ActivationMaxOptions& o, const ActivationMaxCallback& onImage,
                                       const TaskControl& control) {
    if (o.steps < 1) throw InputError("activation maximisation needs at least 1 step");
    if (!original.isBuilt()) original.build();
    const std::vector<Shape> ins = original.inputShapes();
    if (ins.size() != 1 || ins[0].size() != 3)
        throw InputError("activation maximisation needs a network with one image input (C, H, W)");
    Graph graph = original.clone();
    const std::string layer = obj.layer.empty() ? graph.outputNames()[0] : obj.layer;
    if (graph.indexOf(layer) < 0) throw InputError("activation maximisation: no layer named '" + layer + "'");
    graph.setOutputs({layer});
    graph.build();
    const Shape s = graph.shapeOf(layer);
    Target target;
    ActivationMaxResult result;
    if (s.size() == 3) {
        if (obj.index < 0 || obj.index >= s[0])
            throw InputError("layer '" + layer + "' has filters 0.." + std::to_string(s[0] - 1) + ", not " +
                             std::to_string(obj.index));
        target = Target::region(obj.index, 0, 0, s[1], s[2]);
        result.description = "filter " + std::to_string(obj.index) + " of " + layer;
    } else if (s.size() == 1) {
        if (obj.index < 0 || obj.index >= s[0])
            throw InputError("layer '" + layer + "' has units 0.." + std::to_string(s[0] - 1) + ", not " +
                             std::to_string(obj.index));
        target = Target::classIndex(obj.index);
        result.description = (obj.layer.empty() ? "class " : "unit ") + std::to_string(obj.index) + " of " + layer;
    } else {
        throw InputError("activation maximisation: layer '" + layer + "' has output shape " + toString(s) +
                         "; choose a convolutional or dense layer");
    }

    const Shape& in = ins[0];
    const int H = in[1], W = in[2];
    Rng rng(o.seed);
    Tensor x(in);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = o.initScale * float(rng.normal());
    const ResolvedTarget t = ResolvedTarget::resolve(graph, x, target);
    Tensor shifted({1, in[0], H, W}), grad, back;
    std::vector<float> values;
    for (int step = 0; step < o.steps; ++step) {
        control.check("activation maximisation");
        const int dy = o.jitter > 0 ? int(rng.below(std::uint64_t(2 * o.jitter + 1))) - o.jitter : 0;
        const int dx = o.jitter > 0 ? int(rng.below(std::uint64_t(2 * o.jitter + 1))) - o.jitter : 0;
        Tensor view;
        roll(x, view, dy, dx);
        std::copy(view.data(), view.data() + view.size(), shifted.data());
        targetGradients(graph, shifted, t, values, grad);
        result.objective.push_back(values[0]);
        grad.reshape(in);
        roll(grad, back, -dy, -dx);
        const float scale = back.vec().cwiseAbs().mean();
        if (scale > 0) x.vec() += (o.stepSize / scale) * back.vec();
        if (o.l2 > 0) x.vec() *= (1.0f - o.l2);
        if (o.blurSigma > 0 && o.blurEvery > 0 && (step + 1) % o.blurEvery == 0) x = gaussianBlur(x, o.blurSigma);
        control.report(step + 1, o.steps);
        if (onImage && o.reportEvery > 0 && (step + 1) % o.reportEvery == 0 && step + 1 < o.steps)
            onImage(step + 1, o.steps, values[0], x);
    }
    targetValues(graph, asBatch(x), t, values);
    result.objective.push_back(values[0]);
    if (onImage) onImage(o.steps, o.steps, values[0], x);
    result.image = std::move(x);
    return result;
}

}  // namespace deepfield
