#include "explain/occlusion.h"

#include <algorithm>

namespace deepfield {

namespace {
std::vector<int> positions(int size, int window, int stride) {
    std::vector<int> p;
    for (int s = 0; s + window <= size; s += stride) p.push_back(s);
    if (p.empty() || p.back() + window < size) p.push_back(size - window);
    return p;
}
}  // namespace

AttributionMap occlusion(Graph& graph, const Tensor& input, const Target& target, const OcclusionOptions& o,
                         const TaskControl& control) {
    if (input.rank() != 3)
        throw InputError("occlusion needs an image input (C, H, W), got " + toString(input.shape()));
    const int C = input.dim(0), H = input.dim(1), W = input.dim(2);
    if (o.window < 1 || o.window > std::min(H, W))
        throw InputError("occlusion window " + std::to_string(o.window) + " must be between 1 and the image size " +
                         std::to_string(std::min(H, W)));
    if (o.stride < 1) throw InputError("occlusion stride must be at least 1, got " + std::to_string(o.stride));
    if (o.batchSize < 1) throw InputError("occlusion: batch size must be at least 1");
    const ResolvedTarget t = ResolvedTarget::resolve(graph, input, target);
    std::vector<float> values;
    targetValues(graph, asBatch(input), t, values);
    const float fx = values[0];

    const std::vector<int> ys = positions(H, o.window, o.stride), xs = positions(W, o.window, o.stride);
    const int total = int(ys.size() * xs.size());
    Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(H, W), count = Eigen::MatrixXd::Zero(H, W);
    Tensor batch;
    const int batches = (total + o.batchSize - 1) / o.batchSize;
    for (int b = 0; b < batches; ++b) {
        control.check("occlusion");
        const int first = b * o.batchSize, n = std::min(o.batchSize, total - first);
        batch = asBatch(input, n);
        for (int k = 0; k < n; ++k) {
            const int y0 = ys[std::size_t((first + k) / int(xs.size()))], x0 = xs[std::size_t((first + k) % int(xs.size()))];
            for (int c = 0; c < C; ++c)
                for (int y = y0; y < y0 + o.window; ++y)
                    std::fill_n(batch.sample(k) + (std::size_t(c) * H + y) * W + x0, o.window, o.fill);
        }
        targetValues(graph, batch, t, values);
        for (int k = 0; k < n; ++k) {
            const int y0 = ys[std::size_t((first + k) / int(xs.size()))], x0 = xs[std::size_t((first + k) % int(xs.size()))];
            sum.block(y0, x0, o.window, o.window).array() += double(fx - values[std::size_t(k)]);
            count.block(y0, x0, o.window, o.window).array() += 1.0;
        }
        control.report(b + 1, batches);
    }
    AttributionMap m;
    m.method = "occlusion";
    m.target = t.description();
    m.targetClass = t.classIndex();
    m.targetValue = fx;
    m.map = Tensor({1, H, W});
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) m.map[std::size_t(y * W + x)] = float(sum(y, x) / count(y, x));
    m.parameters = {{"window", std::to_string(o.window)},
                    {"stride", std::to_string(o.stride)},
                    {"fill", formatNumber(o.fill)},
                    {"batch_size", std::to_string(o.batchSize)}};
    return m;
}

}  // namespace deepfield
