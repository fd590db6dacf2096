#pragma once
// A run's "preprocessing" block (model.json of deepfield-cli train on an image folder) read back
// into the PreprocessSpec it records: crop, image_size, grey, channels, stretch, normalise.
#include "core/json.h"
#include "data/preprocess.h"

namespace deepfield {

// Missing keys take PreprocessSpec's defaults (linear stretch, per-image normalisation);
// InputError for a value of the wrong type or an unknown stretch/normalisation.
PreprocessSpec preprocessSpecFromJson(const Json& pre);

}  // namespace deepfield
