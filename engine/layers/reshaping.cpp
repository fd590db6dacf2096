#include "layers/reshaping.h"

#include <algorithm>

namespace deepfield {

namespace {
// Copies src into dst with dst's batch and a new per-sample shape.
void copyAs(const Tensor& src, Tensor& dst, const Shape& sample) {
    std::vector<int> s{src.batch()};
    s.insert(s.end(), sample.begin(), sample.end());
    dst.resize(s);
    std::copy(src.data(), src.data() + src.size(), dst.data());
}
}  // namespace

Shape Input::outputShape(const std::vector<Shape>& inputs) const {
    if (!inputs.empty()) throwShapeError(type(), inputs, "an Input layer takes no inputs");
    if (shape_.empty() || std::any_of(shape_.begin(), shape_.end(), [](int d) { return d < 1; }))
        throwShapeError(type(), {shape_}, "shape must be non-empty with positive sizes");
    return shape_;
}

void Input::forward(const std::vector<const Tensor*>& x, Tensor& y, Mode) {
    if (!x.empty()) copyAs(*x[0], y, shape_);
}

void Flatten::forward(const Tensor& x, Tensor& y, Mode) {
    copyAs(x, y, {static_cast<int>(x.sampleSize())});
}

void Flatten::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) {
    if (dx) copyAs(dy, *dx, x.sampleShape());
}

Shape Reshape::outputShape(const Shape& input) const {
    if (product(target_) != product(input) ||
        std::any_of(target_.begin(), target_.end(), [](int d) { return d < 1; }))
        throwShapeError(type(), {input},
                        "cannot reshape " + std::to_string(product(input)) + " values to " +
                            toString(target_) + " (" + std::to_string(product(target_)) + " values)");
    return target_;
}

void Reshape::forward(const Tensor& x, Tensor& y, Mode) { copyAs(x, y, target_); }

void Reshape::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) {
    if (dx) copyAs(dy, *dx, x.sampleShape());
}

}  // namespace deepfield
