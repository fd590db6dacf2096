#include "train/loss.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "train/segmentation.h"

namespace deepfield {

namespace {
void requireSameSize(const Tensor& pred, const Tensor& target, const std::string& loss) {
    if (pred.size() != target.size() || pred.batch() != target.batch())
        throw ShapeError(loss + ": prediction " + toString(pred.shape()) + " and target " + toString(target.shape()) +
                         " must have the same number of values");
}

// Segmentation: soft Dice (train/segmentation.h) + w · weighted per-pixel BCE on probabilities,
//   L = Dice(p, t) + w · mean(−a·t log p − (1 − t) log(1 − p)),  a = pos_weight.
// Dice alone gives faint or small objects little gradient while the prediction is near 0; the
// per-pixel term gives every pixel one, and a > 1 counts the rare foreground pixels more.
class DiceBinaryCrossEntropy : public Loss {
public:
    DiceBinaryCrossEntropy(double bceWeight, double posWeight) : bceWeight_(bceWeight), posWeight_(posWeight) {}
    std::string name() const override { return "dice_bce"; }
    double compute(const Tensor& pred, const Tensor& target, Tensor& grad) const override {
        const double dice = dice_.compute(pred, target, grad);
        const double n = double(pred.size()), eps = 1e-7;
        double total = 0;
        for (std::size_t i = 0; i < pred.size(); ++i) {
            const double t = target[i], p = std::clamp(double(pred[i]), eps, 1.0 - eps);
            total += -(posWeight_ * t * std::log(p) + (1 - t) * std::log(1 - p));
            // Zero gradient where the clip is active, as in BinaryCrossEntropy.
            if (pred[i] > eps && pred[i] < 1 - eps)
                grad[i] += float(bceWeight_ * (-posWeight_ * t / p + (1 - t) / (1 - p)) / n);
        }
        return dice + bceWeight_ * total / n;
    }

private:
    DiceLoss dice_;
    double bceWeight_, posWeight_;
};

double positiveOption(const Json& options, const char* key, double fallback, const std::string& loss) {
    if (!options.is_object() || !options.contains(key)) return fallback;
    if (!options[key].is_number() || !(options[key].get<double>() > 0))
        throw InputError(loss + ": option '" + key + "' must be a number > 0, got " + options[key].dump());
    return options[key].get<double>();
}
}  // namespace

std::unique_ptr<Loss> makeLoss(const std::string& name, const Json& options) {
    if (name == "mse" || name == "mean_squared_error") return std::make_unique<MeanSquaredError>();
    if (name == "mae" || name == "mean_absolute_error") return std::make_unique<MeanAbsoluteError>();
    if (name == "huber") {
        float delta = 1.0f;
        if (options.is_object() && options.contains("delta")) {
            if (!options["delta"].is_number() || !(options["delta"].get<double>() > 0))
                throw InputError("huber: option 'delta' must be a number > 0, got " + options["delta"].dump());
            delta = options["delta"].get<float>();
        }
        return std::make_unique<Huber>(delta);
    }
    if (name == "binary_crossentropy") return std::make_unique<BinaryCrossEntropy>(false);
    if (name == "binary_crossentropy_logits") return std::make_unique<BinaryCrossEntropy>(true);
    if (name == "sparse_categorical_crossentropy" || name == "categorical_crossentropy")
        return std::make_unique<SparseCategoricalCrossEntropy>();
    if (name == "dice") return std::make_unique<DiceLoss>();  // train/segmentation.h
    if (name == "dice_bce")  // options bce_weight (w, default 1) and pos_weight (a, default 1)
        return std::make_unique<DiceBinaryCrossEntropy>(positiveOption(options, "bce_weight", 1.0, name),
                                                        positiveOption(options, "pos_weight", 1.0, name));
    throw InputError("unknown loss '" + name +
                     "'; use mse, mae, huber, binary_crossentropy, binary_crossentropy_logits, "
                     "sparse_categorical_crossentropy, dice or dice_bce");
}

double MeanSquaredError::compute(const Tensor& pred, const Tensor& target, Tensor& grad) const {
    requireSameSize(pred, target, name());
    grad.resizeLike(pred);
    const auto d = (pred.vec() - target.vec()).array();
    const double n = double(pred.size());
    grad.vec().array() = d * float(2.0 / n);
    return double(d.square().cast<double>().sum()) / n;
}

double MeanAbsoluteError::compute(const Tensor& pred, const Tensor& target, Tensor& grad) const {
    requireSameSize(pred, target, name());
    grad.resizeLike(pred);
    const auto d = (pred.vec() - target.vec()).array();
    const double n = double(pred.size());
    grad.vec().array() = d.sign() * float(1.0 / n);
    return double(d.abs().cast<double>().sum()) / n;
}

double Huber::compute(const Tensor& pred, const Tensor& target, Tensor& grad) const {
    requireSameSize(pred, target, name());
    grad.resizeLike(pred);
    const double n = double(pred.size());
    double total = 0;
    for (std::size_t i = 0; i < pred.size(); ++i) {
        const float d = pred[i] - target[i];
        const float a = std::abs(d);
        if (a <= delta_) {
            total += 0.5 * double(d) * d;
            grad[i] = float(d / n);
        } else {
            total += double(delta_) * (a - 0.5 * delta_);
            grad[i] = float(delta_ * (d > 0 ? 1.0 : -1.0) / n);
        }
    }
    return total / n;
}

double BinaryCrossEntropy::compute(const Tensor& pred, const Tensor& target, Tensor& grad) const {
    requireSameSize(pred, target, name());
    grad.resizeLike(pred);
    const double n = double(pred.size());
    double total = 0;
    for (std::size_t i = 0; i < pred.size(); ++i) {
        const double t = target[i];
        if (fromLogits_) {
            const double z = pred[i];
            total += std::max(z, 0.0) - z * t + std::log1p(std::exp(-std::abs(z)));
            grad[i] = float((1.0 / (1.0 + std::exp(-z)) - t) / n);
        } else {
            const double eps = 1e-7;
            const double p = std::clamp(double(pred[i]), eps, 1.0 - eps);
            total += -(t * std::log(p) + (1 - t) * std::log(1 - p));
            // Zero gradient where the clip is active, as in PyTorch's clamp.
            grad[i] = (pred[i] <= eps || pred[i] >= 1 - eps) ? 0.0f : float((p - t) / (p * (1 - p)) / n);
        }
    }
    return total / n;
}

double SparseCategoricalCrossEntropy::compute(const Tensor& pred, const Tensor& target, Tensor& grad) const {
    const int batch = pred.batch();
    const int classes = pred.rank() >= 2 ? pred.dim(1) : 0;
    const std::size_t pixels = classes ? pred.sampleSize() / std::size_t(classes) : 0;
    if (classes < 2 || target.batch() != batch || target.size() != std::size_t(batch) * pixels)
        throw ShapeError(name() + ": expects logits (N, classes[, H, W]) with classes ≥ 2 and one integer label per "
                         "sample (or pixel), i.e. targets (N) or (N, 1[, H, W]); got prediction " +
                         toString(pred.shape()) + " and target " + toString(target.shape()) +
                         " (one-hot targets must be turned into class indices)");
    grad.resizeLike(pred);
    const double n = double(batch) * double(pixels);
    double total = 0;
    for (int b = 0; b < batch; ++b) {
        const float* z = pred.sample(b);
        float* g = grad.sample(b);
        for (std::size_t s = 0; s < pixels; ++s) {
            const float labelValue = target[std::size_t(b) * pixels + s];
            const int label = std::isfinite(labelValue) ? int(std::lround(labelValue)) : -1;
            if (label < 0 || label >= classes || std::abs(labelValue - float(label)) > 1e-3f)
                throw InputError(name() + ": label " + std::to_string(labelValue) + " of sample " + std::to_string(b) +
                                 (pixels > 1 ? " (pixel " + std::to_string(s) + ")" : std::string()) +
                                 " is not a class index in 0.." + std::to_string(classes - 1) + " for prediction " +
                                 toString(pred.shape()));
            double mx = z[s];
            for (int c = 1; c < classes; ++c) mx = std::max(mx, double(z[c * pixels + s]));
            double sum = 0;
            for (int c = 0; c < classes; ++c) sum += std::exp(double(z[c * pixels + s]) - mx);
            const double logSum = std::log(sum) + mx;
            total += logSum - z[label * pixels + s];
            for (int c = 0; c < classes; ++c)
                g[c * pixels + s] = float((std::exp(double(z[c * pixels + s]) - logSum) - (c == label)) / n);
        }
    }
    return total / n;
}

}  // namespace deepfield
