#pragma once
// Anomaly scores per image (higher = more unusual), their ranking and the ROC AUC against
// known oddballs: the VAE's reconstruction error (an image unlike the training set is rebuilt
// badly) and the WGAN critic (an image unlike the training set gets a low critic value).
#include <string>
#include <vector>

#include "data/dataset.h"
#include "generative/vae.h"
#include "graph/graph.h"

namespace deepfield {

// Summed squared (or BCE) reconstruction error of decode(μ(x)) per image of `data` (inputs scaled as in training).
std::vector<double> vaeReconstructionScores(VaeModel& model, const Dataset& data,
                                            ReconstructionLoss kind = ReconstructionLoss::SummedMse, int batchSize = 128);
// Residual statistics of r = x − decode(μ(x)) per image, all channels together. The summed
// squared error grows with the image's noise (faint galaxies scaled to peak 1 are noisy), so
// the other two divide r by the image's own noise σ = 1.4826·MAD(r), robust to the few pixels
// an oddball adds: noise-weighted = mean (r/σ)² (≈ 1 for a perfect fit), peak = max |r|/σ.
enum class ResidualStatistic { SummedSquared, NoiseWeighted, Peak };
ResidualStatistic residualStatisticFromString(const std::string& name);  // sum, chi2, peak
const char* toString(ResidualStatistic statistic);
std::vector<double> vaeResidualScores(VaeModel& model, const Dataset& data, ResidualStatistic statistic,
                                      int batchSize = 128);
// −critic(x) per image (inference mode).
std::vector<double> criticScores(Graph& critic, const Dataset& data, int batchSize = 128);

// Indices by decreasing score (ties keep index order).
std::vector<int> rankByScore(const std::vector<double>& scores);
// Area under the ROC curve of scores for positives (1) vs negatives (0), ties counted half
// (Mann–Whitney U / (n₁ n₀)). NaN when one class is absent.
double rocAuc(const std::vector<double>& scores, const std::vector<int>& positive);

}  // namespace deepfield
