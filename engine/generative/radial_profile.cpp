#include "generative/radial_profile.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"

namespace deepfield {

RadialProfile meanRadialProfile(const Tensor& images) {
    if (images.rank() != 4) throw ShapeError("meanRadialProfile: images must be (N, C, H, W), got " + toString(images.shape()));
    const int n = images.dim(0), channels = images.dim(1), h = images.dim(2), w = images.dim(3);
    const int annuli = std::max(1, std::min(h, w) / 2);
    const double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
    // Annulus of every pixel, once; -1 outside the last full annulus.
    std::vector<int> annulus(std::size_t(h) * w);
    RadialProfile p;
    p.radius.assign(std::size_t(annuli), 0.0);
    p.intensity.assign(std::size_t(annuli), 0.0);
    p.pixels.assign(std::size_t(annuli), 0);
    for (int i = 0; i < h; ++i)
        for (int j = 0; j < w; ++j) {
            const double r = std::hypot(j - cx, i - cy);
            const int k = int(r);
            annulus[std::size_t(i) * w + j] = k < annuli ? k : -1;
            if (k < annuli) p.radius[std::size_t(k)] += r, ++p.pixels[std::size_t(k)];
        }
    std::vector<double> sum(std::size_t(annuli), 0.0);
    const std::size_t plane = std::size_t(h) * w;
    for (int s = 0; s < n; ++s)
        for (int c = 0; c < channels; ++c) {
            const float* x = images.sample(s) + std::size_t(c) * plane;
            for (std::size_t q = 0; q < plane; ++q)
                if (annulus[q] >= 0) sum[std::size_t(annulus[q])] += x[q];
        }
    const double planes = double(n) * channels;
    for (int k = 0; k < annuli; ++k) {
        const int m = p.pixels[std::size_t(k)];
        p.radius[std::size_t(k)] = m ? p.radius[std::size_t(k)] / m : k + 0.5;
        p.intensity[std::size_t(k)] = m && planes > 0 ? sum[std::size_t(k)] / (m * planes) : 0.0;
    }
    return p;
}

double halfLightRadius(const RadialProfile& p) {
    std::vector<double> cumulative(p.intensity.size());
    double total = 0.0;
    for (std::size_t k = 0; k < p.intensity.size(); ++k) {
        total += std::max(0.0, p.intensity[k]) * p.pixels[k];
        cumulative[k] = total;
    }
    if (!(total > 0)) return 0.0;
    double previous = 0.0;
    for (std::size_t k = 0; k < cumulative.size(); ++k) {
        if (cumulative[k] >= 0.5 * total) {
            const double t = (0.5 * total - previous) / std::max(cumulative[k] - previous, 1e-300);
            return double(k) + t;  // annulus k spans radii [k, k+1)
        }
        previous = cumulative[k];
    }
    return double(cumulative.size());
}

ProfileComparison compareProfiles(const RadialProfile& reference, const RadialProfile& candidate, double factor) {
    if (reference.intensity.size() != candidate.intensity.size())
        throw InputError("compareProfiles: the profiles have " + std::to_string(reference.intensity.size()) + " and " +
                         std::to_string(candidate.intensity.size()) + " annuli; compare images of the same size");
    ProfileComparison c;
    c.re = halfLightRadius(reference);
    c.maxRadius = factor * c.re;
    c.ratio.resize(reference.intensity.size());
    for (std::size_t k = 0; k < reference.intensity.size(); ++k) {
        const double r = reference.intensity[k];
        c.ratio[k] = r != 0.0 ? candidate.intensity[k] / r : (candidate.intensity[k] == 0.0 ? 1.0 : INFINITY);
        if (reference.radius[k] <= c.maxRadius) {
            const double d = std::abs(c.ratio[k] - 1.0);
            if (!(d <= c.maxRelativeDifference)) c.maxRelativeDifference = d, c.worstRadius = reference.radius[k];
        }
    }
    return c;
}

}  // namespace deepfield
