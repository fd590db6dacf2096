#pragma once
// Lesson 10, features or pixels: photometric redshift learned from catalogue colours (real BOSS
// galaxies with spectroscopic redshifts) and from images (simulated galaxies given a toy redshift
// that reddens and dims them: the simulator has no redshift of its own). Both measured by NMAD on
// held-out galaxies against the trivial answer, the training set's mean redshift.
#include <atomic>
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace deepfield::app {

struct PhotoZRun {
    std::vector<float> truth, predicted;  // held-out galaxies
    double nmad = 0;         // NMAD of Δz = (z_pred − z)/(1 + z)
    double trivialNmad = 0;  // the same for the training set's mean redshift
    double outliers = 0;     // share with |Δz| > 0.15
    int trainCount = 0;
};

// An MLP (32, 32, ReLU) on standardised colours (N, F) with redshifts z; a seeded quarter held out.
PhotoZRun runColourPhotoZ(const Tensor& colours, const std::vector<float>& z, int epochs = 40,
                          std::uint64_t seed = 1, const std::atomic<bool>* cancel = nullptr);

// Simulated g, r, i galaxies (size × size) with toy redshifts z ~ U(0.05, 0.6): band b scaled by
// exp(k_b z) (k = −1.5, 0, +1) and all by (1 + z)^−3, then sky noise; a small CNN learns z.
struct ImagePhotoZData {
    Tensor images;  // (N, 3, S, S)
    std::vector<float> z;
};
ImagePhotoZData simulateRedshiftedGalaxies(int count, int size, std::uint64_t seed);
PhotoZRun runImagePhotoZ(const ImagePhotoZData& data, int epochs = 12, std::uint64_t seed = 1,
                         const std::atomic<bool>* cancel = nullptr);

}  // namespace deepfield::app
