#pragma once
// Augmentation of images (C, H, W) on the fly, reproducible by seed: flips, 90° rotations,
// arbitrary rotations, shifts and zoom (one bilinear resampling), Gaussian and Poisson noise
// and PSF blur. Galaxies have no up or down, so rotations are the natural default.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/tensor.h"
#include "data/dataset.h"

namespace deepfield {

Tensor flipHorizontal(const Tensor& image);  // mirror left-right
Tensor flipVertical(const Tensor& image);    // mirror top-bottom
Tensor rot90(const Tensor& image, int quarterTurns);  // counter-clockwise; needs H == W for odd turns
// Rotation by `degrees` counter-clockwise about the image centre, scaled by `zoom` and then
// shifted by (dx, dy) pixels, with bilinear interpolation; outside the image the nearest edge pixel.
Tensor affineImage(const Tensor& image, double degrees, double zoom = 1.0, double dx = 0.0, double dy = 0.0);
inline Tensor rotateImage(const Tensor& image, double degrees) { return affineImage(image, degrees); }
void addGaussianNoise(Tensor& image, double sigma, Rng& rng);
// x -> Poisson(gain * x) / gain for x > 0 (counts-like data; gain = counts per unit).
void addPoissonNoise(Tensor& image, double gain, Rng& rng);
// Gaussian PSF blur of every channel (FWHM in pixels).
void blurImage(Tensor& image, double fwhm);

struct AugmentSpec {
    bool flip = false;          // random horizontal and vertical flips
    bool rot90 = false;         // random multiple of 90°
    double rotate = 0.0;        // uniform rotation in [-rotate, rotate] degrees (180: any angle)
    double shift = 0.0;         // uniform shift in [-shift, shift] pixels along x and y
    double zoom = 0.0;          // scale uniform in [1 - zoom, 1 + zoom]
    double noise = 0.0;         // Gaussian noise sigma (in the units of the data it sees)
    double poissonGain = 0.0;   // 0: off
    double blur = 0.0;          // Gaussian blur with FWHM uniform in [0, blur] pixels
    bool any() const;
};
// From names: rot90, flip, rotate, shift, zoom, noise, poisson, blur; "name=value" sets the
// amount (defaults: rotate=180, shift=2, zoom=0.1, noise=0.1, poisson=1, blur=2).
// InputError naming an unknown entry.
AugmentSpec parseAugmentations(const std::vector<std::string>& names);
std::string toString(const AugmentSpec& spec);

// Applies a random draw of `spec` to `image`; `target` (an image target of the same height
// and width, e.g. a mask) gets the same geometric transform and no noise.
void augment(Tensor& image, const AugmentSpec& spec, Rng& rng, Tensor* target = nullptr);

// A dataset whose samples are augmented as they are handed out. Sample i in epoch e always gets
// the transform drawn from (seed, e, i), whatever the batch it comes in or the thread count.
// Image targets with the input's height and width are transformed with their inputs.
class AugmentedDataset : public Dataset {
public:
    AugmentedDataset(std::shared_ptr<const Dataset> base, AugmentSpec spec, std::uint64_t seed);
    int size() const override { return base_->size(); }
    Shape inputShape() const override { return base_->inputShape(); }
    Shape targetShape() const override { return base_->targetShape(); }
    void batch(const std::vector<int>& indices, Tensor& x, Tensor& y) const override;
    void beginEpoch(int epoch) const override;
    const AugmentSpec& spec() const { return spec_; }

private:
    std::shared_ptr<const Dataset> base_;
    AugmentSpec spec_;
    std::uint64_t seed_;
    mutable std::atomic<int> epoch_{0};
};

}  // namespace deepfield
