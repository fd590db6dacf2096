#include "data/augment.h"

#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "data/psf.h"
#include "data/simulator.h"

namespace deepfield {

namespace {
void requireImage(const Tensor& t, const char* what) {
    if (t.rank() != 3) throw ShapeError(std::string(what) + ": expected an image (C, H, W), got " + toString(t.shape()));
}
}  // namespace

Tensor flipHorizontal(const Tensor& image) {
    requireImage(image, "flip");
    const int c = image.dim(0), h = image.dim(1), w = image.dim(2);
    Tensor out(image.shape());
    for (int k = 0; k < c; ++k)
        for (int i = 0; i < h; ++i) {
            const float* src = image.data() + (std::size_t(k) * h + i) * w;
            float* dst = out.data() + (std::size_t(k) * h + i) * w;
            for (int j = 0; j < w; ++j) dst[j] = src[w - 1 - j];
        }
    return out;
}

Tensor flipVertical(const Tensor& image) {
    requireImage(image, "flip");
    const int c = image.dim(0), h = image.dim(1), w = image.dim(2);
    Tensor out(image.shape());
    for (int k = 0; k < c; ++k)
        for (int i = 0; i < h; ++i)
            std::copy_n(image.data() + (std::size_t(k) * h + (h - 1 - i)) * w, w, out.data() + (std::size_t(k) * h + i) * w);
    return out;
}

Tensor rot90(const Tensor& image, int turns) {
    requireImage(image, "rot90");
    const int c = image.dim(0), h = image.dim(1), w = image.dim(2);
    turns = ((turns % 4) + 4) % 4;
    if (turns == 0) return image;
    if (turns % 2 && h != w) throw ShapeError("rot90: odd quarter turns need a square image, got " + toString(image.shape()));
    Tensor out(image.shape());
    for (int k = 0; k < c; ++k) {
        const float* src = image.data() + std::size_t(k) * h * w;
        float* dst = out.data() + std::size_t(k) * h * w;
        for (int i = 0; i < h; ++i)
            for (int j = 0; j < w; ++j) {
                // Counter-clockwise on the array as displayed with row 0 at the top.
                int si = i, sj = j;
                if (turns == 1) si = j, sj = w - 1 - i;
                if (turns == 2) si = h - 1 - i, sj = w - 1 - j;
                if (turns == 3) si = h - 1 - j, sj = i;
                dst[std::size_t(i) * w + j] = src[std::size_t(si) * w + sj];
            }
    }
    return out;
}

Tensor affineImage(const Tensor& image, double degrees, double zoom, double dx, double dy) {
    requireImage(image, "rotate");
    const int c = image.dim(0), h = image.dim(1), w = image.dim(2);
    if (degrees == 0.0 && zoom == 1.0 && dx == 0.0 && dy == 0.0) return image;
    const double a = degrees * M_PI / 180.0, ca = std::cos(a) / zoom, sa = std::sin(a) / zoom;
    const double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
    Tensor out(image.shape());
    for (int i = 0; i < h; ++i)
        for (int j = 0; j < w; ++j) {
            // Inverse map of the output pixel into the input (y grows downwards: flip the sign of sin).
            const double x = j - cx - dx, y = i - cy - dy;
            const double sx = std::clamp(ca * x - sa * y + cx, 0.0, double(w - 1));
            const double sy = std::clamp(sa * x + ca * y + cy, 0.0, double(h - 1));
            const int j0 = std::min(int(sx), w - 2 < 0 ? 0 : w - 2), i0 = std::min(int(sy), h - 2 < 0 ? 0 : h - 2);
            const int j1 = std::min(j0 + 1, w - 1), i1 = std::min(i0 + 1, h - 1);
            const float fx = float(sx - j0), fy = float(sy - i0);
            for (int k = 0; k < c; ++k) {
                const float* src = image.data() + std::size_t(k) * h * w;
                const float top = src[std::size_t(i0) * w + j0] * (1 - fx) + src[std::size_t(i0) * w + j1] * fx;
                const float bottom = src[std::size_t(i1) * w + j0] * (1 - fx) + src[std::size_t(i1) * w + j1] * fx;
                out[(std::size_t(k) * h + i) * w + j] = top * (1 - fy) + bottom * fy;
            }
        }
    return out;
}

void addGaussianNoise(Tensor& image, double sigma, Rng& rng) {
    for (std::size_t i = 0; i < image.size(); ++i) image[i] += float(sigma * rng.normal());
}

void addPoissonNoise(Tensor& image, double gain, Rng& rng) {
    if (gain <= 0.0) return;
    for (std::size_t i = 0; i < image.size(); ++i)
        if (image[i] > 0.0f) image[i] = float(poisson(gain * image[i], rng) / gain);
}

void blurImage(Tensor& image, double fwhm) {
    requireImage(image, "blur");
    if (fwhm <= 0.0) return;
    std::vector<float> scratch;
    const std::size_t plane = std::size_t(image.dim(1)) * image.dim(2);
    const PsfSpec psf{PsfType::Gaussian, fwhm, 3.5};
    for (int k = 0; k < image.dim(0); ++k) convolvePsf(image.data() + k * plane, image.dim(1), image.dim(2), psf, scratch);
}

bool AugmentSpec::any() const {
    return flip || rot90 || rotate > 0 || shift > 0 || zoom > 0 || noise > 0 || poissonGain > 0 || blur > 0;
}

AugmentSpec parseAugmentations(const std::vector<std::string>& names) {
    AugmentSpec s;
    for (const std::string& entry : names) {
        const auto eq = entry.find('=');
        const std::string name = entry.substr(0, eq);
        double value = -1.0;
        if (eq != std::string::npos) {
            char* end = nullptr;
            value = std::strtod(entry.c_str() + eq + 1, &end);
            if (*end || value < 0.0)
                throw InputError("augmentation '" + entry + "': the amount must be a number ≥ 0");
        }
        auto amount = [&](double fallback) { return value >= 0.0 ? value : fallback; };
        if (name == "flip") s.flip = true;
        else if (name == "rot90") s.rot90 = true;
        else if (name == "rotate") s.rotate = amount(180.0);
        else if (name == "shift") s.shift = amount(2.0);
        else if (name == "zoom") s.zoom = std::min(0.9, amount(0.1));
        else if (name == "noise") s.noise = amount(0.1);
        else if (name == "poisson") s.poissonGain = amount(1.0);
        else if (name == "blur") s.blur = amount(2.0);
        else throw InputError("unknown augmentation '" + name + "': use rot90, flip, rotate, shift, zoom, noise, poisson or blur");
    }
    return s;
}

std::string toString(const AugmentSpec& s) {
    std::string out;
    auto add = [&](const std::string& part) { out += (out.empty() ? "" : ",") + part; };
    char buf[64];
    auto num = [&](const char* name, double v) {
        std::snprintf(buf, sizeof buf, "%s=%g", name, v);
        add(buf);
    };
    if (s.rot90) add("rot90");
    if (s.flip) add("flip");
    if (s.rotate > 0) num("rotate", s.rotate);
    if (s.shift > 0) num("shift", s.shift);
    if (s.zoom > 0) num("zoom", s.zoom);
    if (s.noise > 0) num("noise", s.noise);
    if (s.poissonGain > 0) num("poisson", s.poissonGain);
    if (s.blur > 0) num("blur", s.blur);
    return out;
}

void augment(Tensor& image, const AugmentSpec& s, Rng& rng, Tensor* target) {
    // Every draw is made whether or not it is used, so one option does not shift the others' numbers.
    const bool flipH = rng.uniform() < 0.5, flipV = rng.uniform() < 0.5;
    const int turns = int(rng.below(4));
    const double angle = (2.0 * rng.uniform() - 1.0) * s.rotate;
    const double dx = (2.0 * rng.uniform() - 1.0) * s.shift, dy = (2.0 * rng.uniform() - 1.0) * s.shift;
    const double zoom = 1.0 + (2.0 * rng.uniform() - 1.0) * s.zoom;
    const double blur = rng.uniform() * s.blur;
    const bool square = image.dim(1) == image.dim(2);
    auto geometry = [&](Tensor& t) {
        if (s.flip && flipH) t = flipHorizontal(t);
        if (s.flip && flipV) t = flipVertical(t);
        if (s.rot90 && square) t = rot90(t, turns);
        if (angle != 0.0 || dx != 0.0 || dy != 0.0 || zoom != 1.0) t = affineImage(t, angle, zoom, dx, dy);
    };
    geometry(image);
    if (target && target->rank() == 3 && target->dim(1) == image.dim(1) && target->dim(2) == image.dim(2)) geometry(*target);
    if (blur > 0.0) blurImage(image, blur);
    if (s.poissonGain > 0.0) addPoissonNoise(image, s.poissonGain, rng);
    if (s.noise > 0.0) addGaussianNoise(image, s.noise, rng);
}

AugmentedDataset::AugmentedDataset(std::shared_ptr<const Dataset> base, AugmentSpec spec, std::uint64_t seed)
    : base_(std::move(base)), spec_(spec), seed_(seed) {
    if (base_->inputShape().size() != 3)
        throw ShapeError("augmentation needs image inputs (C, H, W), got " + toString(base_->inputShape()));
}

void AugmentedDataset::beginEpoch(int epoch) const {
    epoch_ = epoch;
    base_->beginEpoch(epoch);
}

void AugmentedDataset::batch(const std::vector<int>& indices, Tensor& x, Tensor& y) const {
    base_->batch(indices, x, y);
    if (!spec_.any()) return;
    const Shape in = base_->inputShape(), out = base_->targetShape();
    const bool imageTarget = out.size() == 3 && out[1] == in[1] && out[2] == in[2];
    const std::size_t xs = product(in), ys = product(out);
    const std::uint64_t epochSeed = galaxySeed(seed_, epoch_.load());
#pragma omp parallel for schedule(static) if (indices.size() > 8)
    for (int b = 0; b < int(indices.size()); ++b) {
        Rng rng(galaxySeed(epochSeed, indices[std::size_t(b)]));
        Tensor sample(in), target;
        std::copy_n(x.data() + std::size_t(b) * xs, xs, sample.data());
        if (imageTarget) {
            target = Tensor(out);
            std::copy_n(y.data() + std::size_t(b) * ys, ys, target.data());
        }
        augment(sample, spec_, rng, imageTarget ? &target : nullptr);
        std::copy_n(sample.data(), xs, x.data() + std::size_t(b) * xs);
        if (imageTarget) std::copy_n(target.data(), ys, y.data() + std::size_t(b) * ys);
    }
}

}  // namespace deepfield
