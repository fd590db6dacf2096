#pragma once
// Mean radial light profiles, to compare generated galaxies with the training set: the
// azimuthal mean intensity in 1-pixel annuli around the stamp centre, averaged over channels
// and images; the half-light radius Re of a mean profile from its curve of growth; and the
// largest relative difference |candidate / reference − 1| at radii inside k·Re.
#include <vector>

#include "core/tensor.h"

namespace deepfield {

struct RadialProfile {
    std::vector<double> radius;     // annulus k: mean pixel distance of [k, k+1) pixels from the centre
    std::vector<double> intensity;  // mean pixel value in annulus k
    std::vector<int> pixels;        // pixels per annulus (per channel and image)
};

// Mean profile of images (N, C, H, W) around ((W−1)/2, (H−1)/2), out to the largest annulus
// that lies fully inside the stamp (min(H, W)/2 pixels).
RadialProfile meanRadialProfile(const Tensor& images);

// Half-light radius: where the cumulative flux Σ intensity·pixels reaches half its total
// (linear interpolation between annulus outer edges). Negative intensities count as 0.
double halfLightRadius(const RadialProfile& profile);

struct ProfileComparison {
    double re = 0.0;                   // half-light radius of the reference
    double maxRadius = 0.0;            // compared out to factor · re
    double maxRelativeDifference = 0;  // max over annuli with radius ≤ maxRadius of |c/r − 1|
    double worstRadius = 0.0;          // where it occurs
    std::vector<double> ratio;         // candidate / reference per annulus
};
// Throws InputError when the two profiles do not have the same annuli (different stamp sizes).
ProfileComparison compareProfiles(const RadialProfile& reference, const RadialProfile& candidate, double factor = 2.0);

}  // namespace deepfield
