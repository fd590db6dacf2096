#include "explain/target.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace deepfield {

Target Target::predicted(bool probability) {
    Target t;
    t.probability = probability;
    return t;
}

Target Target::classIndex(int k, bool probability) {
    Target t;
    t.kind = Kind::Class;
    t.index = k;
    t.probability = probability;
    return t;
}

Target Target::pixel(int channel, int y, int x) {
    Target t;
    t.kind = Kind::Pixel;
    t.index = channel;
    t.y0 = y;
    t.x0 = x;
    t.y1 = y + 1;
    t.x1 = x + 1;
    return t;
}

Target Target::region(int channel, int y0, int x0, int y1, int x1) {
    Target t;
    t.kind = Kind::Region;
    t.index = channel;
    t.y0 = y0;
    t.x0 = x0;
    t.y1 = y1;
    t.x1 = x1;
    return t;
}

namespace {
std::vector<int> parseInts(const std::string& text, const std::string& whole) {
    std::vector<int> v;
    std::string item;
    for (char c : text + ",") {
        if (c != ',') {
            item += c;
            continue;
        }
        std::size_t used = 0;
        int value = 0;
        try {
            value = std::stoi(item, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (item.empty() || used != item.size())
            throw InputError("target '" + whole + "': '" + item + "' is not an integer");
        v.push_back(value);
        item.clear();
    }
    return v;
}
}  // namespace

Target Target::parse(const std::string& text, bool probability) {
    const std::string usage = "; use predicted, a class/output number, pixel:c,y,x or region:c,y0,x0,y1,x1";
    if (text.empty() || text == "predicted") return predicted(probability);
    if (text.rfind("pixel:", 0) == 0) {
        const auto v = parseInts(text.substr(6), text);
        if (v.size() != 3) throw InputError("target '" + text + "' needs three numbers c,y,x" + usage);
        return pixel(v[0], v[1], v[2]);
    }
    if (text.rfind("region:", 0) == 0) {
        const auto v = parseInts(text.substr(7), text);
        if (v.size() != 5) throw InputError("target '" + text + "' needs five numbers c,y0,x0,y1,x1" + usage);
        return region(v[0], v[1], v[2], v[3], v[4]);
    }
    const auto v = parseInts(text, text);
    if (v.size() != 1 || v[0] < 0) throw InputError("target '" + text + "' is not understood" + usage);
    return classIndex(v[0], probability);
}

ResolvedTarget ResolvedTarget::resolve(Graph& graph, const Tensor& input, const Target& t) {
    requireSampleInput(graph, input, "attribution");
    ResolvedTarget r;
    const std::vector<Shape> outs = graph.outputShapes();
    if (t.output < 0 || t.output >= int(outs.size()))
        throw InputError("target output " + std::to_string(t.output) + " does not exist; the network has " +
                         std::to_string(outs.size()) + " output" + (outs.size() == 1 ? "" : "s"));
    r.output_ = t.output;
    r.outputShape_ = outs[std::size_t(t.output)];
    const Shape& s = r.outputShape_;
    const int total = int(product(s));
    if (t.kind == Target::Kind::Predicted || t.kind == Target::Kind::Class) {
        if (s.size() != 1)
            throw InputError("the network's output has shape " + toString(s) +
                             "; choose a pixel or a region of it as the target, not a class");
        int k = t.index;
        if (t.kind == Target::Kind::Predicted) {
            graph.forward(asBatch(input), Mode::Inference);
            const Tensor& y = graph.output(t.output);
            k = int(std::max_element(y.data(), y.data() + total) - y.data());
        }
        if (k < 0 || k >= total)
            throw InputError("target class/output " + std::to_string(k) + " does not exist; the network has " +
                             std::to_string(total) + " outputs (0.." + std::to_string(total - 1) + ")");
        r.indices_ = {k};
        r.classIndex_ = k;
        r.softmax_ = t.probability && total > 1;
        r.description_ = std::string(t.kind == Target::Kind::Predicted ? "predicted class " : "output ") +
                         std::to_string(k) + (r.softmax_ ? " probability" : " value");
        return r;
    }
    if (s.size() != 3)
        throw InputError("a pixel or region target needs an image output (C, H, W); this network's output has shape " +
                         toString(s) + " (choose a class or output number)");
    const int C = s[0], H = s[1], W = s[2];
    if (t.index < 0 || t.index >= C)
        throw InputError("target channel " + std::to_string(t.index) + " does not exist; the output has " +
                         std::to_string(C) + " channel" + (C == 1 ? "" : "s"));
    if (t.y0 < 0 || t.x0 < 0 || t.y1 > H || t.x1 > W || t.y0 >= t.y1 || t.x0 >= t.x1)
        throw InputError("target region rows " + std::to_string(t.y0) + ".." + std::to_string(t.y1) + ", columns " +
                         std::to_string(t.x0) + ".." + std::to_string(t.x1) + " lies outside the output of " +
                         std::to_string(H) + " x " + std::to_string(W) + " pixels (or is empty)");
    for (int y = t.y0; y < t.y1; ++y)
        for (int x = t.x0; x < t.x1; ++x) r.indices_.push_back((t.index * H + y) * W + x);
    if (t.kind == Target::Kind::Pixel)
        r.description_ = "pixel (" + std::to_string(t.index) + ", " + std::to_string(t.y0) + ", " +
                         std::to_string(t.x0) + ")";
    else
        r.description_ = "region channel " + std::to_string(t.index) + " rows " + std::to_string(t.y0) + ":" +
                         std::to_string(t.y1) + " columns " + std::to_string(t.x0) + ":" + std::to_string(t.x1);
    return r;
}

float ResolvedTarget::value(const float* out) const {
    if (softmax_) {
        const int n = int(product(outputShape_));
        const float mx = *std::max_element(out, out + n);
        double sum = 0.0;
        for (int i = 0; i < n; ++i) sum += std::exp(double(out[i] - mx));
        return float(std::exp(double(out[indices_[0]] - mx)) / sum);
    }
    double s = 0.0;
    for (int i : indices_) s += out[i];
    return float(s / double(indices_.size()));
}

void ResolvedTarget::gradient(const float* out, float* grad) const {
    const int n = int(product(outputShape_));
    std::fill(grad, grad + n, 0.0f);
    if (softmax_) {
        // ∂p_k/∂z_i = p_k (δ_ik − p_i)
        const float mx = *std::max_element(out, out + n);
        double sum = 0.0;
        for (int i = 0; i < n; ++i) sum += std::exp(double(out[i] - mx));
        const int k = indices_[0];
        const double pk = std::exp(double(out[k] - mx)) / sum;
        for (int i = 0; i < n; ++i) grad[i] = float(-pk * std::exp(double(out[i] - mx)) / sum);
        grad[k] = float(pk * (1.0 - pk));
        return;
    }
    const float w = 1.0f / float(indices_.size());
    for (int i : indices_) grad[i] = w;
}

namespace {
void runBackward(Graph& graph, const ResolvedTarget& target, int n, std::vector<float>& values) {
    const std::vector<std::string> outs = graph.outputNames();
    std::vector<Tensor> grads(outs.size());
    std::vector<const Tensor*> ptrs;
    for (std::size_t o = 0; o < outs.size(); ++o) {
        const Tensor& y = graph.output(int(o));
        grads[o].resizeLike(y);
        if (int(o) != target.output()) grads[o].setZero();
        ptrs.push_back(&grads[o]);
    }
    const Tensor& y = graph.output(target.output());
    Tensor& g = grads[std::size_t(target.output())];
    values.resize(std::size_t(n));
    for (int i = 0; i < n; ++i) {
        values[std::size_t(i)] = target.value(y.sample(i));
        target.gradient(y.sample(i), g.sample(i));
    }
    graph.backward(ptrs, true);
}
}  // namespace

void targetGradients(Graph& graph, const Tensor& x, const ResolvedTarget& target, std::vector<float>& values,
                     Tensor& gradients) {
    graph.forward(x, Mode::Inference);
    runBackward(graph, target, x.batch(), values);
    const Tensor& g = graph.inputGradient(0);
    gradients.resizeLike(g);
    gradients.vec() = g.vec();
}

void targetValues(Graph& graph, const Tensor& x, const ResolvedTarget& target, std::vector<float>& values) {
    graph.forward(x, Mode::Inference);
    const Tensor& out = graph.output(target.output());
    values.resize(std::size_t(x.batch()));
    for (int i = 0; i < x.batch(); ++i) values[std::size_t(i)] = target.value(out.sample(i));
}

Tensor asBatch(const Tensor& sample, int n) {
    Shape s{n};
    s.insert(s.end(), sample.shape().begin(), sample.shape().end());
    Tensor t(s);
    for (int i = 0; i < n; ++i) std::copy(sample.data(), sample.data() + sample.size(), t.sample(i));
    return t;
}

}  // namespace deepfield
