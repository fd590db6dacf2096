#pragma once
// Tensor: a shape and contiguous float32 storage in row-major (NCHW) order. Math goes
// through Eigen maps over the storage; the tensor itself stays a plain container.
#include <Eigen/Core>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

namespace deepfield {

// Per-sample shape (no batch dimension), e.g. {C, H, W} or {features}.
using Shape = std::vector<int>;
std::string toString(const Shape& shape);
std::size_t product(const Shape& shape);

using MatrixRM = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
// Unaligned maps: views may start at any sample or row (tensor.sample(n)), and with AVX the
// cost of unaligned loads is negligible next to a wrong-alignment crash.
using MatrixMap = Eigen::Map<MatrixRM>;
using ConstMatrixMap = Eigen::Map<const MatrixRM>;
using VectorMap = Eigen::Map<Eigen::VectorXf>;
using ConstVectorMap = Eigen::Map<const Eigen::VectorXf>;

class Tensor {
public:
    Tensor() = default;
    explicit Tensor(std::vector<int> shape, float fill = 0.0f);
    Tensor(std::initializer_list<int> shape) : Tensor(std::vector<int>(shape)) {}
    static Tensor withBatch(int batch, const Shape& sample, float fill = 0.0f);
    static Tensor fromData(std::vector<int> shape, const std::vector<float>& values);

    const std::vector<int>& shape() const { return shape_; }
    int rank() const { return static_cast<int>(shape_.size()); }
    int dim(int i) const { return shape_[static_cast<std::size_t>(i < 0 ? i + rank() : i)]; }
    std::size_t size() const { return data_.size(); }
    bool empty() const { return data_.empty(); }
    int batch() const { return shape_.empty() ? 0 : shape_[0]; }
    Shape sampleShape() const { return Shape(shape_.begin() + (shape_.empty() ? 0 : 1), shape_.end()); }
    std::size_t sampleSize() const { return shape_.empty() || shape_[0] == 0 ? 0 : size() / shape_[0]; }

    float* data() { return data_.data(); }
    const float* data() const { return data_.data(); }
    float* sample(int n) { return data_.data() + n * sampleSize(); }
    const float* sample(int n) const { return data_.data() + n * sampleSize(); }
    float& operator[](std::size_t i) { return data_[i]; }
    float operator[](std::size_t i) const { return data_[i]; }

    // Changes the shape; keeps the allocation when it is large enough (no reallocation per batch).
    void resize(const std::vector<int>& shape);
    void resizeLike(const Tensor& other) { resize(other.shape_); }
    // Same data, new shape with the same element count.
    void reshape(const std::vector<int>& shape);
    void fill(float value);
    void setZero() { fill(0.0f); }

    VectorMap vec() { return VectorMap(data(), static_cast<Eigen::Index>(size())); }
    ConstVectorMap vec() const { return ConstVectorMap(data(), static_cast<Eigen::Index>(size())); }
    // Row-major matrix view: (batch, sampleSize) unless rows/cols are given.
    MatrixMap matrix() { return MatrixMap(data(), batch(), static_cast<Eigen::Index>(sampleSize())); }
    ConstMatrixMap matrix() const {
        return ConstMatrixMap(data(), batch(), static_cast<Eigen::Index>(sampleSize()));
    }
    MatrixMap matrix(Eigen::Index rows, Eigen::Index cols);
    ConstMatrixMap matrix(Eigen::Index rows, Eigen::Index cols) const;

    std::vector<float> values() const { return std::vector<float>(data_.begin(), data_.end()); }

private:
    std::vector<int> shape_;
    std::vector<float, Eigen::aligned_allocator<float>> data_;
};

}  // namespace deepfield
