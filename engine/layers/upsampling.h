#pragma once
// Resizing layers for decoders: UpSampling2D (nearest, bilinear), ZeroPadding2D, Cropping2D.
// x (N, C, H, W); every layer works on each channel plane independently.
#include <string>
#include <utility>
#include <vector>

#include "layers/layer.h"

namespace deepfield {

class LayerRegistry;

enum class Interpolation { Nearest, Bilinear };

// UpSampling2D(size (sh, sw), interpolation): y (N, C, H·sh, W·sw).
// nearest: y[i, j] = x[⌊i/sh⌋, ⌊j/sw⌋]. bilinear with pixel centres aligned (PyTorch
// align_corners=False, Keras/TensorFlow half-pixel centres): source row (i + ½)/sh − ½, clamped
// at 0, between rows ⌊·⌋ and min(⌊·⌋ + 1, H − 1).
class UpSampling2D : public UnaryLayer {
public:
    UpSampling2D(std::pair<int, int> size, Interpolation interpolation);
    std::string type() const override { return "UpSampling2D"; }
    Json config() const override;
    Shape outputShape(const Shape& input) const override;
    void build(const Shape& input) override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;

private:
    // Per output row (column): the two source rows and the weight of the second.
    struct Tap {
        int i0 = 0, i1 = 0;
        float w1 = 0.0f;
    };
    static std::vector<Tap> taps(int in, int scale, Interpolation interpolation);

    int sh_, sw_;
    Interpolation interpolation_;
    std::vector<Tap> rows_, cols_;
};

// Per-side amounts of ZeroPadding2D / Cropping2D: Keras accepts an int, [sym_h, sym_w] or
// [[top, bottom], [left, right]].
struct Margins {
    int top = 0, bottom = 0, left = 0, right = 0;
    static Margins parse(const Json& j, const std::string& key, const std::string& layerType);
    Json toJson() const;
};

// ZeroPadding2D(padding): y (N, C, top + H + bottom, left + W + right), zeros around x.
class ZeroPadding2D : public UnaryLayer {
public:
    explicit ZeroPadding2D(Margins padding) : m_(padding) {}
    std::string type() const override { return "ZeroPadding2D"; }
    Json config() const override { return Json{{"padding", m_.toJson()}}; }
    Shape outputShape(const Shape& input) const override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;

private:
    Margins m_;
};

// Cropping2D(cropping): y (N, C, H − top − bottom, W − left − right), the inner part of x
// (e.g. to match an encoder's skip connection to a decoder's size).
class Cropping2D : public UnaryLayer {
public:
    explicit Cropping2D(Margins cropping) : m_(cropping) {}
    std::string type() const override { return "Cropping2D"; }
    Json config() const override { return Json{{"cropping", m_.toJson()}}; }
    Shape outputShape(const Shape& input) const override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx) override;

private:
    Margins m_;
};

void registerUpsamplingLayers(LayerRegistry& r);

}  // namespace deepfield
