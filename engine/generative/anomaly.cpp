#include "generative/anomaly.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "generative/latent.h"

namespace deepfield {

std::vector<double> vaeReconstructionScores(VaeModel& model, const Dataset& data, ReconstructionLoss kind,
                                            int batchSize) {
    std::vector<double> scores, per;
    Tensor x, y;
    for (int s = 0; s < data.size(); s += batchSize) {
        std::vector<int> idx;
        for (int i = s; i < std::min(data.size(), s + batchSize); ++i) idx.push_back(i);
        data.batch(idx, x, y);
        const Tensor& r = model.reconstruct(x);
        reconstructionLoss(kind, r, x, nullptr, &per);
        scores.insert(scores.end(), per.begin(), per.end());
    }
    return scores;
}

ResidualStatistic residualStatisticFromString(const std::string& name) {
    if (name == "sum") return ResidualStatistic::SummedSquared;
    if (name == "chi2") return ResidualStatistic::NoiseWeighted;
    if (name == "peak") return ResidualStatistic::Peak;
    if (name == "matched") return ResidualStatistic::Matched;
    if (name == "combined") return ResidualStatistic::Combined;
    if (name == "annulus") return ResidualStatistic::Annulus;
    throw InputError("unknown residual statistic '" + name + "': use sum, chi2, peak, matched, combined or annulus");
}

const char* toString(ResidualStatistic statistic) {
    switch (statistic) {
        case ResidualStatistic::SummedSquared: return "sum";
        case ResidualStatistic::NoiseWeighted: return "chi2";
        case ResidualStatistic::Peak: return "peak";
        case ResidualStatistic::Matched: return "matched";
        case ResidualStatistic::Combined: return "combined";
        case ResidualStatistic::Annulus: return "annulus";
    }
    return "sum";
}

namespace {
double median(std::vector<double>& v) {
    const auto mid = v.begin() + std::ptrdiff_t(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

double percentile(std::vector<double> v, double q) {
    const auto k = v.begin() + std::ptrdiff_t(q * double(v.size() - 1));
    std::nth_element(v.begin(), k, v.end());
    return *k;
}

// Separable Gaussian smoothing of one (h, w) plane, mirrored at the edges (d c b a | a b c d).
void smoothPlane(std::vector<double>& plane, int h, int w, double sigma) {
    const int radius = int(std::ceil(4.0 * sigma));
    std::vector<double> kernel(std::size_t(2 * radius + 1)), tmp(plane.size());
    double total = 0.0;
    for (int k = -radius; k <= radius; ++k) total += kernel[std::size_t(k + radius)] = std::exp(-0.5 * k * k / (sigma * sigma));
    for (double& v : kernel) v /= total;
    auto mirror = [](int i, int n) {
        while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
        return i;
    };
    for (int i = 0; i < h; ++i)
        for (int j = 0; j < w; ++j) {
            double s = 0.0;
            for (int k = -radius; k <= radius; ++k) s += kernel[std::size_t(k + radius)] * plane[std::size_t(i) * w + mirror(j + k, w)];
            tmp[std::size_t(i) * w + j] = s;
        }
    for (int i = 0; i < h; ++i)
        for (int j = 0; j < w; ++j) {
            double s = 0.0;
            for (int k = -radius; k <= radius; ++k) s += kernel[std::size_t(k + radius)] * tmp[std::size_t(mirror(i + k, h)) * w + j];
            plane[std::size_t(i) * w + j] = s;
        }
}

// See ResidualStatistic::Matched. x, fit: (C, H, W).
double matchedScore(const float* x, const float* fit, int channels, int h, int w) {
    const std::size_t n = std::size_t(channels) * h * w, plane = std::size_t(h) * w;
    std::vector<double> r(n), f(fit, fit + n);
    for (std::size_t i = 0; i < n; ++i) r[i] = double(x[i]) - fit[i];
    const double faint = percentile(f, 0.5), bright = percentile(f, 0.9);
    std::vector<double> absFaint, sqBright, fitBright;
    for (std::size_t i = 0; i < n; ++i) {
        if (f[i] < faint) absFaint.push_back(std::abs(r[i]));
        if (f[i] > bright) sqBright.push_back(r[i] * r[i]), fitBright.push_back(f[i]);
    }
    double s0 = absFaint.empty() ? 0.0 : std::pow(1.4826 * median(absFaint), 2);
    s0 = std::max(s0, 1e-12);
    // 0.455 = the median of χ² with one degree of freedom: median(r²) ≈ 0.455 σ².
    double k = 0.0;
    if (!sqBright.empty()) k = std::max(0.0, (median(sqBright) / 0.455 - s0) / std::max(median(fitBright), 1e-6));
    std::vector<double> sum(plane, 0.0), z(plane);
    for (int c = 0; c < channels; ++c) {
        for (std::size_t p = 0; p < plane; ++p) {
            const std::size_t i = std::size_t(c) * plane + p;
            z[p] = r[i] / std::sqrt(s0 + k * std::max(f[i], 0.0));
        }
        smoothPlane(z, h, w, 0.7);
        for (std::size_t p = 0; p < plane; ++p) sum[p] += z[p];
    }
    std::vector<double> a(plane);
    for (std::size_t p = 0; p < plane; ++p) a[p] = std::abs(sum[p]);
    const double scale = std::max(1.4826 * median(a), 1e-12);
    double chi2 = 0.0;
    for (double v : sum) chi2 += (v / scale) * (v / scale);
    return chi2 / double(plane);
}

double residualScore(const float* x, const float* fit, std::size_t n, ResidualStatistic statistic) {
    std::vector<double> r(n), a(n);
    double sumSq = 0.0;
    for (std::size_t i = 0; i < n; ++i) r[i] = double(x[i]) - fit[i], sumSq += r[i] * r[i];
    if (statistic == ResidualStatistic::SummedSquared) return sumSq;
    std::vector<double> tmp = r;
    const double centre = median(tmp);
    for (std::size_t i = 0; i < n; ++i) a[i] = std::abs(r[i] - centre);
    const double sigma = std::max(1.4826 * median(a), 1e-6);
    if (statistic == ResidualStatistic::Peak) {
        double peak = 0.0;
        for (double v : r) peak = std::max(peak, std::abs(v));
        return peak / sigma;
    }
    return sumSq / (sigma * sigma * double(n));
}
}  // namespace

double residualStatistic(const Tensor& x, const Tensor& fit, ResidualStatistic statistic) {
    if (x.rank() != 3 || x.shape() != fit.shape())
        throw ShapeError("residual statistic: image and fit must be (C, H, W) of one shape, not " + toString(x.shape()) +
                         " and " + toString(fit.shape()));
    if (statistic == ResidualStatistic::Combined) throw InputError("the combined statistic ranks a whole set, not one image");
    if (statistic == ResidualStatistic::Annulus)
        throw InputError("the annulus statistic compares with reference galaxies: use vaeNeighbourNormalisedScores");
    return statistic == ResidualStatistic::Matched ? matchedScore(x.data(), fit.data(), x.dim(0), x.dim(1), x.dim(2))
                                                   : residualScore(x.data(), fit.data(), x.size(), statistic);
}

std::vector<double> vaeResidualScores(VaeModel& model, const Dataset& data, ResidualStatistic statistic, int batchSize) {
    if (statistic == ResidualStatistic::Annulus)
        throw InputError("the annulus statistic compares with reference galaxies: give a reference set");
    if (statistic == ResidualStatistic::Combined)
        return maxRankFraction({vaeResidualScores(model, data, ResidualStatistic::SummedSquared, batchSize),
                                vaeResidualScores(model, data, ResidualStatistic::Matched, batchSize)});
    std::vector<double> scores;
    Tensor x, y;
    for (int s = 0; s < data.size(); s += batchSize) {
        std::vector<int> idx;
        for (int i = s; i < std::min(data.size(), s + batchSize); ++i) idx.push_back(i);
        data.batch(idx, x, y);
        const Tensor& r = model.reconstruct(x);
        if (x.rank() != 4) throw ShapeError("residual scores need images (N, C, H, W), not " + toString(x.shape()));
        for (int i = 0; i < x.batch(); ++i)
            scores.push_back(statistic == ResidualStatistic::Matched
                                 ? matchedScore(x.sample(i), r.sample(i), x.dim(1), x.dim(2), x.dim(3))
                                 : residualScore(x.sample(i), r.sample(i), x.sampleSize(), statistic));
    }
    return scores;
}

namespace {
// Indices of the k nearest reference rows (squared Euclidean distance, ties by index) per row of
// latents; checks shapes and counts.
std::vector<std::vector<int>> nearestReference(const Tensor& latents, const Tensor& referenceLatents,
                                               std::size_t count, std::size_t referenceCount, int k) {
    if (latents.rank() != 2 || referenceLatents.rank() != 2 || latents.dim(1) != referenceLatents.dim(1))
        throw ShapeError("neighbour normalisation: latents (N, D) and reference latents (M, D) of one D, not " +
                         toString(latents.shape()) + " and " + toString(referenceLatents.shape()));
    const int n = latents.dim(0), m = referenceLatents.dim(0), d = latents.dim(1);
    if (int(count) != n || int(referenceCount) != m)
        throw InputError("neighbour normalisation: " + std::to_string(count) + " scores for " + std::to_string(n) +
                         " latents, " + std::to_string(referenceCount) + " reference scores for " +
                         std::to_string(m) + " reference latents");
    if (m == 0) throw InputError("neighbour normalisation: the reference set is empty");
    if (k < 1) throw InputError("neighbour normalisation: k must be at least 1, not " + std::to_string(k));
    k = std::min(k, m);
    std::vector<std::vector<int>> out(static_cast<std::size_t>(n));
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; ++i) {
        std::vector<std::pair<double, int>> dist(static_cast<std::size_t>(m));
        const float* a = latents.sample(i);
        for (int j = 0; j < m; ++j) {
            const float* b = referenceLatents.sample(j);
            double s = 0.0;
            for (int c = 0; c < d; ++c) s += double(a[c] - b[c]) * double(a[c] - b[c]);
            dist[std::size_t(j)] = {s, j};  // ties broken by index: reproducible
        }
        std::partial_sort(dist.begin(), dist.begin() + k, dist.end());
        for (int j = 0; j < k; ++j) out[std::size_t(i)].push_back(dist[std::size_t(j)].second);
    }
    return out;
}

// See residualAnnulusProfile. x, fit: (C, H, W).
std::vector<double> annulusProfile(const float* x, const float* fit, int channels, int h, int w) {
    const std::size_t plane = std::size_t(h) * w;
    std::vector<double> sum(plane, 0.0);
    for (int c = 0; c < channels; ++c)
        for (std::size_t p = 0; p < plane; ++p) sum[p] += double(x[std::size_t(c) * plane + p]) - fit[std::size_t(c) * plane + p];
    smoothPlane(sum, h, w, 0.7);  // smoothing is linear: the sum of the bands' smoothed residuals
    const int annuli = std::max(1, std::min(h, w) / 2);
    std::vector<double> power(std::size_t(annuli), 0.0), count(std::size_t(annuli), 0.0);
    for (int y = 0; y < h; ++y)
        for (int xx = 0; xx < w; ++xx) {
            const double radius = std::hypot(xx - 0.5 * (w - 1), y - 0.5 * (h - 1));
            const std::size_t a = std::size_t(std::min(int(radius), annuli - 1));
            const double v = sum[std::size_t(y) * w + xx];
            power[a] += v * v, count[a] += 1;
        }
    for (std::size_t a = 0; a < power.size(); ++a) power[a] /= std::max(count[a], 1.0);
    return power;
}

std::vector<std::vector<double>> vaeAnnulusProfiles(VaeModel& model, const Dataset& data, int batchSize) {
    std::vector<std::vector<double>> profiles;
    Tensor x, y;
    for (int s = 0; s < data.size(); s += batchSize) {
        std::vector<int> idx;
        for (int i = s; i < std::min(data.size(), s + batchSize); ++i) idx.push_back(i);
        data.batch(idx, x, y);
        if (x.rank() != 4) throw ShapeError("residual scores need images (N, C, H, W), not " + toString(x.shape()));
        const Tensor& r = model.reconstruct(x);
        for (int i = 0; i < x.batch(); ++i) profiles.push_back(annulusProfile(x.sample(i), r.sample(i), x.dim(1), x.dim(2), x.dim(3)));
    }
    return profiles;
}
}  // namespace

std::vector<double> neighbourNormalisedScores(const std::vector<double>& scores, const Tensor& latents,
                                              const Tensor& referenceLatents,
                                              const std::vector<double>& referenceScores, int k) {
    const auto nearest = nearestReference(latents, referenceLatents, scores.size(), referenceScores.size(), k);
    std::vector<double> out(scores.size());
    for (std::size_t i = 0; i < scores.size(); ++i) {
        double mean = 0.0;
        for (int j : nearest[i]) mean += referenceScores[std::size_t(j)];
        mean /= double(nearest[i].size());
        out[i] = scores[i] / std::max(mean, 1e-12);
    }
    return out;
}

std::vector<double> residualAnnulusProfile(const Tensor& x, const Tensor& fit) {
    if (x.rank() != 3 || x.shape() != fit.shape())
        throw ShapeError("annulus profile: image and fit must be (C, H, W) of one shape, not " + toString(x.shape()) +
                         " and " + toString(fit.shape()));
    return annulusProfile(x.data(), fit.data(), x.dim(0), x.dim(1), x.dim(2));
}

std::vector<double> neighbourAnnulusScores(const std::vector<std::vector<double>>& profiles, const Tensor& latents,
                                           const Tensor& referenceLatents,
                                           const std::vector<std::vector<double>>& referenceProfiles, int k) {
    const auto nearest = nearestReference(latents, referenceLatents, profiles.size(), referenceProfiles.size(), k);
    std::vector<double> out(profiles.size());
    for (std::size_t i = 0; i < profiles.size(); ++i) {
        double worst = 0.0;
        for (std::size_t a = 0; a < profiles[i].size(); ++a) {
            double mean = 0.0;
            for (int j : nearest[i]) {
                if (referenceProfiles[std::size_t(j)].size() != profiles[i].size())
                    throw InputError("annulus scores: reference profiles differ in length from the images' (another image size?)");
                mean += referenceProfiles[std::size_t(j)][a];
            }
            mean /= double(nearest[i].size());
            worst = std::max(worst, profiles[i][a] / std::max(mean, 1e-12));
        }
        out[i] = worst;
    }
    return out;
}

std::vector<double> vaeNeighbourNormalisedScores(VaeModel& model, const Dataset& data, const Dataset& reference,
                                                 ResidualStatistic statistic, int k, int batchSize) {
    const LatentCodes codes = encodeDataset(model, data, batchSize), refCodes = encodeDataset(model, reference, batchSize);
    if (statistic == ResidualStatistic::Annulus)
        return neighbourAnnulusScores(vaeAnnulusProfiles(model, data, batchSize), codes.mu, refCodes.mu,
                                      vaeAnnulusProfiles(model, reference, batchSize), k);
    auto normalised = [&](ResidualStatistic s) {
        return neighbourNormalisedScores(vaeResidualScores(model, data, s, batchSize), codes.mu, refCodes.mu,
                                         vaeResidualScores(model, reference, s, batchSize), k);
    };
    if (statistic == ResidualStatistic::Combined)
        return maxRankFraction({normalised(ResidualStatistic::SummedSquared), normalised(ResidualStatistic::Matched)});
    return normalised(statistic);
}

std::vector<double> criticScores(Graph& critic, const Dataset& data, int batchSize) {
    if (!critic.isBuilt()) critic.build();
    std::vector<double> scores;
    Tensor x, y;
    for (int s = 0; s < data.size(); s += batchSize) {
        std::vector<int> idx;
        for (int i = s; i < std::min(data.size(), s + batchSize); ++i) idx.push_back(i);
        data.batch(idx, x, y);
        const Tensor& out = critic.forward(x, Mode::Inference);
        if (out.sampleSize() != 1) throw ShapeError("the critic must give one value per image, not " + toString(out.shape()));
        for (int i = 0; i < out.batch(); ++i) scores.push_back(-double(out[std::size_t(i)]));
    }
    return scores;
}

std::vector<double> maxRankFraction(const std::vector<std::vector<double>>& statistics) {
    if (statistics.empty()) return {};
    const std::size_t n = statistics.front().size();
    std::vector<double> out(n, 0.0);
    for (const std::vector<double>& s : statistics) {
        if (s.size() != n) throw InputError("maxRankFraction: the statistics differ in length");
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return s[a] < s[b]; });
        for (std::size_t i = 0; i < n;) {
            std::size_t j = i;
            while (j + 1 < n && s[order[j + 1]] == s[order[i]]) ++j;
            const double fraction = (0.5 * double(i + j) + 1.0) / double(n);
            for (std::size_t k = i; k <= j; ++k) out[order[k]] = std::max(out[order[k]], fraction);
            i = j + 1;
        }
    }
    return out;
}

std::vector<int> rankByScore(const std::vector<double>& scores) {
    std::vector<int> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scores[std::size_t(a)] > scores[std::size_t(b)]; });
    return order;
}

double rocAuc(const std::vector<double>& scores, const std::vector<int>& positive) {
    if (scores.size() != positive.size()) throw InputError("ROC AUC: scores and labels differ in length");
    const std::size_t n = scores.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
    // Mid-ranks for ties.
    std::vector<double> rank(n);
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) ++j;
        for (std::size_t k = i; k <= j; ++k) rank[order[k]] = 0.5 * double(i + j) + 1.0;
        i = j + 1;
    }
    double pos = 0, neg = 0, rankSum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (positive[i]) {
            pos += 1;
            rankSum += rank[i];
        } else {
            neg += 1;
        }
    }
    if (pos == 0 || neg == 0) return NAN;
    return (rankSum - pos * (pos + 1) / 2) / (pos * neg);
}

}  // namespace deepfield
