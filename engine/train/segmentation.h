#pragma once
// Image-to-image training: the soft Dice loss, segmentation metrics (Dice, IoU, pixel accuracy)
// and the bulge-to-total ratio of predicted component images.
#include <string>
#include <vector>

#include "train/loss.h"

namespace deepfield {

// Soft Dice loss on probabilities p and masks t of the same shape (N, C, H, W):
//   L = 1 − mean_n (2 Σ p·t + s) / (Σ p + Σ t + s), sums over one sample's pixels and channels.
// The smoothing s (default 1) makes an empty mask predicted empty a perfect score.
class DiceLoss : public Loss {
public:
    explicit DiceLoss(float smooth = 1.0f) : smooth_(smooth) {}
    std::string name() const override { return "dice"; }
    double compute(const Tensor& pred, const Tensor& target, Tensor& grad) const override;

private:
    float smooth_;
};

// Pixel counts of a binary segmentation over a whole prediction set: predictions above
// `threshold` are foreground, targets above 0.5.
struct SegmentationCounts {
    double tp = 0, fp = 0, fn = 0, tn = 0;
    double dice() const;           // 2TP / (2TP + FP + FN); 1 when both are empty
    double iou() const;            // TP / (TP + FP + FN); 1 when both are empty
    double pixelAccuracy() const;  // (TP + TN) / all
};
SegmentationCounts segmentationCounts(const Tensor& pred, const Tensor& target, float threshold = 0.5f);
// Dice of each sample separately (1 for an empty mask predicted empty).
std::vector<double> dicePerImage(const Tensor& pred, const Tensor& target, float threshold = 0.5f);
// "dice", "iou" or "pixel_accuracy" (what computeMetrics calls); InputError for other names.
double segmentationMetric(const std::string& name, const Tensor& pred, const Tensor& target, float threshold = 0.5f);
bool isSegmentationMetric(const std::string& name);

// Per sample, the share of the flux in the first half of the channels: images (N, 2C, H, W) holding
// C bulge channels then C disk channels give B/T = Σ bulge / (Σ bulge + Σ disk). Negative pixel
// values (noise, or a regression's undershoot) count as they are; a zero total gives NaN.
std::vector<double> firstHalfFluxRatio(const Tensor& images);
// Pearson correlation coefficient of two equally long series (NaN pairs skipped; NaN if < 2 left).
double pearson(const std::vector<double>& a, const std::vector<double>& b);
// Image regression (image → component images, deblending, deconvolution): input and target are
// divided by the same per-image scale, the root mean square of the input's pixels, so the network
// sees images of unit brightness and its output stays in the target's units up to that factor
// (ratios such as B/T, and MSE comparisons against the input, are unchanged). Returns the scale
// (1 for an all-zero input). input (C, H, W), target (C', H, W) or null.
float scaleImagePair(Tensor& input, Tensor* target);

// Per-sample mean squared difference of two tensors of the same shape.
std::vector<double> meanSquaredErrorPerSample(const Tensor& a, const Tensor& b);

}  // namespace deepfield
