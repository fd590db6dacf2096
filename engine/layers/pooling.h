#pragma once
// Pooling layers: MaxPooling2D, AveragePooling2D (window, strides, "valid"/"same") and
// GlobalAveragePooling2D. x (N, C, H, W); windows never mix channels.
#include <utility>
#include <vector>

#include "layers/im2col.h"
#include "layers/layer.h"

namespace deepfield {

enum class PoolKind { Max, Average };

// MaxPooling2D / AveragePooling2D(pool_size, strides = pool_size, padding): y (N, C, Ho, Wo).
// Max takes the largest pixel of each window (the first one on ties; padding never wins);
// Average divides by the number of pixels inside the image (as Keras with "same").
class Pooling2D : public UnaryLayer {
public:
    Pooling2D(PoolKind kind, std::pair<int, int> poolSize, std::pair<int, int> strides, Padding padding);
    std::string type() const override { return kind_ == PoolKind::Max ? "MaxPooling2D" : "AveragePooling2D"; }
    Json config() const override;
    Shape outputShape(const Shape& input) const override;
    void build(const Shape& input) override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;

private:
    PoolKind kind_;
    int ph_, pw_, sh_, sw_;
    Padding padding_;
    WindowGeometry geom_;        // per channel plane (channels = 1)
};

// GlobalAveragePooling2D: y[n, c] = mean over (h, w) of x[n, c, h, w].  (N, C, H, W) -> (N, C).
class GlobalAveragePooling2D : public UnaryLayer {
public:
    std::string type() const override { return "GlobalAveragePooling2D"; }
    Shape outputShape(const Shape& input) const override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;
};

}  // namespace deepfield
