#pragma once
// What the Image-to-image view evaluates, without any Qt: an image-to-image model (a U-Net
// segmenting clumps, a network splitting a galaxy into bulge and disk images, or another image
// regression) with the preprocessing it was trained with, a held-out set of simulated galaxies
// with their true target images, and the per-image scores (Dice / IoU, B/T, MSE).
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "data/dataset.h"
#include "data/preprocess.h"
#include "graph/graph.h"

namespace deepfield::app {

struct ImageModel {
    std::shared_ptr<Graph> graph;
    std::string name;
    std::string target = "mask";  // mask (segmentation), bulge-disk, central, sharp
    PreprocessSpec preprocess;    // inputs; targets get its geometry only
    bool pairScale = false;       // regression: input and target divided by the input's RMS (scaleImagePair)
    std::vector<std::string> bands{"g", "r", "i"};  // simulated bands before preprocessing
    int simulationSize = 64;
    bool segmentation() const { return target == "mask"; }
};

// The model of a run folder written by `deepfield-cli train --target mask|bulge-disk|central|sharp`.
// Throws InputError when the run has no image target.
ImageModel imageModelFromRun(const std::string& path);
// A network trained elsewhere (the studio): the target follows its output shape: 1 channel → mask,
// 2·C → bulge-disk, C → sharp; inputs per-image normalised for masks, pair-scaled otherwise.
ImageModel imageModelFromGraph(std::shared_ptr<Graph> graph, const std::string& name);

// Inputs (N, C, H, W) and targets (N, C', H, W) prepared as the model expects.
struct ImagePairs {
    Tensor inputs, targets;
};
// `count` galaxies of the simulator kind the target needs (clumps, bulge-disk, blends, deconvolution),
// seed `seed` (choose one the model did not train on).
ImagePairs simulatePairs(const ImageModel& model, int count, std::uint64_t seed);
// The pairs of any dataset whose targets are images (the Data panel's, when it carries them).
ImagePairs pairsFromDataset(const Dataset& data, int maxCount = 512);

struct ImageScores {
    Tensor predictions;              // (N, C', H, W), inference mode
    std::vector<double> dice, iou;   // segmentation, per image (threshold 0.5)
    std::vector<double> btTrue, btPredicted;  // bulge-disk
    std::vector<double> mse;         // per image, prediction vs target
    // The number browsed by: Dice for masks (higher is better), |ΔB/T| for bulge-disk and MSE
    // otherwise (lower is better).
    std::vector<double> score;
    bool higherIsBetter = true;
};
// Runs the model over the pairs (batches of 16) and scores every image.
ImageScores scoreImagePairs(Graph& graph, const ImageModel& model, const ImagePairs& pairs);

// Sample i of a batch as a batch of one: (1, ...).
Tensor sampleAsBatch(const Tensor& batch, int i);

}  // namespace deepfield::app
