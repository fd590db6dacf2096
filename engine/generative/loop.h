#pragma once
// Shared pieces of the generative training loops (VAE, GAN, WGAN, pix2pix): the trainer's
// loops' parameters and image scaling (the pause protocol and snapshots are in train/run_control.h).
#include <vector>

#include "data/dataset.h"
#include "graph/graph.h"
#include "train/run_control.h"
#include "train/trainer.h"

namespace deepfield {

// Parameters of several graphs in a stable order (one optimizer for an encoder + decoder).
std::vector<Param> parametersOf(const std::vector<Graph*>& graphs);

// How images enter a generative model: per image, the median (sky) → 0 and the peak → 1, clipped
// to [0, 1] (sigmoid decoders) or mapped to [−1, 1] (tanh generators). Per image, so a bright and a
// faint galaxy look alike and the sky level or noise does not become what the model learns.
enum class ScaleRange { Unit, Symmetric };
void scaleImages(Tensor& images, ScaleRange range);  // (N, C, H, W) in place

// A dataset whose inputs are the scaled images of another; targets pass through.
class ScaledDataset : public Dataset {
public:
    ScaledDataset(std::shared_ptr<const Dataset> base, ScaleRange range) : base_(std::move(base)), range_(range) {}
    int size() const override { return base_->size(); }
    Shape inputShape() const override { return base_->inputShape(); }
    Shape targetShape() const override { return base_->targetShape(); }
    void batch(const std::vector<int>& indices, Tensor& x, Tensor& y) const override {
        base_->batch(indices, x, y);
        scaleImages(x, range_);
    }
    void beginEpoch(int e) const override { base_->beginEpoch(e); }

private:
    std::shared_ptr<const Dataset> base_;
    ScaleRange range_;
};

// All inputs (and targets) of a dataset in memory: (N, ...).
void loadAll(const Dataset& data, Tensor& inputs, Tensor& targets, int batchSize = 256);

// Stable indices of a shuffled epoch and its batches.
std::vector<std::vector<int>> epochBatches(int n, int batchSize, bool shuffle, Rng& rng);

}  // namespace deepfield
