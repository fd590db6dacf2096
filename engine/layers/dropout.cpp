#include "layers/dropout.h"

namespace deepfield {

Shape Dropout::outputShape(const Shape& input) const {
    if (!(rate_ >= 0.0f && rate_ < 1.0f))
        throwShapeError(type(), {input}, "rate must be in [0, 1), got " + std::to_string(rate_));
    return input;
}

void Dropout::forward(const Tensor& x, Tensor& y, Mode mode) {
    y.resizeLike(x);
    if (mode == Mode::Inference || rate_ == 0.0f) {
        mask_ = Tensor();
        y.vec() = x.vec();
        return;
    }
    mask_.resizeLike(x);
    const float keep = 1.0f / (1.0f - rate_);
    for (std::size_t i = 0; i < x.size(); ++i) mask_[i] = rng_.uniform() < rate_ ? 0.0f : keep;
    y.vec() = x.vec().cwiseProduct(mask_.vec());
}

void Dropout::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) {
    if (!dx) return;
    dx->resizeLike(x);
    if (mask_.empty()) dx->vec() = dy.vec();
    else dx->vec() = dy.vec().cwiseProduct(mask_.vec());
}

}  // namespace deepfield
