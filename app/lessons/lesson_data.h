#pragma once
// The data the lesson playgrounds draw on, read from the shipped files: SDSS DR14 colours of
// stars, galaxies and quasars (classification), galaxy colours with spectroscopic redshifts
// (regression), and one Galaxy Zoo cut-out as a grey image (convolution).
#include <QString>
#include <QStringList>
#include <vector>

#include "core/tensor.h"

namespace deepfield::app {

struct ColourSample {
    Tensor features;  // (N, 4): u−g, g−r, r−i, i−z
    QStringList featureNames;
    std::vector<int> labels;      // classification: index into classNames
    std::vector<float> redshift;  // regression: spectroscopic redshift
    QStringList classNames;
};

// `count` rows drawn at random (seeded) from the SDSS DR14 table. Throws InputError naming the
// file when it cannot be read.
ColourSample loadColourClasses(const QString& csv, int count, std::uint64_t seed = 3);
// Galaxies with 0 < z < 1 only, for photometric redshift.
ColourSample loadGalaxyRedshifts(const QString& csv, int count, std::uint64_t seed = 3);

// BOSS DR10 galaxies (ANNz table: magnitudes u..z, spectroscopic Z): colours u−g, g−r, r−i, i−z
// and the r magnitude, `count` rows drawn at random (seeded).
ColourSample loadBossRedshifts(const QString& csv, int count, std::uint64_t seed = 3);

// A Galaxy Zoo spiral as a grey (size, size) image in [0, 1] (centre crop, averaged bands);
// a simulated spiral when the cut-outs are missing.
Tensor lessonGalaxyImage(int size = 96);

}  // namespace deepfield::app
