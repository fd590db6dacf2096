#include "layers/layer.h"

#include "core/error.h"

namespace deepfield {

std::size_t Layer::parameterCount() {
    std::size_t n = 0;
    for (const Param& p : parameters()) n += p.value->size();
    return n;
}

Shape UnaryLayer::outputShape(const std::vector<Shape>& inputs) const {
    if (inputs.size() != 1)
        throwShapeError(type(), inputs, "takes exactly one input, got " + std::to_string(inputs.size()));
    return outputShape(inputs[0]);
}

void throwShapeError(const std::string& layerType, const std::vector<Shape>& inputs,
                     const std::string& why) {
    std::string in;
    for (std::size_t i = 0; i < inputs.size(); ++i) in += (i ? ", " : "") + toString(inputs[i]);
    throw ShapeError(layerType + ": input " + in + ": " + why);
}

}  // namespace deepfield
