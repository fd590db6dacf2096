#include "generative/anomaly.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"

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
    throw InputError("unknown residual statistic '" + name + "': use sum, chi2 or peak");
}

const char* toString(ResidualStatistic statistic) {
    switch (statistic) {
        case ResidualStatistic::SummedSquared: return "sum";
        case ResidualStatistic::NoiseWeighted: return "chi2";
        case ResidualStatistic::Peak: return "peak";
    }
    return "sum";
}

namespace {
double median(std::vector<double>& v) {
    const auto mid = v.begin() + std::ptrdiff_t(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
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

std::vector<double> vaeResidualScores(VaeModel& model, const Dataset& data, ResidualStatistic statistic, int batchSize) {
    std::vector<double> scores;
    Tensor x, y;
    for (int s = 0; s < data.size(); s += batchSize) {
        std::vector<int> idx;
        for (int i = s; i < std::min(data.size(), s + batchSize); ++i) idx.push_back(i);
        data.batch(idx, x, y);
        const Tensor& r = model.reconstruct(x);
        for (int i = 0; i < x.batch(); ++i) scores.push_back(residualScore(x.sample(i), r.sample(i), x.sampleSize(), statistic));
    }
    return scores;
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
