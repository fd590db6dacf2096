#include "conv_rate.h"

#include <algorithm>
#include <chrono>
#include <functional>

#include "core/rng.h"
#include "layers/registry.h"

namespace deepfield::bench {

namespace {
using Clock = std::chrono::steady_clock;

// Best time of fn over about `seconds` (at least 3 calls).
double bestSeconds(const std::function<void()>& fn, double seconds) {
    fn();
    double best = 1e30;
    const auto t0 = Clock::now();
    for (int n = 0; n < 3 || std::chrono::duration<double>(Clock::now() - t0).count() < seconds; ++n) {
        const auto t = Clock::now();
        fn();
        best = std::min(best, std::chrono::duration<double>(Clock::now() - t).count());
    }
    return best;
}
// kernel_size is an int or [kh, kw].
double kernelArea(const Json& k) {
    return k.is_array() ? double(k[0].get<int>()) * k[1].get<int>() : double(k.get<int>()) * k.get<int>();
}
}  // namespace

ConvRate measureConvRate(const std::vector<Graph*>& graphs, int batch, double secondsPerLayer) {
    ConvRate r;
    Rng rng(7);
    for (Graph* g : graphs) {
        const std::vector<std::string> inputs = g->inputNames();
        for (const Node& node : g->nodes()) {
            const bool transpose = node.type == "Conv2DTranspose";
            if (node.type != "Conv2D" && !transpose) continue;
            const Shape in = g->shapeOf(node.inputs.at(0)), out = g->shapeOf(node.name);
            auto layer = LayerRegistry::instance().create(node.type, node.config);
            layer->outputShape({in});
            layer->build({in});
            layer->reset(rng, {});
            Shape bs{batch};
            bs.insert(bs.end(), in.begin(), in.end());
            Tensor x(bs), y, dy, dx;
            for (std::size_t i = 0; i < x.size(); ++i) x[i] = float(rng.normal());
            const std::vector<const Tensor*> xs{&x};
            // Multiply-adds of the matrix product: conv F·(C·kh·kw)·(Ho·Wo); transpose C·(F·kh·kw)·(H·W).
            const double kk = kernelArea(node.config.at("kernel_size"));
            const double macs = transpose ? double(in[0]) * out[0] * kk * in[1] * in[2]
                                          : double(out[0]) * in[0] * kk * out[1] * out[2];
            const double flop = 2.0 * macs * batch;
            const bool wantDx = std::find(inputs.begin(), inputs.end(), node.inputs.at(0)) == inputs.end();
            layer->forward(xs, y, Mode::Training);
            dy.resizeLike(y);
            for (std::size_t i = 0; i < dy.size(); ++i) dy[i] = float(rng.normal());
            std::vector<Tensor*> dxs{wantDx ? &dx : nullptr};
            r.trainSeconds += bestSeconds(
                [&] {
                    layer->forward(xs, y, Mode::Training);
                    layer->backward(xs, y, dy, dxs);
                },
                secondsPerLayer);
            r.trainGflop += flop * (wantDx ? 3 : 2) * 1e-9;
            r.inferSeconds += bestSeconds([&] { layer->forward(xs, y, Mode::Inference); }, secondsPerLayer);
            r.inferGflop += flop * 1e-9;
            ++r.layers;
        }
    }
    return r;
}

}  // namespace deepfield::bench
