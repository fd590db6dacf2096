#include "data/preprocess_json.h"

#include "core/error.h"

namespace deepfield {

PreprocessSpec preprocessSpecFromJson(const Json& pre) {
    PreprocessSpec p;
    try {
        p.crop = pre.value("crop", 0.0);
        p.imageSize = pre.value("image_size", 0);
        p.grey = pre.value("grey", false);
        p.channels = pre.value("channels", std::vector<int>{});
        p.stretch = stretchKindFromString(pre.value("stretch", std::string("linear")));
        p.normalise = normalisationFromString(pre.value("normalise", std::string("image")));
    } catch (const Json::exception& e) {
        throw InputError(std::string("the run's preprocessing block is incomplete: ") + e.what());
    }
    return p;
}

}  // namespace deepfield
