#pragma once
// Per-feature standardisation x' = (x − mean) / std with the training set's mean and
// population standard deviation (ddof 0, as scikit-learn's StandardScaler). A constant
// feature gets std 1 so it passes through centred instead of dividing by zero.
#include <vector>

#include "core/json.h"
#include "core/tensor.h"

namespace deepfield {

struct Standardizer {
    std::vector<double> mean, std;  // one per feature; empty = identity

    bool empty() const { return mean.empty(); }
    // x (N, F): fits mean and std per feature over the N rows (accumulated in double).
    static Standardizer fit(const Tensor& x);
    // x (N, F) in place. Throws ShapeError when F differs from the fitted feature count.
    void apply(Tensor& x) const;

    Json toJson() const;  // {"mean": [...], "std": [...]}
    static Standardizer fromJson(const Json& j);
};

}  // namespace deepfield
