#include "layers/registry.h"

#include "core/error.h"

namespace deepfield {

const LayerRegistry& LayerRegistry::instance() {
    static const LayerRegistry registry = [] {
        LayerRegistry r;
        registerCoreLayers(r);
        registerActivationLayers(r);
        registerConvolutionLayers(r);
        registerPoolingLayers(r);
        registerNormalizationLayers(r);
        registerMergeLayers(r);
        registerUpsamplingLayers(r);
        registerGenerativeLayers(r);
        return r;
    }();
    return registry;
}

void LayerRegistry::add(LayerInfo info) { infos_.push_back(std::move(info)); }

const LayerInfo* LayerRegistry::find(const std::string& type) const {
    for (const LayerInfo& i : infos_)
        if (i.type == type) return &i;
    return nullptr;
}

std::unique_ptr<Layer> LayerRegistry::create(const std::string& type, const Json& config) const {
    const LayerInfo* info = find(type);
    if (!info) {
        std::string names;
        for (const LayerInfo& i : infos_) names += (names.empty() ? "" : ", ") + i.type;
        throw InputError("unknown layer type '" + type + "'; known types: " + names);
    }
    Json merged = info->defaults;
    if (!config.is_null() && !config.is_object())
        throw InputError(type + ": config must be an object, got " + config.dump());
    if (config.is_object())
        for (auto it = config.begin(); it != config.end(); ++it) merged[it.key()] = it.value();
    return info->create(merged);
}

namespace {
const Json& field(const Json& c, const std::string& key, const std::string& t) {
    if (!c.contains(key)) throw InputError(t + ": missing hyper-parameter '" + key + "'");
    return c.at(key);
}
[[noreturn]] void bad(const std::string& t, const std::string& key, const Json& v, const char* want) {
    throw InputError(t + ": hyper-parameter '" + key + "' must be " + want + ", got " + v.dump());
}
}  // namespace

int configInt(const Json& c, const std::string& key, const std::string& t) {
    const Json& v = field(c, key, t);
    if (!v.is_number_integer()) bad(t, key, v, "an integer");
    return v.get<int>();
}

float configFloat(const Json& c, const std::string& key, const std::string& t) {
    const Json& v = field(c, key, t);
    if (!v.is_number()) bad(t, key, v, "a number");
    return v.get<float>();
}

bool configBool(const Json& c, const std::string& key, const std::string& t) {
    const Json& v = field(c, key, t);
    if (!v.is_boolean()) bad(t, key, v, "true or false");
    return v.get<bool>();
}

std::string configString(const Json& c, const std::string& key, const std::string& t) {
    const Json& v = field(c, key, t);
    if (!v.is_string()) bad(t, key, v, "a string");
    return v.get<std::string>();
}

std::pair<int, int> configPair(const Json& c, const std::string& key, const std::string& t) {
    const Json& v = field(c, key, t);
    if (v.is_number_integer()) return {v.get<int>(), v.get<int>()};
    if (v.is_array() && v.size() == 2 && v[0].is_number_integer() && v[1].is_number_integer())
        return {v[0].get<int>(), v[1].get<int>()};
    bad(t, key, v, "an integer or a pair [height, width]");
}

std::vector<int> configInts(const Json& c, const std::string& key, const std::string& t) {
    const Json& v = field(c, key, t);
    if (!v.is_array()) bad(t, key, v, "a list of integers");
    std::vector<int> out;
    for (const Json& e : v) {
        if (!e.is_number_integer()) bad(t, key, v, "a list of integers");
        out.push_back(e.get<int>());
    }
    return out;
}

}  // namespace deepfield
