#include "gradcheck.h"

#include <cmath>

namespace deepfield::test {

Tensor randomTensor(const std::vector<int>& shape, Rng& rng, float lo, float hi) {
    Tensor t(shape);
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = rng.uniform(lo, hi);
    return t;
}

double relativeError(const Tensor& a, const Tensor& b) {
    if (a.size() != b.size()) return INFINITY;
    double diff = 0, na = 0, nb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff += double(a[i] - b[i]) * double(a[i] - b[i]);
        na += double(a[i]) * a[i];
        nb += double(b[i]) * b[i];
    }
    return std::sqrt(diff) / std::max({std::sqrt(na), std::sqrt(nb), 1e-6});
}

void buildLayer(Layer& layer, const std::vector<Tensor>& inputs) {
    std::vector<Shape> shapes;
    for (const Tensor& t : inputs) shapes.push_back(t.sampleShape());
    layer.outputShape(shapes);
    layer.build(shapes);
    Rng rng(1);
    layer.reset(rng, InitHint{});
}

namespace {
double objective(Layer& layer, const std::vector<Tensor>& inputs, const Tensor& r, Mode mode, std::uint64_t reseed) {
    std::vector<const Tensor*> xs;
    for (const Tensor& t : inputs) xs.push_back(&t);
    if (reseed) layer.setSeed(reseed);
    Tensor y;
    layer.forward(xs, y, mode);
    double s = 0;
    for (std::size_t i = 0; i < y.size(); ++i) s += double(y[i]) * r[i];
    return s;
}
}  // namespace

GradCheckResult checkLayerGradients(Layer& layer, std::vector<Tensor> inputs, Mode mode, double eps,
                                    std::uint64_t reseed) {
    Rng rng(7);
    std::vector<const Tensor*> xs;
    for (const Tensor& t : inputs) xs.push_back(&t);
    if (reseed) layer.setSeed(reseed);
    Tensor y;
    layer.forward(xs, y, mode);
    const Tensor r = randomTensor(y.shape(), rng);

    for (Param& p : layer.parameters()) p.grad->setZero();
    std::vector<Tensor> dx(inputs.size());
    std::vector<Tensor*> dxp;
    for (Tensor& t : dx) dxp.push_back(&t);
    layer.backward(xs, y, r, dxp);

    GradCheckResult result;
    auto consider = [&](const Tensor& analytic, Tensor& value, const std::string& what) {
        Tensor numeric(value.shape());
        for (std::size_t i = 0; i < value.size(); ++i) {
            const float keep = value[i];
            value[i] = keep + float(eps);
            const double up = objective(layer, inputs, r, mode, reseed);
            value[i] = keep - float(eps);
            const double down = objective(layer, inputs, r, mode, reseed);
            value[i] = keep;
            numeric[i] = float((up - down) / (2 * eps));
        }
        const double err = relativeError(analytic, numeric);
        if (err > result.worstError || result.worst.empty()) {
            result.worstError = std::max(result.worstError, err);
            if (err >= result.worstError) result.worst = what;
        }
    };
    for (std::size_t k = 0; k < inputs.size(); ++k) consider(dx[k], inputs[k], "input " + std::to_string(k));
    for (Param& p : layer.parameters()) {
        const Tensor analytic = *p.grad;
        consider(analytic, *p.value, "param " + p.name);
    }
    return result;
}

}  // namespace deepfield::test
