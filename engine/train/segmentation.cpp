#include "train/segmentation.h"

#include <cmath>

#include "core/error.h"

namespace deepfield {

namespace {
void requireSameShape(const Tensor& pred, const Tensor& target, const std::string& what) {
    if (pred.size() != target.size() || pred.batch() != target.batch())
        throw ShapeError(what + ": prediction " + toString(pred.shape()) + " and target " + toString(target.shape()) +
                         " must have the same shape (one probability per mask pixel)");
}
}  // namespace

double DiceLoss::compute(const Tensor& pred, const Tensor& target, Tensor& grad) const {
    requireSameShape(pred, target, name());
    grad.resizeLike(pred);
    const int N = pred.batch();
    const std::size_t m = pred.sampleSize();
    double total = 0;
    for (int n = 0; n < N; ++n) {
        const float* p = pred.sample(n);
        const float* t = target.sample(n);
        double inter = 0, sum = 0;
        for (std::size_t i = 0; i < m; ++i) {
            inter += double(p[i]) * t[i];
            sum += double(p[i]) + t[i];
        }
        const double num = 2 * inter + smooth_, den = sum + smooth_;
        total += num / den;
        // ∂(num/den)/∂p_i = (2 t_i den − num) / den²; the loss is 1 − the mean over samples.
        float* g = grad.sample(n);
        const double scale = -1.0 / (double(N) * den * den);
        for (std::size_t i = 0; i < m; ++i) g[i] = float(scale * (2.0 * t[i] * den - num));
    }
    return N ? 1.0 - total / N : 0.0;
}

double SegmentationCounts::dice() const {
    const double den = 2 * tp + fp + fn;
    return den > 0 ? 2 * tp / den : 1.0;
}
double SegmentationCounts::iou() const {
    const double den = tp + fp + fn;
    return den > 0 ? tp / den : 1.0;
}
double SegmentationCounts::pixelAccuracy() const {
    const double all = tp + fp + fn + tn;
    return all > 0 ? (tp + tn) / all : NAN;
}

namespace {
void count(const float* p, const float* t, std::size_t n, float threshold, SegmentationCounts& c) {
    for (std::size_t i = 0; i < n; ++i) {
        const bool fp = p[i] > threshold, ft = t[i] > 0.5f;
        if (fp && ft) ++c.tp;
        else if (fp) ++c.fp;
        else if (ft) ++c.fn;
        else ++c.tn;
    }
}
}  // namespace

SegmentationCounts segmentationCounts(const Tensor& pred, const Tensor& target, float threshold) {
    requireSameShape(pred, target, "segmentation metrics");
    SegmentationCounts c;
    count(pred.data(), target.data(), pred.size(), threshold, c);
    return c;
}

std::vector<double> dicePerImage(const Tensor& pred, const Tensor& target, float threshold) {
    requireSameShape(pred, target, "dice");
    std::vector<double> out;
    for (int n = 0; n < pred.batch(); ++n) {
        SegmentationCounts c;
        count(pred.sample(n), target.sample(n), pred.sampleSize(), threshold, c);
        out.push_back(c.dice());
    }
    return out;
}

bool isSegmentationMetric(const std::string& name) {
    return name == "dice" || name == "iou" || name == "pixel_accuracy";
}

double segmentationMetric(const std::string& name, const Tensor& pred, const Tensor& target, float threshold) {
    if (!isSegmentationMetric(name))
        throw InputError("unknown segmentation metric '" + name + "'; use dice, iou or pixel_accuracy");
    if (pred.batch() == 0) return NAN;
    const SegmentationCounts c = segmentationCounts(pred, target, threshold);
    if (name == "dice") return c.dice();
    if (name == "iou") return c.iou();
    return c.pixelAccuracy();
}

std::vector<double> firstHalfFluxRatio(const Tensor& images) {
    if (images.rank() < 2 || images.dim(1) % 2)
        throw ShapeError("bulge-to-total ratio: expected images (N, 2C, H, W) with C bulge then C disk channels, got " +
                         toString(images.shape()));
    std::vector<double> out;
    const std::size_t half = images.sampleSize() / 2;
    for (int n = 0; n < images.batch(); ++n) {
        const float* p = images.sample(n);
        double first = 0, all = 0;
        for (std::size_t i = 0; i < half; ++i) first += p[i];
        all = first;
        for (std::size_t i = half; i < 2 * half; ++i) all += p[i];
        out.push_back(all != 0 ? first / all : NAN);
    }
    return out;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) throw ShapeError("pearson: series of different lengths");
    double n = 0, sa = 0, sb = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::isfinite(a[i]) && std::isfinite(b[i])) ++n, sa += a[i], sb += b[i];
    if (n < 2) return NAN;
    const double ma = sa / n, mb = sb / n;
    double cab = 0, caa = 0, cbb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!std::isfinite(a[i]) || !std::isfinite(b[i])) continue;
        cab += (a[i] - ma) * (b[i] - mb);
        caa += (a[i] - ma) * (a[i] - ma);
        cbb += (b[i] - mb) * (b[i] - mb);
    }
    return caa > 0 && cbb > 0 ? cab / std::sqrt(caa * cbb) : NAN;
}

std::vector<double> meanSquaredErrorPerSample(const Tensor& a, const Tensor& b) {
    requireSameShape(a, b, "mse per sample");
    std::vector<double> out;
    const std::size_t m = a.sampleSize();
    for (int n = 0; n < a.batch(); ++n) {
        double s = 0;
        for (std::size_t i = 0; i < m; ++i) {
            const double d = double(a.sample(n)[i]) - b.sample(n)[i];
            s += d * d;
        }
        out.push_back(m ? s / double(m) : 0.0);
    }
    return out;
}

float scaleImagePair(Tensor& input, Tensor* target) {
    double s2 = 0;
    for (std::size_t i = 0; i < input.size(); ++i) s2 += double(input[i]) * input[i];
    const double rms = input.size() ? std::sqrt(s2 / double(input.size())) : 0.0;
    const float scale = rms > 0 && std::isfinite(rms) ? float(rms) : 1.0f;
    input.vec() /= scale;
    if (target) target->vec() /= scale;
    return scale;
}

}  // namespace deepfield
