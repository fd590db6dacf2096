#include "latent_csv.h"

#include <sstream>

namespace deepfield::app {

std::string latentCsv(const LatentCodes& c, const std::vector<std::string>& names, const std::vector<std::string>& labels) {
    const int n = c.mu.batch(), d = c.mu.dim(1);
    std::ostringstream csv;
    csv.precision(7);  // as deepfield-cli encode
    csv << "filename,label";
    for (int j = 0; j < d; ++j) csv << ",mu_" << j;
    for (int j = 0; j < d; ++j) csv << ",sigma_" << j;
    csv << "\n";
    for (int i = 0; i < n; ++i) {
        csv << (std::size_t(i) < names.size() ? names[std::size_t(i)] : "sample_" + std::to_string(i)) << ",";
        if (std::size_t(i) < labels.size()) csv << labels[std::size_t(i)];
        for (int j = 0; j < d; ++j) csv << "," << c.mu.sample(i)[j];
        for (int j = 0; j < d; ++j) csv << "," << c.sigma.sample(i)[j];
        csv << "\n";
    }
    return csv.str();
}

}  // namespace deepfield::app
