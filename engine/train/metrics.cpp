#include "train/metrics.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "train/segmentation.h"

namespace deepfield {

namespace {
// How predictions and labels pair up: `groups` decisions per sample, each over `classes`
// scores `stride` apart (channels at a pixel), or thresholded single scores (classes == 1).
struct Layout {
    int classes = 1;
    std::size_t groups = 1, stride = 1;
};

Layout layoutOf(const Tensor& pred, const Tensor& target, const char* what) {
    Layout l;
    const std::size_t ps = pred.sampleSize(), ts = target.sampleSize();
    if (ps == ts) {  // one score per label: binary, multi-label or binary segmentation
        l.groups = ps;
        return l;
    }
    l.classes = pred.rank() >= 2 ? pred.dim(1) : 1;
    if (l.classes >= 2 && ps % std::size_t(l.classes) == 0 && ts == ps / std::size_t(l.classes)) {
        l.groups = l.stride = ps / std::size_t(l.classes);
        return l;
    }
    throw ShapeError(std::string(what) + ": predictions " + toString(pred.shape()) + " do not fit labels " +
                     toString(target.shape()) + "; expected scores (N, K[, H, W]) with one label per sample "
                     "(or pixel), or one score per label");
}

int predictedClass(const float* p, const Layout& l, std::size_t group, float threshold) {
    if (l.classes == 1) return p[group] > threshold ? 1 : 0;
    int best = 0;
    for (int c = 1; c < l.classes; ++c)
        if (p[group + std::size_t(c) * l.stride] > p[group + std::size_t(best) * l.stride]) best = c;
    return best;
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
    const Layout l = layoutOf(pred, target, "accuracy");
    std::size_t correct = 0;
    for (int n = 0; n < pred.batch(); ++n)
        for (std::size_t g = 0; g < l.groups; ++g)
            correct += predictedClass(pred.sample(n), l, g, threshold) == int(std::lround(target.sample(n)[g]));
    return double(correct) / (double(pred.batch()) * double(l.groups));
}

std::vector<std::vector<int>> confusionMatrix(const Tensor& pred, const Tensor& target, int classes, float threshold) {
    requireRows(pred, target, "confusion matrix");
    std::vector<std::vector<int>> m(std::size_t(classes), std::vector<int>(std::size_t(classes), 0));
    if (pred.batch() == 0) return m;
    const Layout l = layoutOf(pred, target, "confusion matrix");
    for (int n = 0; n < pred.batch(); ++n)
        for (std::size_t g = 0; g < l.groups; ++g) {
            const int t = int(std::lround(target.sample(n)[g]));
            const int p = predictedClass(pred.sample(n), l, g, threshold);
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
        else if (isSegmentationMetric(n)) out[n] = segmentationMetric(n, pred, target, threshold);
        else throw InputError("unknown metric '" + n +
                              "'; use accuracy, mae, rmse, nmad, outlier_fraction, dice, iou or pixel_accuracy");
    }
    return out;
}

}  // namespace deepfield
