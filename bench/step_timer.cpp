// deepfield_step_timer: times one workload of bench/workloads.cpp without the bench command's
// windows, GEMM yardstick and conv-rate pass, for quick before/after comparisons of engine changes
// (link two builds, alternate them). Modes:
//   train | infer   min / median wall time of one step over `steps` steps, and CPU time per step
//   layers          every node of the workload's first graph rebuilt alone with random inputs:
//                   forward (training mode) and backward, min over `steps` calls each
// usage: deepfield_step_timer WORKLOAD [train|infer|layers] [steps]   (threads: OMP_NUM_THREADS)
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "layers/registry.h"
#include "workloads.h"

using namespace deepfield;

namespace {
using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// Minimum wall time of fn over `calls` calls after one warm-up call.
double minSeconds(const std::function<void()>& fn, int calls) {
    fn();
    double best = 1e30;
    for (int i = 0; i < calls; ++i) {
        const auto t = Clock::now();
        fn();
        best = std::min(best, seconds(t));
    }
    return best;
}

void timeSteps(bench::Workload& w, bool train, int steps) {
    const auto step = [&] { train ? w.trainStep() : w.infer(); };
    for (int i = 0; i < 3; ++i) step();
    std::vector<double> wall;
    const double cpu0 = cpuSeconds();
    for (int i = 0; i < steps; ++i) {
        const auto t = Clock::now();
        step();
        wall.push_back(seconds(t));
    }
    const double cpu = (cpuSeconds() - cpu0) / steps;
    std::sort(wall.begin(), wall.end());
    const double best = wall.front(), median = wall[wall.size() / 2];
    std::printf("%s %s: step min %.2f ms (%.1f %s), median %.2f ms, CPU %.2f ms/step\n", w.name().c_str(),
                train ? "train" : "infer", best * 1e3, w.batch() / best, w.unit().c_str(), median * 1e3, cpu * 1e3);
}

void timeLayers(bench::Workload& w, int calls) {
    Graph& g = *w.graphs().at(0);
    const std::vector<std::string> inputs = g.inputNames();
    Rng rng(3);
    double totalForward = 0, totalBackward = 0;
    for (const Node& node : g.nodes()) {
        if (node.inputs.empty()) continue;  // Input layers
        std::vector<Shape> shapes;
        for (const std::string& s : node.inputs) shapes.push_back(g.shapeOf(s));
        auto layer = LayerRegistry::instance().create(node.type, node.config);
        layer->outputShape(shapes);
        layer->build(shapes);
        layer->reset(rng, {});
        std::vector<Tensor> xs(shapes.size()), dxs(shapes.size());
        std::vector<const Tensor*> x;
        std::vector<Tensor*> dx;
        for (std::size_t i = 0; i < shapes.size(); ++i) {
            Shape s{w.batch()};
            s.insert(s.end(), shapes[i].begin(), shapes[i].end());
            xs[i] = Tensor(s);
            for (std::size_t k = 0; k < xs[i].size(); ++k) xs[i][k] = float(rng.normal());
            x.push_back(&xs[i]);
            // A graph input needs no gradient, as in training.
            const bool isInput = std::find(inputs.begin(), inputs.end(), node.inputs[i]) != inputs.end();
            dx.push_back(isInput ? nullptr : &dxs[i]);
        }
        Tensor y, dy;
        layer->forward(x, y, Mode::Training);
        dy.resizeLike(y);
        for (std::size_t k = 0; k < dy.size(); ++k) dy[k] = float(rng.normal());
        const double f = minSeconds([&] { layer->forward(x, y, Mode::Training); }, calls);
        // Backward needs its own forward (caches); time the pair and subtract.
        const double fb = minSeconds(
            [&] {
                layer->forward(x, y, Mode::Training);
                layer->backward(x, y, dy, dx);
            },
            calls);
        totalForward += f;
        totalBackward += fb - f;
        std::printf("%-22s %-16s %-16s forward %8.3f ms  backward %8.3f ms\n", node.name.c_str(), node.type.c_str(),
                    toString(shapes[0]).c_str(), f * 1e3, (fb - f) * 1e3);
    }
    std::printf("all layers: forward %.2f ms, backward %.2f ms\n", totalForward * 1e3, totalBackward * 1e3);
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: deepfield_step_timer WORKLOAD [train|infer|layers] [steps]\n");
        return 2;
    }
    const std::string mode = argc > 2 ? argv[2] : "train";
    const int steps = argc > 3 ? std::max(1, std::atoi(argv[3])) : 20;
    try {
        auto w = bench::makeWorkload(argv[1]);
        if (mode == "train" || mode == "infer") timeSteps(*w, mode == "train", steps);
        else if (mode == "layers") timeLayers(*w, steps);
        else throw InputError("mode must be train, infer or layers, got '" + mode + "'");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "deepfield_step_timer: %s\n", e.what());
        return 1;
    }
    return 0;
}
