#include "panels/image_to_image/image_pairs.h"

#include <cmath>

#include "core/error.h"
#include "data/preprocess_json.h"
#include "data/simulator.h"
#include "runs/run_files.h"
#include "train/segmentation.h"

namespace deepfield::app {

namespace {

SimKind kindFor(const std::string& target) {
    if (target == "mask") return SimKind::Clumps;
    if (target == "bulge-disk") return SimKind::BulgeDisk;
    if (target == "central") return SimKind::Blends;
    if (target == "sharp") return SimKind::Deconvolution;
    throw InputError("'" + target + "' is not an image target (mask, bulge-disk, central, sharp)");
}

}  // namespace

Tensor sampleAsBatch(const Tensor& batch, int i) {
    Tensor t = Tensor::withBatch(1, batch.sampleShape());
    std::copy_n(batch.sample(i), batch.sampleSize(), t.data());
    return t;
}

ImageModel imageModelFromRun(const std::string& path) {
    GraphRun run = readGraphRun(path);
    const Json& pre = run.model.at("preprocessing");
    const std::string task = pre.value("task", std::string());
    if (pre.value("input", std::string()) != "image_folder" || (task != "segmentation" && task != "image"))
        throw InputError("run folder '" + path + "' has no image target (task '" + task +
                         "'); train one with deepfield-cli train --template unet-clumps --target mask or bulge-disk");
    ImageModel m;
    m.name = path;
    m.target = pre.value("target", std::string("mask"));
    kindFor(m.target);
    m.preprocess = preprocessSpecFromJson(pre);
    PreprocessSpec& p = m.preprocess;
    m.pairScale = pre.value("pair_scale", std::string()) == "input_rms";
    if (m.pairScale) p.normalise = Normalisation::None;
    const Shape in = pre.value("input_shape", Shape{});
    if (in.size() != 3) throw InputError("run folder '" + path + "': the preprocessing block has no input_shape");
    m.simulationSize = p.imageSize > 0 ? p.imageSize : in[1];
    if (p.crop > 0) p.crop = 0;  // simulated stamps are made at the model's size: nothing to crop
    if (p.imageSize == m.simulationSize) p.imageSize = 0;
    m.bands = (in[0] == 1 && !p.grey && p.channels.empty()) ? std::vector<std::string>{"r"}
                                                            : std::vector<std::string>{"g", "r", "i"};
    m.graph = std::make_shared<Graph>(std::move(run.graph));
    return m;
}

ImageModel imageModelFromGraph(std::shared_ptr<Graph> graph, const std::string& name) {
    if (!graph) throw InputError("no trained model");
    const Shape in = graph->inputShapes().at(0), out = graph->outputShapes().at(0);
    if (in.size() != 3 || out.size() != 3 || in[1] != out[1] || in[2] != out[2])
        throw InputError("the network maps " + toString(in) + " to " + toString(out) +
                         "; the image-to-image view needs images in and images of the same size out");
    ImageModel m;
    m.graph = std::move(graph);
    m.name = name;
    m.simulationSize = in[1];
    m.bands = in[0] == 1 ? std::vector<std::string>{"r"} : std::vector<std::string>{"g", "r", "i"};
    if (out[0] == 1 && in[0] != 1) {
        m.target = "mask";
    } else if (out[0] == 2 * in[0]) {
        m.target = "bulge-disk";
    } else if (out[0] == in[0] && in[0] != 1) {
        m.target = "sharp";
    } else {
        m.target = "mask";  // one channel in, one out: a mask is the likelier lesson
    }
    m.pairScale = !m.segmentation();
    if (m.pairScale) m.preprocess.normalise = Normalisation::None;
    return m;
}

ImagePairs simulatePairs(const ImageModel& model, int count, std::uint64_t seed) {
    SimOptions o;
    o.kind = kindFor(model.target);
    o.size = model.simulationSize;
    o.bands = model.bands;
    o.seed = seed;
    const std::vector<SimulatedGalaxy> galaxies = simulateGalaxies(o, 0, count);
    const std::vector<std::string> columns =
        model.target == "bulge-disk" ? std::vector<std::string>{"bulge", "disk"} : std::vector<std::string>{model.target};
    ImagePairs pairs;
    for (int i = 0; i < int(galaxies.size()); ++i) {
        const SimulatedGalaxy& g = galaxies[std::size_t(i)];
        Tensor x = preprocess(g.image, model.preprocess);
        std::vector<float> t;
        Shape ts;
        for (const std::string& c : columns) {
            const Tensor* found = nullptr;
            for (const auto& [name, image] : g.targets)
                if (name == c) found = &image;
            if (!found) throw Error("the simulator gave no '" + c + "' target image");
            const Tensor part = preprocessGeometry(*found, model.preprocess);
            t.insert(t.end(), part.data(), part.data() + part.size());
            ts = ts.empty() ? part.shape() : Shape{ts[0] + part.dim(0), ts[1], ts[2]};
        }
        Tensor y = Tensor::fromData(ts, t);
        if (model.pairScale) scaleImagePair(x, &y);
        if (i == 0) {
            pairs.inputs = Tensor::withBatch(int(galaxies.size()), x.shape());
            pairs.targets = Tensor::withBatch(int(galaxies.size()), y.shape());
        }
        std::copy_n(x.data(), x.size(), pairs.inputs.sample(i));
        std::copy_n(y.data(), y.size(), pairs.targets.sample(i));
    }
    return pairs;
}

ImagePairs pairsFromDataset(const Dataset& data, int maxCount) {
    if (data.targetShape().size() != 3)
        throw InputError("the dataset's targets have shape " + toString(data.targetShape()) + ", not images");
    std::vector<int> idx;
    for (int i = 0; i < std::min(maxCount, data.size()); ++i) idx.push_back(i);
    ImagePairs p;
    data.batch(idx, p.inputs, p.targets);
    return p;
}

ImageScores scoreImagePairs(Graph& graph, const ImageModel& model, const ImagePairs& pairs) {
    ImageScores s;
    const int n = pairs.inputs.batch();
    if (n == 0) return s;
    const Shape want = graph.inputShapes().at(0);
    if (pairs.inputs.sampleShape() != want)
        throw InputError("the images have shape " + toString(pairs.inputs.sampleShape()) + " but the model takes " +
                         toString(want));
    Tensor x;
    for (int start = 0; start < n; start += 16) {
        const int b = std::min(16, n - start);
        x.resize(Tensor::withBatch(b, want).shape());
        std::copy_n(pairs.inputs.sample(start), std::size_t(b) * pairs.inputs.sampleSize(), x.data());
        const Tensor& p = graph.forward(x, Mode::Inference);
        if (start == 0) s.predictions = Tensor::withBatch(n, p.sampleShape());
        std::copy_n(p.data(), p.size(), s.predictions.sample(start));
    }
    if (s.predictions.sampleShape() != pairs.targets.sampleShape())
        throw InputError("the model gives " + toString(s.predictions.sampleShape()) + " but the targets are " +
                         toString(pairs.targets.sampleShape()));
    s.mse = meanSquaredErrorPerSample(s.predictions, pairs.targets);
    if (model.segmentation()) {
        s.dice = dicePerImage(s.predictions, pairs.targets);
        for (int i = 0; i < n; ++i)
            s.iou.push_back(segmentationCounts(sampleAsBatch(s.predictions, i), sampleAsBatch(pairs.targets, i)).iou());
        s.score = s.dice;
        s.higherIsBetter = true;
        return s;
    }
    s.higherIsBetter = false;
    if (model.target == "bulge-disk") {
        s.btPredicted = firstHalfFluxRatio(s.predictions);
        s.btTrue = firstHalfFluxRatio(pairs.targets);
        for (int i = 0; i < n; ++i) s.score.push_back(std::abs(s.btPredicted[std::size_t(i)] - s.btTrue[std::size_t(i)]));
    } else {
        s.score = s.mse;
    }
    return s;
}

}  // namespace deepfield::app
