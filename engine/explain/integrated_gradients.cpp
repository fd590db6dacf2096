#include "explain/integrated_gradients.h"

#include <algorithm>

#include "core/rng.h"

namespace deepfield {

BaselineKind baselineKindFromString(const std::string& name) {
    if (name == "zero") return BaselineKind::Zero;
    if (name == "blur") return BaselineKind::Blur;
    if (name == "sky") return BaselineKind::Sky;
    if (name == "noise") return BaselineKind::Noise;
    throw InputError("unknown baseline '" + name + "'; use zero, blur, sky or noise");
}

const char* toString(BaselineKind kind) {
    switch (kind) {
        case BaselineKind::Zero: return "zero";
        case BaselineKind::Blur: return "blur";
        case BaselineKind::Sky: return "sky";
        case BaselineKind::Noise: return "noise";
        case BaselineKind::Custom: return "custom";
    }
    return "zero";
}

namespace {
double median(std::vector<float>& v) {
    const std::size_t n = v.size(), h = n / 2;
    std::nth_element(v.begin(), v.begin() + long(h), v.end());
    const double upper = v[h];
    if (n % 2) return upper;
    const double lower = *std::max_element(v.begin(), v.begin() + long(h));
    return 0.5 * (lower + upper);
}

void requireImage(const Tensor& input, BaselineKind kind) {
    if (input.rank() != 3)
        throw InputError(std::string("the ") + toString(kind) + " baseline needs an image (C, H, W), got " +
                         toString(input.shape()) + "; use the zero baseline");
}
}  // namespace

Tensor makeBaseline(const Tensor& input, const IntegratedGradientsOptions& o) {
    switch (o.baseline) {
        case BaselineKind::Zero: return Tensor(input.shape(), 0.0f);
        case BaselineKind::Custom:
            if (o.customBaseline.shape() != input.shape())
                throw InputError("the given baseline has shape " + toString(o.customBaseline.shape()) +
                                 ", the input " + toString(input.shape()));
            return o.customBaseline;
        case BaselineKind::Blur:
            requireImage(input, o.baseline);
            if (!(o.blurSigma > 0)) throw InputError("the blur baseline needs a blur sigma > 0 pixels");
            return gaussianBlur(input, o.blurSigma);
        case BaselineKind::Sky: {
            requireImage(input, o.baseline);
            const int C = input.dim(0), H = input.dim(1), W = input.dim(2);
            const int b = std::max(1, std::min(o.borderWidth, std::min(H, W) / 2));
            Tensor base(input.shape());
            std::vector<float> border;
            for (int c = 0; c < C; ++c) {
                border.clear();
                const float* p = input.data() + std::size_t(c) * H * W;
                for (int y = 0; y < H; ++y)
                    for (int x = 0; x < W; ++x)
                        if (y < b || y >= H - b || x < b || x >= W - b) border.push_back(p[y * W + x]);
                const float sky = float(median(border));
                std::fill(base.data() + std::size_t(c) * H * W, base.data() + std::size_t(c + 1) * H * W, sky);
            }
            return base;
        }
        case BaselineKind::Noise: {
            requireImage(input, o.baseline);
            const int C = input.dim(0);
            const std::size_t S = input.size() / std::size_t(C);
            Rng rng(o.seed);
            Tensor base(input.shape());
            for (int c = 0; c < C; ++c) {
                const ConstVectorMap ch(input.data() + c * S, Eigen::Index(S));
                const float lo = ch.minCoeff(), hi = ch.maxCoeff();
                for (std::size_t i = 0; i < S; ++i) base[c * S + i] = rng.uniform(lo, hi);
            }
            return base;
        }
    }
    return Tensor(input.shape(), 0.0f);
}

AttributionMap integratedGradients(Graph& graph, const Tensor& input, const Target& target,
                                   const IntegratedGradientsOptions& o, const TaskControl& control) {
    if (o.steps < 1) throw InputError("integrated gradients needs at least 1 step, got " + std::to_string(o.steps));
    if (o.batchSize < 1)
        throw InputError("integrated gradients: batch size must be at least 1, got " + std::to_string(o.batchSize));
    const ResolvedTarget t = ResolvedTarget::resolve(graph, input, target);
    const Tensor base = makeBaseline(input, o);
    const Eigen::Index S = Eigen::Index(input.size());
    const Eigen::VectorXf diff = input.vec() - base.vec();

    // f(x) and f(x') in one pass.
    Tensor ends = asBatch(input, 2);
    std::copy(base.data(), base.data() + S, ends.sample(1));
    std::vector<float> endValues;
    targetValues(graph, ends, t, endValues);

    Eigen::VectorXd sum = Eigen::VectorXd::Zero(S);
    const InputGradientsOnly inputGradientsOnly(graph);
    Tensor batch, grad;
    std::vector<float> values;
    const int batches = (o.steps + o.batchSize - 1) / o.batchSize;
    for (int b = 0; b < batches; ++b) {
        control.check("integrated gradients");
        const int first = b * o.batchSize, n = std::min(o.batchSize, o.steps - first);
        Shape shape{n};
        shape.insert(shape.end(), input.shape().begin(), input.shape().end());
        batch.resize(shape);
        for (int k = 0; k < n; ++k) {
            const float alpha = (float(first + k) + 0.5f) / float(o.steps);
            VectorMap(batch.sample(k), S) = base.vec() + alpha * diff;
        }
        targetGradients(graph, batch, t, values, grad);
        sum += grad.matrix().colwise().sum().transpose().cast<double>();
        control.report(b + 1, batches);
    }

    AttributionMap m;
    m.method = "integrated-gradients";
    m.target = t.description();
    m.targetClass = t.classIndex();
    m.map = input;
    m.map.vec() = (sum.cast<float>() / float(o.steps)).cwiseProduct(diff);
    m.targetValue = endValues[0];
    m.baselineValue = endValues[1];
    m.attributionSum = m.map.vec().cast<double>().sum();
    m.hasCompleteness = true;
    m.baseline = base;
    m.parameters = {{"steps", std::to_string(o.steps)},
                    {"baseline", toString(o.baseline)},
                    {"batch_size", std::to_string(o.batchSize)},
                    {"rule", "midpoint"}};
    if (o.baseline == BaselineKind::Blur) m.parameters.push_back({"blur_sigma", formatNumber(o.blurSigma)});
    if (o.baseline == BaselineKind::Sky) m.parameters.push_back({"border_width", std::to_string(o.borderWidth)});
    if (o.baseline == BaselineKind::Noise) m.parameters.push_back({"seed", std::to_string(o.seed)});
    return m;
}

}  // namespace deepfield
