#include "core/tensor.h"

#include <algorithm>
#include <sstream>

#include "core/error.h"

namespace deepfield {

std::string toString(const Shape& shape) {
    std::ostringstream out;
    out << "(";
    for (std::size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
    out << ")";
    return out.str();
}

std::size_t product(const Shape& shape) {
    std::size_t n = 1;
    for (int d : shape) n *= static_cast<std::size_t>(std::max(d, 0));
    return n;
}

Tensor::Tensor(std::vector<int> shape, float fill) : shape_(std::move(shape)) {
    data_.assign(product(shape_), fill);
}

Tensor Tensor::withBatch(int batch, const Shape& sample, float fill) {
    std::vector<int> s{batch};
    s.insert(s.end(), sample.begin(), sample.end());
    return Tensor(std::move(s), fill);
}

Tensor Tensor::fromData(std::vector<int> shape, const std::vector<float>& values) {
    Tensor t(std::move(shape));
    if (values.size() != t.size())
        throw Error("Tensor::fromData: " + std::to_string(values.size()) + " values for shape " +
                    toString(t.shape()));
    std::copy(values.begin(), values.end(), t.data());
    return t;
}

void Tensor::resize(const std::vector<int>& shape) {
    shape_ = shape;
    data_.resize(product(shape_));
}

void Tensor::reshape(const std::vector<int>& shape) {
    if (product(shape) != data_.size())
        throw ShapeError("cannot reshape " + toString(shape_) + " to " + toString(shape));
    shape_ = shape;
}

void Tensor::fill(float value) { std::fill(data_.begin(), data_.end(), value); }

MatrixMap Tensor::matrix(Eigen::Index rows, Eigen::Index cols) {
    return MatrixMap(data(), rows, cols);
}

ConstMatrixMap Tensor::matrix(Eigen::Index rows, Eigen::Index cols) const {
    return ConstMatrixMap(data(), rows, cols);
}

}  // namespace deepfield
