#pragma once
// Metrics over whole prediction sets. pred (N, K) and target (N, ...) as for the losses.
#include <map>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace deepfield {

// Classification accuracy: argmax over K ≥ 2 scores (N, K[, H, W]) against integer labels
// (N[, 1, H, W]), per sample or per pixel; when there is one score per label (N, ...) each
// score is thresholded at `threshold` (0.5 for probabilities, 0 for logits).
double accuracy(const Tensor& pred, const Tensor& target, float threshold = 0.5f);
// counts[true][predicted]
std::vector<std::vector<int>> confusionMatrix(const Tensor& pred, const Tensor& target, int classes,
                                              float threshold = 0.5f);
double meanAbsoluteError(const Tensor& pred, const Tensor& target);
double rootMeanSquaredError(const Tensor& pred, const Tensor& target);
// Photometric-redshift quality with Δz = (z_pred − z_true)/(1 + z_true):
// NMAD = 1.4826·median(|Δz − median(Δz)|); outliers: share with |Δz| > 0.15.
double nmad(const Tensor& pred, const Tensor& target);
double outlierFraction(const Tensor& pred, const Tensor& target, double limit = 0.15);

// Computes the named metrics (accuracy, mae, rmse, nmad, outlier_fraction); unknown names throw.
std::map<std::string, double> computeMetrics(const std::vector<std::string>& names, const Tensor& pred,
                                             const Tensor& target, float threshold = 0.5f);

}  // namespace deepfield
