#include "layers/dense.h"

#include "layers/registry.h"

namespace deepfield {

Dense::Dense(int units, bool useBias, Initializer kernelInit, Initializer biasInit)
    : units_(units), useBias_(useBias), kernelInit_(kernelInit), biasInit_(biasInit) {}

Json Dense::config() const {
    return Json{{"units", units_},
                {"use_bias", useBias_},
                {"kernel_initializer", kernelInit_.toJson()},
                {"bias_initializer", biasInit_.toJson()}};
}

Shape Dense::outputShape(const Shape& input) const {
    if (units_ < 1) throwShapeError(type(), {input}, "units must be at least 1, got " + std::to_string(units_));
    if (input.size() != 1)
        throwShapeError(type(), {input}, "expects a flat vector of features; add a Flatten layer before it");
    return {units_};
}

void Dense::build(const Shape& input) {
    kernel_ = Tensor({units_, input[0]});
    kernelGrad_ = Tensor({units_, input[0]});
    if (useBias_) {
        bias_ = Tensor({units_});
        biasGrad_ = Tensor({units_});
    }
}

void Dense::reset(Rng& rng, const InitHint& hint) {
    kernelInit_.apply(kernel_, kernel_.dim(1), units_, rng, hint.reluFollows);
    if (useBias_) biasInit_.apply(bias_, kernel_.dim(1), units_, rng, false);
}

void Dense::forward(const Tensor& x, Tensor& y, Mode) {
    y.resize({x.batch(), units_});
    auto Y = y.matrix();
    Y.noalias() = x.matrix() * kernel_.matrix().transpose();
    if (useBias_) Y.rowwise() += bias_.vec().transpose();
}

void Dense::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx) {
    const auto dY = dy.matrix();
    kernelGrad_.matrix().noalias() += dY.transpose() * x.matrix();
    if (useBias_) biasGrad_.vec() += dY.colwise().sum().transpose();
    if (dx) {
        dx->resizeLike(x);
        dx->matrix().noalias() = dY * kernel_.matrix();
    }
}

std::vector<Param> Dense::parameters() {
    std::vector<Param> p{{"kernel", &kernel_, &kernelGrad_}};
    if (useBias_) p.push_back({"bias", &bias_, &biasGrad_});
    return p;
}

}  // namespace deepfield
