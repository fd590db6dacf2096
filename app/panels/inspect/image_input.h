#pragma once
// A dropped or opened image file turned into a network input: through the data set's own
// preprocessing for image folders, else (simulated galaxies) grey/resize and the simulator's
// per-image scaling by the 99th percentile.
#include <QString>

#include "core/tensor.h"
#include "data/dataset.h"

namespace deepfield::app::inspect {

// Throws InputError naming the file when it cannot become an input of shape `want` (C, H, W).
Tensor networkInputFromFile(const QString& path, const Dataset* dataset, const Shape& want);

}  // namespace deepfield::app::inspect
