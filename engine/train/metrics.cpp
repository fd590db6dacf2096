#include "train/metrics.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace deepfield {

namespace {
int predictedClass(const Tensor& pred, int n, float threshold) {
    const float* p = pred.sample(n);
    const int k = int(pred.sampleSize());
    if (k == 1) return p[0] > threshold ? 1 : 0;
    return int(std::max_element(p, p + k) - p);
}

void requireRows(const Tensor& pred, const Tensor& target, const char* what) {
    if (pred.batch() != target.batch())
        throw ShapeError(std::string(what) + ": " + std::to_string(pred.batch()) + " predictions for " +
                         std::to_string(target.batch()) + " targets");
}

double median(std::vector<double> v) {
    if (v.empty()) return NAN;
    const std::size_t m = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + long(m), v.end());
    if (v.size() % 2) return v[m];
    const double hi = v[m];
    return 0.5 * (hi + *std::max_element(v.begin(), v.begin() + long(m)));
}

std::vector<double> deltaZ(const Tensor& pred, const Tensor& target) {
    if (pred.size() != target.size()) throw ShapeError("redshift metrics: prediction and target sizes differ");
    std::vector<double> d(pred.size());
    for (std::size_t i = 0; i < pred.size(); ++i) d[i] = (double(pred[i]) - target[i]) / (1.0 + target[i]);
    return d;
}
}  // namespace

double accuracy(const Tensor& pred, const Tensor& target, float threshold) {
    requireRows(pred, target, "accuracy");
    if (pred.batch() == 0) return NAN;
    int correct = 0;
    for (int n = 0; n < pred.batch(); ++n) correct += predictedClass(pred, n, threshold) == int(std::lround(target.sample(n)[0]));
    return double(correct) / pred.batch();
}

std::vector<std::vector<int>> confusionMatrix(const Tensor& pred, const Tensor& target, int classes, float threshold) {
    requireRows(pred, target, "confusion matrix");
    std::vector<std::vector<int>> m(std::size_t(classes), std::vector<int>(std::size_t(classes), 0));
    for (int n = 0; n < pred.batch(); ++n) {
        const int t = int(std::lround(target.sample(n)[0]));
        const int p = predictedClass(pred, n, threshold);
        if (t >= 0 && t < classes && p >= 0 && p < classes) ++m[std::size_t(t)][std::size_t(p)];
    }
    return m;
}

double meanAbsoluteError(const Tensor& pred, const Tensor& target) {
    if (pred.size() != target.size() || pred.empty()) throw ShapeError("mae: prediction and target sizes differ");
    return double((pred.vec() - target.vec()).cwiseAbs().cast<double>().mean());
}

double rootMeanSquaredError(const Tensor& pred, const Tensor& target) {
    if (pred.size() != target.size() || pred.empty()) throw ShapeError("rmse: prediction and target sizes differ");
    return std::sqrt(double((pred.vec() - target.vec()).cwiseAbs2().cast<double>().mean()));
}

double nmad(const Tensor& pred, const Tensor& target) {
    std::vector<double> d = deltaZ(pred, target);
    const double m = median(d);
    for (double& x : d) x = std::abs(x - m);
    return 1.4826 * median(d);
}

double outlierFraction(const Tensor& pred, const Tensor& target, double limit) {
    const std::vector<double> d = deltaZ(pred, target);
    if (d.empty()) return NAN;
    return double(std::count_if(d.begin(), d.end(), [&](double x) { return std::abs(x) > limit; })) / d.size();
}

std::map<std::string, double> computeMetrics(const std::vector<std::string>& names, const Tensor& pred,
                                             const Tensor& target, float threshold) {
    std::map<std::string, double> out;
    for (const std::string& n : names) {
        if (n == "accuracy") out[n] = accuracy(pred, target, threshold);
        else if (n == "mae") out[n] = meanAbsoluteError(pred, target);
        else if (n == "rmse") out[n] = rootMeanSquaredError(pred, target);
        else if (n == "nmad") out[n] = nmad(pred, target);
        else if (n == "outlier_fraction") out[n] = outlierFraction(pred, target);
        else throw InputError("unknown metric '" + n + "'; use accuracy, mae, rmse, nmad or outlier_fraction");
    }
    return out;
}

}  // namespace deepfield
