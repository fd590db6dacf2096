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
// Matched: r divided by a per-pixel noise model σ²(p) = s₀ + k·max(fit(p), 0) (sky plus the
// galaxy's own Poisson noise, which dominates the bright centre; s₀ from the faint half of the
// pixels, k from the brightest tenth, per image), smoothed with a Gaussian of about the PSF's
// width (σ 0.7 px) and summed over bands, then mean (z/MAD(z))²: a matched filter for faint
// extended features (trails, arcs) that per-pixel statistics bury in the noise.
// Combined: max of the rank fractions of sum and matched within the scored set (scores are
// relative to the set then: an image is unusual if either statistic ranks it high).
// Annulus (needs a reference set, see vaeNeighbourNormalisedScores): the residual summed over
// bands, smoothed like matched and squared, averaged in 1-px annuli around the stamp centre; the
// score is the largest ratio of an annulus's power to the mean power in that annulus of the k
// most similar reference galaxies. Each radius is judged against what the model leaves there
// for galaxies like this one: the clumps of an irregular inside, a ring or an arc outside.
enum class ResidualStatistic { SummedSquared, NoiseWeighted, Peak, Matched, Combined, Annulus };
// sum, chi2, peak, matched, combined, annulus
ResidualStatistic residualStatisticFromString(const std::string& name);
const char* toString(ResidualStatistic statistic);
std::vector<double> vaeResidualScores(VaeModel& model, const Dataset& data, ResidualStatistic statistic,
                                      int batchSize = 128);
// One image's statistic: x and fit (C, H, W) of the same shape; not for Combined (a set
// statistic) nor Annulus (relative to a reference set).
double residualStatistic(const Tensor& x, const Tensor& fit, ResidualStatistic statistic);
// Per element max over statistics of rank/n (ties share their mid-rank): in (0, 1].
std::vector<double> maxRankFraction(const std::vector<std::vector<double>>& statistics);

// Scores relative to galaxies like each image (a local outlier factor on the residual): each
// score divided by the mean reference score of its k nearest reference images in latent μ
// (Euclidean, exact). A clumpy irregular is then compared with other irregulars, whose
// reconstruction is as poor, and a faint ring on an elliptical with other ellipticals.
// latents (N, D), referenceLatents (M, D), referenceScores M values > 0; k is clamped to M.
std::vector<double> neighbourNormalisedScores(const std::vector<double>& scores, const Tensor& latents,
                                              const Tensor& referenceLatents,
                                              const std::vector<double>& referenceScores, int k);
// Smoothed residual power per 1-px annulus around ((H−1)/2, (W−1)/2), see Annulus: min(H, W)/2
// values, the corners counted in the outermost. x and fit (C, H, W) of one shape.
std::vector<double> residualAnnulusProfile(const Tensor& x, const Tensor& fit);
// Annulus scores: max over annuli a of profiles[i][a] / mean of the k nearest (in μ) reference
// images' referenceProfiles[j][a]. latents (N, D), referenceLatents (M, D).
std::vector<double> neighbourAnnulusScores(const std::vector<std::vector<double>>& profiles, const Tensor& latents,
                                           const Tensor& referenceLatents,
                                           const std::vector<std::vector<double>>& referenceProfiles, int k);
// vaeResidualScores of `data` normalised by those of `reference` (normal images, e.g. the
// training set) among each image's k nearest reference neighbours in μ. Combined: sum and
// matched are normalised each, then their max rank fraction within `data` is taken; Annulus:
// neighbourAnnulusScores of the residual profiles.
std::vector<double> vaeNeighbourNormalisedScores(VaeModel& model, const Dataset& data, const Dataset& reference,
                                                 ResidualStatistic statistic, int k = 20, int batchSize = 128);
// −critic(x) per image (inference mode).
std::vector<double> criticScores(Graph& critic, const Dataset& data, int batchSize = 128);

// Indices by decreasing score (ties keep index order).
std::vector<int> rankByScore(const std::vector<double>& scores);
// Area under the ROC curve of scores for positives (1) vs negatives (0), ties counted half
// (Mann–Whitney U / (n₁ n₀)). NaN when one class is absent.
double rocAuc(const std::vector<double>& scores, const std::vector<int>& positive);

}  // namespace deepfield
