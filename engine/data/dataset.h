#pragma once
// Datasets hand out batches by sample index. In-memory tensors now; image folders,
// FITS cubes and the simulator implement the same interface.
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace deepfield {

class Dataset {
public:
    virtual ~Dataset() = default;
    virtual int size() const = 0;
    virtual Shape inputShape() const = 0;
    virtual Shape targetShape() const = 0;
    // Fills x (B, input...) and y (B, target...) for the given sample indices.
    virtual void batch(const std::vector<int>& indices, Tensor& x, Tensor& y) const = 0;
    // Called by the trainer before each epoch; augmenting datasets reseed from it.
    virtual void beginEpoch(int /*epoch*/) const {}
};

// Inputs (N, ...) and targets (N, ...) held in memory.
class TensorDataset : public Dataset {
public:
    TensorDataset(Tensor inputs, Tensor targets);
    int size() const override { return inputs_.batch(); }
    Shape inputShape() const override { return inputs_.sampleShape(); }
    Shape targetShape() const override { return targets_.sampleShape(); }
    void batch(const std::vector<int>& indices, Tensor& x, Tensor& y) const override;
    const Tensor& inputs() const { return inputs_; }
    const Tensor& targets() const { return targets_; }

private:
    Tensor inputs_, targets_;
};

// A view on some samples of another dataset (train/validation splits).
class SubsetDataset : public Dataset {
public:
    SubsetDataset(std::shared_ptr<const Dataset> base, std::vector<int> indices);
    int size() const override { return int(indices_.size()); }
    Shape inputShape() const override { return base_->inputShape(); }
    Shape targetShape() const override { return base_->targetShape(); }
    void batch(const std::vector<int>& indices, Tensor& x, Tensor& y) const override;
    void beginEpoch(int epoch) const override { base_->beginEpoch(epoch); }
    const std::vector<int>& indices() const { return indices_; }

private:
    std::shared_ptr<const Dataset> base_;
    std::vector<int> indices_;
};

// Splits 0..n-1 into (first, second) with `fraction` of the samples in the second part,
// after a shuffle by seed. With labels given, the split is stratified by class.
std::pair<std::vector<int>, std::vector<int>> splitIndices(int n, double fraction, std::uint64_t seed,
                                                           const std::vector<int>& labels = {});

}  // namespace deepfield
