#include "layers/merge.h"

#include <algorithm>
#include <cstring>

#include "layers/registry.h"

namespace deepfield {

Shape Add::outputShape(const std::vector<Shape>& inputs) const {
    if (inputs.size() < 2)
        throwShapeError(type(), inputs, "adds two or more inputs, got " + std::to_string(inputs.size()));
    for (std::size_t i = 1; i < inputs.size(); ++i)
        if (inputs[i] != inputs[0])
            throwShapeError(type(), inputs,
                            "all inputs must have the same shape; input 0 is " + toString(inputs[0]) + " but input " +
                                std::to_string(i) + " is " + toString(inputs[i]) +
                                ". Match them with a 1x1 Conv2D or a Dense layer");
    return inputs[0];
}

void Add::forward(const std::vector<const Tensor*>& x, Tensor& y, Mode) {
    y.resizeLike(*x[0]);
    y.vec() = x[0]->vec() + x[1]->vec();
    for (std::size_t i = 2; i < x.size(); ++i) y.vec() += x[i]->vec();
}

void Add::backward(const std::vector<const Tensor*>&, const Tensor&, const Tensor& dy, const std::vector<Tensor*>& dx) {
    for (Tensor* d : dx)
        if (d) {
            d->resizeLike(dy);
            d->vec() = dy.vec();
        }
}

Shape Concatenate::outputShape(const std::vector<Shape>& inputs) const {
    if (inputs.size() < 2)
        throwShapeError(type(), inputs, "joins two or more inputs, got " + std::to_string(inputs.size()));
    const int rank = static_cast<int>(inputs[0].size());
    const int axis = axisFor(rank);
    if (axis < 0 || axis >= rank)
        throwShapeError(type(), inputs,
                        "axis " + std::to_string(axis_) + " does not exist for inputs of rank " + std::to_string(rank) +
                            " (axis 0 is the channel axis)");
    Shape out = inputs[0];
    for (std::size_t i = 1; i < inputs.size(); ++i) {
        bool fits = static_cast<int>(inputs[i].size()) == rank;
        for (int d = 0; fits && d < rank; ++d)
            if (d != axis && inputs[i][d] != inputs[0][d]) fits = false;
        if (!fits)
            throwShapeError(type(), inputs,
                            "inputs may differ only along axis " + std::to_string(axis) + "; input 0 is " +
                                toString(inputs[0]) + " but input " + std::to_string(i) + " is " +
                                toString(inputs[i]));
        out[axis] += inputs[i][axis];
    }
    return out;
}

namespace {
// A sample viewed as (outer, axis · inner): blocks of `axis·inner` values repeat `outer` times.
std::size_t innerSize(const Shape& s, int axis) {
    std::size_t n = 1;
    for (std::size_t d = static_cast<std::size_t>(axis) + 1; d < s.size(); ++d) n *= static_cast<std::size_t>(s[d]);
    return n;
}
std::size_t outerSize(const Shape& s, int axis) {
    std::size_t n = 1;
    for (int d = 0; d < axis; ++d) n *= static_cast<std::size_t>(s[static_cast<std::size_t>(d)]);
    return n;
}
}  // namespace

void Concatenate::forward(const std::vector<const Tensor*>& x, Tensor& y, Mode) {
    std::vector<Shape> shapes;
    for (const Tensor* t : x) shapes.push_back(t->sampleShape());
    const Shape out = outputShape(shapes);
    const int axis = axisFor(static_cast<int>(out.size()));
    std::vector<int> full{x[0]->batch()};
    full.insert(full.end(), out.begin(), out.end());
    y.resize(full);
    const std::size_t outer = outerSize(out, axis), inner = innerSize(out, axis);
    const std::size_t outBlock = static_cast<std::size_t>(out[static_cast<std::size_t>(axis)]) * inner;
    const int N = x[0]->batch();
    for (int n = 0; n < N; ++n) {
        std::size_t offset = 0;  // within an output block
        for (const Tensor* t : x) {
            const std::size_t block = static_cast<std::size_t>(t->dim(axis + 1)) * inner;
            for (std::size_t o = 0; o < outer; ++o)
                std::memcpy(y.sample(n) + o * outBlock + offset, t->sample(n) + o * block, block * sizeof(float));
            offset += block;
        }
    }
}

void Concatenate::backward(const std::vector<const Tensor*>& x, const Tensor& y, const Tensor& dy,
                           const std::vector<Tensor*>& dx) {
    const Shape out = y.sampleShape();
    const int axis = axisFor(static_cast<int>(out.size()));
    const std::size_t outer = outerSize(out, axis), inner = innerSize(out, axis);
    const std::size_t outBlock = static_cast<std::size_t>(out[static_cast<std::size_t>(axis)]) * inner;
    const int N = y.batch();
    std::size_t offset = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const std::size_t block = static_cast<std::size_t>(x[i]->dim(axis + 1)) * inner;
        if (i < dx.size() && dx[i]) {
            dx[i]->resizeLike(*x[i]);
            for (int n = 0; n < N; ++n)
                for (std::size_t o = 0; o < outer; ++o)
                    std::memcpy(dx[i]->sample(n) + o * block, dy.sample(n) + o * outBlock + offset,
                                block * sizeof(float));
        }
        offset += block;
    }
}

void registerMergeLayers(LayerRegistry& r) {
    r.add({"Add", "Merge", "Adds its inputs element by element (residual / skip connections)", Json::object(),
           [](const Json&) { return std::make_unique<Add>(); }});
    r.add({"Concatenate", "Merge", "Stacks its inputs along the channel axis (U-Net skips)", Json{{"axis", 0}},
           [](const Json& c) { return std::make_unique<Concatenate>(configInt(c, "axis", "Concatenate")); }});
}

}  // namespace deepfield
