#include "data/standardizer.h"

#include <cmath>

#include "core/error.h"

namespace deepfield {

Standardizer Standardizer::fit(const Tensor& x) {
    if (x.rank() != 2) throw ShapeError("standardisation needs a (N, features) table, got " + toString(x.shape()));
    const int n = x.dim(0), f = x.dim(1);
    Standardizer s;
    s.mean.assign(std::size_t(f), 0.0);
    s.std.assign(std::size_t(f), 1.0);
    if (n == 0) return s;
    for (int j = 0; j < f; ++j) {
        double sum = 0;
        for (int i = 0; i < n; ++i) sum += x[std::size_t(i) * f + j];
        const double m = sum / n;
        double sq = 0;
        for (int i = 0; i < n; ++i) {
            const double d = x[std::size_t(i) * f + j] - m;
            sq += d * d;
        }
        const double sd = std::sqrt(sq / n);
        s.mean[std::size_t(j)] = m;
        s.std[std::size_t(j)] = sd > 0 ? sd : 1.0;
    }
    return s;
}

void Standardizer::apply(Tensor& x) const {
    if (empty()) return;
    const int f = int(mean.size());
    if (x.rank() != 2 || x.dim(1) != f)
        throw ShapeError("standardisation was fitted on " + std::to_string(f) + " features but the data has shape " +
                         toString(x.sampleShape()));
    const int n = x.dim(0);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < f; ++j) {
            float& v = x[std::size_t(i) * f + j];
            v = float((double(v) - mean[std::size_t(j)]) / std[std::size_t(j)]);
        }
}

Json Standardizer::toJson() const { return Json{{"mean", mean}, {"std", std}}; }

Standardizer Standardizer::fromJson(const Json& j) {
    Standardizer s;
    if (j.is_null()) return s;
    try {
        s.mean = j.at("mean").get<std::vector<double>>();
        s.std = j.at("std").get<std::vector<double>>();
    } catch (const std::exception&) {
        throw InputError("standardisation block needs \"mean\" and \"std\" lists of numbers");
    }
    if (s.mean.size() != s.std.size()) throw InputError("standardisation: \"mean\" and \"std\" differ in length");
    for (double& sd : s.std)
        if (!(sd > 0)) throw InputError("standardisation: every \"std\" must be positive");
    return s;
}

}  // namespace deepfield
