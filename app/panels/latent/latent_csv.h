#pragma once
// Latent coordinates as CSV, the columns of `deepfield-cli encode`:
//   filename,label,mu_0..mu_{D-1},sigma_0..sigma_{D-1}
#include <string>
#include <vector>

#include "generative/latent.h"

namespace deepfield::app {

// names: one per row (file names, or "sample_<i>" for in-memory data); labels: text per row ("" none).
std::string latentCsv(const LatentCodes& codes, const std::vector<std::string>& names,
                      const std::vector<std::string>& labels);

}  // namespace deepfield::app
