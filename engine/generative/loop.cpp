#include "generative/loop.h"

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

namespace deepfield {

std::vector<Param> parametersOf(const std::vector<Graph*>& graphs) {
    std::vector<Param> all;
    for (Graph* g : graphs)
        for (const Param& p : g->parameters()) all.push_back(p);
    return all;
}

void scaleImages(Tensor& images, ScaleRange range) {
    const int n = images.batch();
    const Eigen::Index m = Eigen::Index(images.sampleSize());
    std::vector<float> tmp;
    for (int i = 0; i < n; ++i) {
        Eigen::Map<Eigen::ArrayXf> v(images.sample(i), m);
        // The sky (median) goes to 0 and the peak to 1: sky level and noise do not dominate the codes.
        tmp.assign(v.data(), v.data() + m);
        std::nth_element(tmp.begin(), tmp.begin() + m / 2, tmp.end());
        const float lo = tmp[std::size_t(m / 2)], hi = v.maxCoeff();
        const float scale = hi > lo ? 1.0f / (hi - lo) : 0.0f;
        v = ((v - lo) * scale).max(0.0f).min(1.0f);
        if (range == ScaleRange::Symmetric) v = 2.0f * v - 1.0f;
    }
}

void loadAll(const Dataset& data, Tensor& inputs, Tensor& targets, int batchSize) {
    const int n = data.size();
    Shape in = data.inputShape(), tg = data.targetShape();
    std::vector<int> si{n}, st{n};
    si.insert(si.end(), in.begin(), in.end());
    st.insert(st.end(), tg.begin(), tg.end());
    inputs.resize(si);
    targets.resize(st);
    Tensor x, y;
    for (int s = 0; s < n; s += batchSize) {
        std::vector<int> idx;
        for (int i = s; i < std::min(n, s + batchSize); ++i) idx.push_back(i);
        data.batch(idx, x, y);
        std::copy_n(x.data(), x.size(), inputs.sample(s));
        if (targets.sampleSize() > 0 && y.size() == idx.size() * targets.sampleSize())
            std::copy_n(y.data(), y.size(), targets.sample(s));
    }
}

std::vector<std::vector<int>> epochBatches(int n, int batchSize, bool shuffle, Rng& rng) {
    std::vector<int> order(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) order[std::size_t(i)] = i;
    if (shuffle) order = rng.permutation(n);
    const int bs = batchSize <= 0 ? n : std::min(batchSize, n);
    std::vector<std::vector<int>> out;
    for (int s = 0; s < n; s += bs) out.emplace_back(order.begin() + s, order.begin() + std::min(n, s + bs));
    return out;
}

}  // namespace deepfield
