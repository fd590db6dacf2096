#include "train/schedule.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace deepfield {

double Schedule::learningRate(double base, int epoch, int totalEpochs) const {
    if (kind == "step") return base * std::pow(gamma, epoch / std::max(stepSize, 1));
    if (kind == "exponential") return base * std::pow(gamma, epoch);
    if (kind == "cosine") {
        const int T = period > 0 ? period : std::max(totalEpochs, 1);
        const double t = std::min(epoch, T);
        return minLr + 0.5 * (base - minLr) * (1 + std::cos(M_PI * t / T));
    }
    return base;
}

Schedule Schedule::fromJson(const Json& j) {
    Schedule s;
    if (j.is_string()) s.kind = j.get<std::string>();
    else if (j.is_object()) {
        try {
            s.kind = j.value("kind", s.kind);
            s.stepSize = j.value("step_size", s.stepSize);
            s.gamma = j.value("gamma", s.gamma);
            s.period = j.value("period", s.period);
            s.minLr = j.value("min_lr", s.minLr);
        } catch (const Json::exception& e) {
            throw InputError(std::string("learning-rate schedule: a value has the wrong type (") + e.what() + ")");
        }
        if (s.stepSize < 1) throw InputError("learning-rate schedule: 'step_size' must be ≥ 1");
        if (!(s.gamma > 0)) throw InputError("learning-rate schedule: 'gamma' must be > 0");
        if (s.period < 0 || s.minLr < 0) throw InputError("learning-rate schedule: 'period' and 'min_lr' must be ≥ 0");
    } else if (!j.is_null()) {
        throw InputError("learning-rate schedule: expected a name such as \"cosine\" or an object, got " + j.dump());
    }
    if (s.kind != "constant" && s.kind != "step" && s.kind != "exponential" && s.kind != "cosine")
        throw InputError("unknown learning-rate schedule '" + s.kind + "'; use constant, step, exponential or cosine");
    return s;
}

Json Schedule::toJson() const {
    return Json{{"kind", kind}, {"step_size", stepSize}, {"gamma", gamma}, {"period", period}, {"min_lr", minLr}};
}

}  // namespace deepfield
