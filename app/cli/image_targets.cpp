#include "image_targets.h"

#include <cmath>
#include <filesystem>

#include "args.h"
#include "image_target_kinds.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "data/preprocess_json.h"
#include "run_dir.h"
#include "train/segmentation.h"

namespace deepfield::cli {

namespace fs = std::filesystem;

bool isImageTargetName(const std::string& t) { return findImageTarget(t) != nullptr; }

std::vector<std::string> imageTargetColumns(const std::string& t) {
    if (const ImageTargetKind* k = findImageTarget(t)) return k->columns;
    throw UsageError("--target '" + t + "' is not an image target; use mask, bulge-disk, central or sharp");
}

bool isSegmentationTarget(const std::string& t) {
    const ImageTargetKind* k = findImageTarget(t);
    return k && k->segmentation;
}

ImagePairDataset::ImagePairDataset(const std::string& folder, const std::string& target, ImageFolderOptions o,
                                   const LoadProgress& progress)
    : target_(target), segmentation_(isSegmentationTarget(target)) {
    if (!segmentation_) {
        if (o.preprocess.stretch != StretchKind::Linear)
            throw UsageError("--target " + target + " is a regression of images: input and target must stay in the "
                             "same units, so --stretch must be linear");
        o.preprocess.normalise = Normalisation::None;  // scaleImagePair does it for both
    }
    o.labelColumn.clear();
    o.targetColumns.clear();
    for (const std::string& column : imageTargetColumns(target)) {
        ImageFolderOptions part = o;
        part.imageTargetColumn = column;
        try {
            parts_.push_back(std::make_shared<ImageFolderDataset>(folder, part, parts_.empty() ? progress : LoadProgress{}));
        } catch (const InputError& e) {
            const std::string what = e.what();
            if (what.find("no column") != std::string::npos || what.find("'" + column + "'") != std::string::npos)
                throw InputError("'" + folder + "' has no '" + column + "' images for --target " + target +
                                 " (make the folder with 'deepfield-cli simulate --kind " +
                                 findImageTarget(target)->simKind + "'): " + what);
            throw;
        }
    }
    targetShape_ = parts_.front()->targetShape();
    for (std::size_t k = 1; k < parts_.size(); ++k) {
        const Shape s = parts_[k]->targetShape();
        if (s.size() != 3 || s[1] != targetShape_[1] || s[2] != targetShape_[2] || parts_[k]->size() != size())
            throw InputError("'" + folder + "': the target images do not match each other in size");
        targetShape_[0] += s[0];
    }
    const Shape in = inputShape();
    if (targetShape_.size() != 3 || targetShape_[1] != in[1] || targetShape_[2] != in[2])
        throw InputError("'" + folder + "': target images " + toString(targetShape_) + " and inputs " + toString(in) +
                         " differ in height or width");
}

void ImagePairDataset::batch(const std::vector<int>& indices, Tensor& x, Tensor& y) const {
    const int B = int(indices.size());
    Tensor xk, yk;
    y.resize(Tensor::withBatch(B, targetShape_).shape());
    std::size_t offset = 0;
    for (std::size_t k = 0; k < parts_.size(); ++k) {
        parts_[k]->batch(indices, k == 0 ? x : xk, yk);
        const std::size_t n = yk.sampleSize();
        for (int b = 0; b < B; ++b) std::copy_n(yk.sample(b), n, y.sample(b) + offset);
        offset += n;
    }
    if (segmentation_) return;
    for (int b = 0; b < B; ++b) {
        Tensor xs = Tensor::fromData(inputShape(), std::vector<float>(x.sample(b), x.sample(b) + x.sampleSize()));
        Tensor ys = Tensor::fromData(targetShape_, std::vector<float>(y.sample(b), y.sample(b) + y.sampleSize()));
        scaleImagePair(xs, &ys);
        std::copy_n(xs.data(), xs.size(), x.sample(b));
        std::copy_n(ys.data(), ys.size(), y.sample(b));
    }
}

Json imagePreprocessingJson(const ImageFolderOptions& o, const std::string& target, const std::string& task,
                            const Shape& inputShape) {
    const PreprocessSpec& p = o.preprocess;
    Json j{{"input", "image_folder"},
           {"target", target},
           {"task", task},
           {"crop", p.crop},
           {"image_size", p.imageSize},
           {"grey", p.grey},
           {"channels", p.channels},
           {"stretch", toString(p.stretch)},
           {"normalise", toString(p.normalise)},
           {"input_shape", inputShape}};
    if (task != "classification") {
        j["target_columns"] = imageTargetColumns(target);
        if (task == "image") j["pair_scale"] = "input_rms";  // scaleImagePair on input and target
    }
    return j;
}

ImageFolderOptions imageFolderOptionsFromJson(const Json& pre) {
    ImageFolderOptions o;
    try {
        o.preprocess = preprocessSpecFromJson(pre);
        if (pre.value("task", std::string()) == "classification") {
            o.labelColumn = pre.value("target", std::string());
            o.classes = pre.at("classes").get<std::vector<std::string>>();
        }
    } catch (const Json::exception& e) {
        throw InputError(std::string("the run's preprocessing block is incomplete: ") + e.what());
    }
    return o;
}

Json imageEvaluationJson(Graph& graph, const Dataset& data, const std::string& target) {
    const int n = data.size();
    const bool seg = isSegmentationTarget(target);
    SegmentationCounts counts;
    double diceSum = 0, se = 0, ae = 0, seInput = 0, values = 0;
    bool compareInput = true;
    std::vector<double> btPred, btTrue;
    Tensor x, y;
    for (int start = 0; start < n; start += 64) {
        std::vector<int> idx;
        for (int i = start; i < std::min(n, start + 64); ++i) idx.push_back(i);
        data.batch(idx, x, y);
        const Tensor& p = graph.forward(x, Mode::Inference);
        if (p.size() != y.size())
            throw InputError("the network gives outputs " + toString(p.sampleShape()) + " but the targets are " +
                             toString(y.sampleShape()));
        if (seg) {
            const SegmentationCounts c = segmentationCounts(p, y);
            counts.tp += c.tp, counts.fp += c.fp, counts.fn += c.fn, counts.tn += c.tn;
            for (double d : dicePerImage(p, y)) diceSum += d;
            continue;
        }
        compareInput = compareInput && x.sampleShape() == y.sampleShape();
        for (std::size_t i = 0; i < p.size(); ++i) {
            const double d = double(p[i]) - y[i];
            se += d * d;
            ae += std::abs(d);
            if (compareInput) seInput += (double(x[i]) - y[i]) * (double(x[i]) - y[i]);
        }
        values += double(p.size());
        if (target == "bulge-disk") {
            for (double v : firstHalfFluxRatio(p)) btPred.push_back(v);
            for (double v : firstHalfFluxRatio(y)) btTrue.push_back(v);
        }
    }
    Json j{{"task", seg ? "segmentation" : "image"}, {"target", target}, {"n", n}};
    if (seg) {
        j["dice"] = counts.dice();
        j["iou"] = counts.iou();
        j["pixel_accuracy"] = counts.pixelAccuracy();
        j["dice_per_image_mean"] = n ? diceSum / n : NAN;
        return j;
    }
    j["mse"] = se / values;
    j["mae"] = ae / values;
    if (compareInput) {
        j["mse_input"] = seInput / values;
        j["mse_ratio"] = se / seInput;  // < 0.5: the output is at least twice as close to the truth
    }
    if (target == "bulge-disk") {
        j["bt_pearson_r"] = pearson(btPred, btTrue);
        double s = 0;
        int k = 0;
        for (std::size_t i = 0; i < btPred.size(); ++i)
            if (std::isfinite(btPred[i]) && std::isfinite(btTrue[i])) s += std::abs(btPred[i] - btTrue[i]), ++k;
        j["bt_mae"] = k ? s / k : NAN;
    }
    return j;
}

bool isImageRun(const Json& model) {
    return model.contains("preprocessing") && model["preprocessing"].value("input", "") == "image_folder";
}

Json evaluateImageRun(const std::string& runPath, const std::string& dataPath) {
    const std::string modelPath = (fs::path(runPath) / "model.json").string();
    const Json model = Json::parse(readFile(modelPath));
    const Json& pre = model.at("preprocessing");
    const std::string task = pre.value("task", std::string());
    if (!fs::exists(fs::path(dataPath) / "labels.csv"))
        throw InputError("--data '" + dataPath + "' must be an image folder with labels.csv: the run '" + runPath +
                         "' was trained on images");
    Graph graph = Graph::fromJson(model);
    graph.build();
    graph.loadWeights((fs::path(runPath) / "weights.safetensors").string());
    const ImageFolderOptions options = imageFolderOptionsFromJson(pre);
    if (task == "classification") {
        const ImageFolderDataset data(dataPath, options);
        TableSpec spec;
        spec.task = task;
        spec.target = data.labelColumn();
        spec.classes = options.classes;
        return evaluationJson(graph, data, spec);
    }
    const ImagePairDataset data(dataPath, pre.at("target").get<std::string>(), options);
    if (data.inputShape() != graph.inputShapes().at(0))
        throw InputError("--data '" + dataPath + "' gives images of shape " + toString(data.inputShape()) +
                         ", the run was trained on " + toString(graph.inputShapes().at(0)));
    return imageEvaluationJson(graph, data, pre.at("target").get<std::string>());
}

}  // namespace deepfield::cli
