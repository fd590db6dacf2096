#pragma once
// Numeric labels per image for colouring the latent plane (B/T, Sérsic n, radius, magnitude ...):
// simulated sources are simulated again (same options, so the same galaxies) for their truth;
// image folders give the numeric columns of their labels CSV.
#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "data/dataset.h"

namespace deepfield::app {

using NumericLabels = std::map<std::string, std::vector<double>>;  // column → value per image
// `source` as DataPanel::source(); `data` its dataset. Empty for sources without numeric labels.
NumericLabels numericLabels(const Json& source, const Dataset& data, const std::atomic<bool>& cancel);

}  // namespace deepfield::app
