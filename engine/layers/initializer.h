#pragma once
// Weight initializers with Keras names. "auto" picks He (uniform) when a ReLU-family
// activation follows the layer and Glorot (uniform) otherwise.
#include <string>

#include "core/json.h"
#include "core/rng.h"
#include "core/tensor.h"

namespace deepfield {

struct Initializer {
    // auto, he_normal, he_uniform, glorot_normal, glorot_uniform, lecun_normal,
    // lecun_uniform, zeros, ones, constant, random_normal, random_uniform
    std::string kind = "auto";
    float value = 0.0f;    // constant
    float stddev = 0.05f;  // random_normal
    float limit = 0.05f;   // random_uniform: U(-limit, limit)

    static Initializer parse(const Json& j);  // "he_normal" or {"kind": "constant", "value": 0.1}
    Json toJson() const;
    void apply(Tensor& w, int fanIn, int fanOut, Rng& rng, bool reluFollows) const;
};

}  // namespace deepfield
