#include "photoz_experiment.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <thread>

#include "core/rng.h"
#include "data/dataset.h"
#include "data/simulator.h"
#include "data/standardizer.h"
#include "graph/graph.h"
#include "train/loss.h"
#include "train/metrics.h"
#include "train/optimizer.h"
#include "train/trainer.h"

namespace deepfield::app {

namespace {
Tensor pick(const Tensor& x, const std::vector<int>& idx) {
    Shape s = x.shape();
    s[0] = int(idx.size());
    Tensor out(s);
    const std::size_t f = x.sampleSize();
    for (std::size_t i = 0; i < idx.size(); ++i) std::copy_n(x.sample(idx[i]), f, out.sample(int(i)));
    return out;
}

Tensor column(const std::vector<float>& z, const std::vector<int>& idx) {
    Tensor t({int(idx.size()), 1});
    for (std::size_t i = 0; i < idx.size(); ++i) t[i] = z[std::size_t(idx[i])];
    return t;
}

// Trains `g` on x → z with a seeded quarter held out, and scores it.
PhotoZRun fitAndScore(Graph& g, Tensor x, const std::vector<float>& z, int epochs, int batch, double lr,
                      std::uint64_t seed, bool standardise, const std::atomic<bool>* cancel) {
    Rng rng(seed);
    const std::vector<int> order = rng.permutation(x.batch());
    const long nTrain = long(order.size()) * 3 / 4;
    const std::vector<int> trainIdx(order.begin(), order.begin() + nTrain), testIdx(order.begin() + nTrain, order.end());
    Tensor xt = pick(x, trainIdx), xs = pick(x, testIdx);
    if (standardise) {
        const Standardizer s = Standardizer::fit(xt);
        s.apply(xt);
        s.apply(xs);
    }
    const Tensor zt = column(z, trainIdx), zs = column(z, testIdx);
    TensorDataset train(std::move(xt), zt);
    g.build();
    g.reset(seed);
    auto loss = makeLoss("mse");
    OptimizerOptions oo;
    oo.learningRate = lr;
    auto adam = makeOptimizer("adam", oo);
    TrainOptions to;
    to.epochs = epochs;
    to.batchSize = batch;
    to.seed = seed;
    Trainer trainer(g, *loss, *adam, to);
    TrainControl control;
    std::atomic<bool> stopWatch{false};
    std::thread watch;  // mirrors the caller's cancel flag into the trainer's control
    if (cancel)
        watch = std::thread([&] {
            while (!stopWatch && !*cancel) std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (*cancel) control.cancel = true;
        });
    trainer.fit(train, nullptr, nullptr, &control);
    stopWatch = true;
    if (watch.joinable()) watch.join();

    const Tensor pred = g.forward(xs, Mode::Inference);
    PhotoZRun r;
    r.trainCount = int(trainIdx.size());
    r.truth.assign(zs.data(), zs.data() + zs.size());
    r.predicted.assign(pred.data(), pred.data() + pred.size());
    r.nmad = nmad(pred, zs);
    r.outliers = outlierFraction(pred, zs);
    const float mean = float(zt.vec().mean());
    Tensor trivial({zs.batch(), 1});
    for (std::size_t i = 0; i < trivial.size(); ++i) trivial[i] = mean;
    r.trivialNmad = nmad(trivial, zs);
    return r;
}
}  // namespace

PhotoZRun runColourPhotoZ(const Tensor& colours, const std::vector<float>& z, int epochs, std::uint64_t seed,
                          const std::atomic<bool>* cancel) {
    Graph g;
    g.add("input", "Input", Json{{"shape", {int(colours.sampleSize())}}});
    g.add("dense_1", "Dense", Json{{"units", 32}}, {"input"});
    g.add("relu_1", "ReLU", Json::object(), {"dense_1"});
    g.add("dense_2", "Dense", Json{{"units", 32}}, {"relu_1"});
    g.add("relu_2", "ReLU", Json::object(), {"dense_2"});
    g.add("output", "Dense", Json{{"units", 1}}, {"relu_2"});
    g.setOutputs({"output"});
    return fitAndScore(g, colours, z, epochs, 32, 2e-3, seed, true, cancel);
}

ImagePhotoZData simulateRedshiftedGalaxies(int count, int size, std::uint64_t seed) {
    SimOptions o;
    o.kind = SimKind::Morphology;
    o.size = size;
    o.seed = seed;
    o.bands = {"g", "r", "i"};
    const auto galaxies = simulateGalaxies(o, 0, count);
    ImagePhotoZData d;
    d.images = Tensor({count, 3, size, size});
    Rng rng(seed + 17);
    const double k[3] = {-1.5, 0.0, 1.0};
    std::vector<float> peaks;
    for (int i = 0; i < count; ++i) {
        const float z = float(0.05 + 0.55 * rng.uniform());
        d.z.push_back(z);
        const Tensor& img = galaxies[std::size_t(i)].image;
        const std::size_t plane = std::size_t(size) * size;
        // Each galaxy at its own brightness first (peak 1 in r), then moved to redshift z.
        const float peak = std::max(*std::max_element(img.data() + plane, img.data() + 2 * plane), 1e-6f);
        float* dst = d.images.sample(i);
        for (int b = 0; b < 3; ++b) {
            const float f = float(std::exp(k[b] * z) * std::pow(1.0 + z, -3.0)) / peak;
            for (std::size_t p = 0; p < plane; ++p)
                dst[std::size_t(b) * plane + p] = img[std::size_t(b) * plane + p] * f + float(0.01 * rng.normal());
        }
    }
    // One scale for the whole set: brightness is information here.
    float top = 0;
    for (std::size_t j = 0; j < d.images.size(); ++j) top = std::max(top, d.images[j]);
    for (std::size_t j = 0; j < d.images.size(); ++j) d.images[j] /= std::max(top, 1e-6f);
    return d;
}

PhotoZRun runImagePhotoZ(const ImagePhotoZData& data, int epochs, std::uint64_t seed, const std::atomic<bool>* cancel) {
    const Shape s = data.images.sampleShape();
    Graph g;
    g.add("input", "Input", Json{{"shape", s}});
    g.add("conv_1", "Conv2D", Json{{"filters", 8}, {"kernel_size", 3}, {"padding", "same"}}, {"input"});
    g.add("relu_1", "ReLU", Json::object(), {"conv_1"});
    g.add("pool_1", "MaxPooling2D", Json{{"pool_size", 2}}, {"relu_1"});
    g.add("conv_2", "Conv2D", Json{{"filters", 16}, {"kernel_size", 3}, {"padding", "same"}}, {"pool_1"});
    g.add("relu_2", "ReLU", Json::object(), {"conv_2"});
    g.add("gap", "GlobalAveragePooling2D", Json::object(), {"relu_2"});
    g.add("dense", "Dense", Json{{"units", 32}}, {"gap"});
    g.add("relu_3", "ReLU", Json::object(), {"dense"});
    g.add("output", "Dense", Json{{"units", 1}}, {"relu_3"});
    g.setOutputs({"output"});
    return fitAndScore(g, data.images, data.z, epochs, 32, 3e-3, seed, false, cancel);
}

}  // namespace deepfield::app
