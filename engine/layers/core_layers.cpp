// Registration of the Core family: Input, Dense, Flatten, Reshape, Dropout.
#include "layers/dense.h"
#include "layers/dropout.h"
#include "layers/registry.h"
#include "layers/reshaping.h"

namespace deepfield {

void registerCoreLayers(LayerRegistry& r) {
    r.add({"Input", "Core", "Entry point of the network; shape is per sample, e.g. [1, 64, 64]",
           Json{{"shape", {4}}},
           [](const Json& c) { return std::make_unique<Input>(configInts(c, "shape", "Input")); }});
    r.add({"Dense", "Core", "Fully connected layer: every output sees every input",
           Json{{"units", 32}, {"use_bias", true}, {"kernel_initializer", "auto"}, {"bias_initializer", "zeros"}},
           [](const Json& c) {
               return std::make_unique<Dense>(configInt(c, "units", "Dense"), configBool(c, "use_bias", "Dense"),
                                              Initializer::parse(c.at("kernel_initializer")),
                                              Initializer::parse(c.at("bias_initializer")));
           }});
    r.add({"Flatten", "Core", "Turns (C, H, W) feature maps into one vector", Json::object(),
           [](const Json&) { return std::make_unique<Flatten>(); }});
    r.add({"Reshape", "Core", "Same values, new per-sample shape", Json{{"target_shape", {1}}},
           [](const Json& c) { return std::make_unique<Reshape>(configInts(c, "target_shape", "Reshape")); }});
    r.add({"Dropout", "Core", "Randomly silences a share of values while training (regularisation)",
           Json{{"rate", 0.5}},
           [](const Json& c) { return std::make_unique<Dropout>(configFloat(c, "rate", "Dropout")); }});
}

}  // namespace deepfield
