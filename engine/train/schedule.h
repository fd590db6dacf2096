#pragma once
// Learning-rate schedules, evaluated per epoch (epoch counts from 0).
#include <string>

#include "core/json.h"

namespace deepfield {

struct Schedule {
    std::string kind = "constant";  // constant, step, exponential, cosine
    int stepSize = 10;              // step: epochs between drops
    double gamma = 0.1;             // step: factor per drop; exponential: factor per epoch
    int period = 0;                 // cosine: epochs to reach minLr (0: the run's epoch count)
    double minLr = 0.0;             // cosine floor

    double learningRate(double baseLr, int epoch, int totalEpochs) const;
    static Schedule fromJson(const Json& j);  // throws InputError on unknown kinds
    Json toJson() const;
};

}  // namespace deepfield
