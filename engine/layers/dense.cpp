#include "layers/dense.h"

#include <algorithm>
#include <cmath>

#include "layers/registry.h"

namespace deepfield {

Dense::Dense(int units, bool useBias, Initializer kernelInit, Initializer biasInit)
    : units_(units), useBias_(useBias), kernelInit_(kernelInit), biasInit_(biasInit) {}

Json Dense::config() const {
    return Json{{"units", units_},
                {"use_bias", useBias_},
                {"kernel_initializer", kernelInit_.toJson()},
                {"bias_initializer", biasInit_.toJson()}};
}

Shape Dense::outputShape(const Shape& input) const {
    if (units_ < 1) throwShapeError(type(), {input}, "units must be at least 1, got " + std::to_string(units_));
    if (input.size() != 1)
        throwShapeError(type(), {input}, "expects a flat vector of features; add a Flatten layer before it");
    return {units_};
}

void Dense::build(const Shape& input) {
    kernel_ = Tensor({units_, input[0]});
    kernelGrad_ = Tensor({units_, input[0]});
    if (useBias_) {
        bias_ = Tensor({units_});
        biasGrad_ = Tensor({units_});
    }
}

void Dense::reset(Rng& rng, const InitHint& hint) {
    kernelInit_.apply(kernel_, kernel_.dim(1), units_, rng, hint.reluFollows);
    if (useBias_) biasInit_.apply(bias_, kernel_.dim(1), units_, rng, false);
}

namespace {
// Large products are split into fixed blocks of rows, one Eigen product each, handed out to the
// OpenMP threads dynamically. Eigen's own parallel GEMM would otherwise run them, and its threads
// spin on each other's packed blocks: on a busy machine a descheduled thread stalls the other.
// Fixed blocks (independent of the thread count) also fix the rounding of every result.
// A block holds at least kMinRows rows and about kBlockFlops multiply-adds.
constexpr double kParallelMinFlops = 1 << 18;
constexpr double kBlockFlops = 1 << 17;
constexpr int kMinRows = 8;

template <class F>
void forRowBlocks(int rows, double flops, F f) {
    const double perRow = flops / std::max(rows, 1);
    const int block = std::max(kMinRows, int(std::ceil(kBlockFlops / std::max(perRow, 1.0))));
    const int blocks = (rows + block - 1) / block;
    if (blocks < 2 || flops < kParallelMinFlops) {
        f(0, rows);
        return;
    }
#pragma omp parallel for schedule(dynamic, 1)
    for (int b = 0; b < blocks; ++b) f(b * block, std::min(block, rows - b * block));
}
}  // namespace

void Dense::forward(const Tensor& x, Tensor& y, Mode) {
    const int N = x.batch();
    y.resize({N, units_});
    auto Y = y.matrix();
    const auto X = x.matrix();
    const auto W = kernel_.matrix();
    forRowBlocks(N, double(N) * W.rows() * W.cols(), [&](int r, int n) {
        auto Yb = Y.middleRows(r, n);
        Yb.noalias() = X.middleRows(r, n) * W.transpose();
        if (useBias_) Yb.rowwise() += bias_.vec().transpose();
    });
}

void Dense::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) {
    const auto dY = dy.matrix();
    const auto X = x.matrix();
    const double flops = double(x.batch()) * kernel_.size();
    // Each kernel row is one unit's sum over the batch: blocks of units never share a sum.
    auto dW = kernelGrad_.matrix();
    forRowBlocks(units_, flops, [&](int r, int n) {
        dW.middleRows(r, n).noalias() += dY.middleCols(r, n).transpose() * X;
    });
    if (useBias_) biasGrad_.vec() += dY.colwise().sum().transpose();
    if (dx) {
        dx->resizeLike(x);
        auto dX = dx->matrix();
        const auto W = kernel_.matrix();
        forRowBlocks(x.batch(), flops, [&](int r, int n) { dX.middleRows(r, n).noalias() = dY.middleRows(r, n) * W; });
    }
}

std::vector<Param> Dense::parameters() {
    std::vector<Param> p{{"kernel", &kernel_, &kernelGrad_}};
    if (useBias_) p.push_back({"bias", &bias_, &biasGrad_});
    return p;
}

}  // namespace deepfield
