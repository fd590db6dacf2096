#include "data/dataset.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.h"
#include "core/rng.h"

namespace deepfield {

TensorDataset::TensorDataset(Tensor inputs, Tensor targets) : inputs_(std::move(inputs)), targets_(std::move(targets)) {
    if (inputs_.batch() != targets_.batch())
        throw ShapeError("dataset: " + std::to_string(inputs_.batch()) + " inputs but " +
                         std::to_string(targets_.batch()) + " targets");
}

namespace {
void gather(const Tensor& src, const std::vector<int>& indices, Tensor& dst) {
    std::vector<int> shape = src.shape();
    shape[0] = int(indices.size());
    dst.resize(shape);
    const std::size_t n = src.sampleSize();
    for (std::size_t b = 0; b < indices.size(); ++b) {
        if (indices[b] < 0 || indices[b] >= src.batch()) throw Error("dataset: sample index out of range");
        std::copy_n(src.sample(indices[b]), n, dst.data() + b * n);
    }
}
}  // namespace

void TensorDataset::batch(const std::vector<int>& indices, Tensor& x, Tensor& y) const {
    gather(inputs_, indices, x);
    gather(targets_, indices, y);
}

SubsetDataset::SubsetDataset(std::shared_ptr<const Dataset> base, std::vector<int> indices)
    : base_(std::move(base)), indices_(std::move(indices)) {}

void SubsetDataset::batch(const std::vector<int>& indices, Tensor& x, Tensor& y) const {
    std::vector<int> mapped(indices.size());
    for (std::size_t i = 0; i < indices.size(); ++i) mapped[i] = indices_.at(std::size_t(indices[i]));
    base_->batch(mapped, x, y);
}

std::pair<std::vector<int>, std::vector<int>> splitIndices(int n, double fraction, std::uint64_t seed,
                                                           const std::vector<int>& labels) {
    Rng rng(seed);
    const std::vector<int> perm = rng.permutation(n);
    std::vector<int> first, second;
    if (labels.empty()) {
        const int m = int(std::lround(fraction * n));
        second.assign(perm.begin(), perm.begin() + m);
        first.assign(perm.begin() + m, perm.end());
    } else {
        std::map<int, std::vector<int>> byClass;
        for (int i : perm) byClass[labels.at(std::size_t(i))].push_back(i);
        for (auto& [label, idx] : byClass) {
            const int m = int(std::lround(fraction * double(idx.size())));
            second.insert(second.end(), idx.begin(), idx.begin() + m);
            first.insert(first.end(), idx.begin() + m, idx.end());
        }
    }
    std::sort(first.begin(), first.end());
    std::sort(second.begin(), second.end());
    return {first, second};
}

}  // namespace deepfield
