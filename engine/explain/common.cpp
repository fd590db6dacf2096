#include "explain/common.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "layers/conv2d.h"
#include "layers/conv2d_transpose.h"

namespace deepfield {

double AttributionMap::completenessError() const {
    const double delta = targetValue - baselineValue;
    return std::abs(attributionSum - delta) / std::max(std::abs(delta), 1e-12);
}

InputGradientsOnly::InputGradientsOnly(Graph& graph) {
    for (const Node& node : graph.nodes()) {
        if (auto* c = dynamic_cast<Conv2D*>(node.layer.get())) {
            conv_.emplace_back(c, c->parameterGradients());
            c->setParameterGradients(false);
        } else if (auto* t = dynamic_cast<Conv2DTranspose*>(node.layer.get())) {
            transposed_.emplace_back(t, t->parameterGradients());
            t->setParameterGradients(false);
        }
    }
}

InputGradientsOnly::~InputGradientsOnly() {
    for (auto& [c, on] : conv_) c->setParameterGradients(on);
    for (auto& [t, on] : transposed_) t->setParameterGradients(on);
}

namespace {
// One separable pass along rows (horizontal) or columns of every plane, edges replicated.
void blurPass(const float* in, float* out, int planes, int H, int W, const std::vector<float>& k, bool horizontal) {
    const int r = int(k.size() / 2);
    for (int p = 0; p < planes; ++p) {
        const float* src = in + std::size_t(p) * H * W;
        float* dst = out + std::size_t(p) * H * W;
        for (int y = 0; y < H; ++y)
            for (int x = 0; x < W; ++x) {
                float s = 0.0f;
                for (int d = -r; d <= r; ++d) {
                    const int yy = horizontal ? y : std::clamp(y + d, 0, H - 1);
                    const int xx = horizontal ? std::clamp(x + d, 0, W - 1) : x;
                    s += k[std::size_t(d + r)] * src[yy * W + xx];
                }
                dst[y * W + x] = s;
            }
    }
}
}  // namespace

Tensor gaussianBlur(const Tensor& image, double sigma) {
    if (image.rank() != 3) throw ShapeError("gaussianBlur: expected an image (C, H, W), got " + toString(image.shape()));
    if (!(sigma > 0)) return image;
    const int r = std::max(1, int(std::ceil(3.0 * sigma)));
    std::vector<float> k(std::size_t(2 * r + 1));
    double sum = 0.0;
    for (int d = -r; d <= r; ++d) sum += std::exp(-0.5 * d * d / (sigma * sigma));
    for (int d = -r; d <= r; ++d) k[std::size_t(d + r)] = float(std::exp(-0.5 * d * d / (sigma * sigma)) / sum);
    Tensor tmp(image.shape()), out(image.shape());
    blurPass(image.data(), tmp.data(), image.dim(0), image.dim(1), image.dim(2), k, true);
    blurPass(tmp.data(), out.data(), image.dim(0), image.dim(1), image.dim(2), k, false);
    return out;
}

Tensor upsampleBilinear(const Tensor& map, int height, int width) {
    if (map.rank() != 2) throw ShapeError("upsampleBilinear: expected a map (h, w), got " + toString(map.shape()));
    const int h = map.dim(0), w = map.dim(1);
    Tensor out({height, width});
    // Source coordinate of an output pixel centre, clamped at the border as torch does.
    auto source = [](int o, int in, int outSize, int& i0, int& i1, float& t) {
        float s = (float(o) + 0.5f) * float(in) / float(outSize) - 0.5f;
        if (s < 0) s = 0;
        i0 = std::min(int(s), in - 1);
        i1 = std::min(i0 + 1, in - 1);
        t = s - float(i0);
    };
    for (int y = 0; y < height; ++y) {
        int y0, y1;
        float ty;
        source(y, h, height, y0, y1, ty);
        for (int x = 0; x < width; ++x) {
            int x0, x1;
            float tx;
            source(x, w, width, x0, x1, tx);
            const float top = map[std::size_t(y0 * w + x0)] * (1 - tx) + map[std::size_t(y0 * w + x1)] * tx;
            const float bottom = map[std::size_t(y1 * w + x0)] * (1 - tx) + map[std::size_t(y1 * w + x1)] * tx;
            out[std::size_t(y * width + x)] = top * (1 - ty) + bottom * ty;
        }
    }
    return out;
}

Tensor maxAbsOverChannels(const Tensor& map) {
    if (map.rank() != 3) throw ShapeError("maxAbsOverChannels: expected (C, H, W), got " + toString(map.shape()));
    const int C = map.dim(0);
    const std::size_t S = map.size() / std::size_t(C);
    Tensor out({1, map.dim(1), map.dim(2)});
    for (std::size_t i = 0; i < S; ++i) {
        float m = 0.0f;
        for (int c = 0; c < C; ++c) m = std::max(m, std::abs(map[std::size_t(c) * S + i]));
        out[i] = m;
    }
    return out;
}

void requireSampleInput(Graph& graph, const Tensor& input, const char* method) {
    if (!graph.isBuilt()) graph.build();
    const std::vector<Shape> ins = graph.inputShapes();
    if (ins.size() != 1)
        throw InputError(std::string(method) + " explains networks with one input; this one has " +
                         std::to_string(ins.size()));
    if (input.shape() != ins[0])
        throw InputError(std::string(method) + ": the network takes one sample of shape " + toString(ins[0]) +
                         ", got " + toString(input.shape()) + " (give one image without a batch dimension)");
}

std::string formatNumber(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

}  // namespace deepfield
