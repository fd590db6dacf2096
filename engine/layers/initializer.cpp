#include "layers/initializer.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/error.h"

namespace deepfield {

Initializer Initializer::parse(const Json& j) {
    Initializer init;
    if (j.is_string()) {
        init.kind = j.get<std::string>();
    } else if (j.is_object()) {
        if (j.contains("kind") && !j["kind"].is_string())
            throw InputError("initializer: \"kind\" must be a name such as \"he_normal\", got " + j["kind"].dump());
        init.kind = j.value("kind", std::string("auto"));
        for (auto [key, target] : {std::pair<const char*, float*>{"value", &init.value}, {"stddev", &init.stddev},
                                   {"limit", &init.limit}}) {
            if (!j.contains(key)) continue;
            if (!j[key].is_number())
                throw InputError(std::string("initializer '") + init.kind + "': \"" + key + "\" must be a number, got " +
                                 j[key].dump());
            *target = j[key].get<float>();
        }
    } else if (!j.is_null()) {
        throw InputError("initializer: expected a name such as \"he_normal\" or an object, got " + j.dump());
    }
    static const char* known[] = {"auto", "he_normal", "he_uniform", "glorot_normal", "glorot_uniform",
                                  "lecun_normal", "lecun_uniform", "zeros", "ones", "constant",
                                  "random_normal", "random_uniform"};
    for (const char* k : known)
        if (init.kind == k) return init;
    throw InputError("initializer: unknown kind '" + init.kind +
                     "'; use he_normal, he_uniform, glorot_normal, glorot_uniform, lecun_normal, "
                     "lecun_uniform, zeros, ones, constant, random_normal or random_uniform");
}

Json Initializer::toJson() const {
    if (kind == "constant") return Json{{"kind", kind}, {"value", value}};
    if (kind == "random_normal") return Json{{"kind", kind}, {"stddev", stddev}};
    if (kind == "random_uniform") return Json{{"kind", kind}, {"limit", limit}};
    return kind;
}

void Initializer::apply(Tensor& w, int fanIn, int fanOut, Rng& rng, bool reluFollows) const {
    std::string k = kind;
    if (k == "auto") k = reluFollows ? "he_uniform" : "glorot_uniform";
    const double in = std::max(fanIn, 1), out = std::max(fanOut, 1);
    auto uniformFill = [&](double limit) {
        for (std::size_t i = 0; i < w.size(); ++i) w[i] = rng.uniform(-float(limit), float(limit));
    };
    auto normalFill = [&](double sd) {
        for (std::size_t i = 0; i < w.size(); ++i) w[i] = rng.normal(0.0f, float(sd));
    };
    if (k == "zeros") w.fill(0.0f);
    else if (k == "ones") w.fill(1.0f);
    else if (k == "constant") w.fill(value);
    else if (k == "random_normal") normalFill(stddev);
    else if (k == "random_uniform") uniformFill(limit);
    else if (k == "he_normal") normalFill(std::sqrt(2.0 / in));
    else if (k == "he_uniform") uniformFill(std::sqrt(6.0 / in));
    else if (k == "glorot_normal") normalFill(std::sqrt(2.0 / (in + out)));
    else if (k == "glorot_uniform") uniformFill(std::sqrt(6.0 / (in + out)));
    else if (k == "lecun_normal") normalFill(std::sqrt(1.0 / in));
    else if (k == "lecun_uniform") uniformFill(std::sqrt(3.0 / in));
    else throw InputError("initializer: unknown kind '" + k + "'");
}

}  // namespace deepfield
