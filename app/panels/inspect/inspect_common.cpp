#include "inspect_common.h"

#include <algorithm>
#include <cmath>

#include "thumbnail_grid.h"

namespace deepfield::app::inspect {

QImage inputPreview(const Tensor& x) {
    if (x.rank() != 3) return {};
    return widgets::previewImage(x.data(), x.dim(0), x.dim(1), x.dim(2));
}

bool endsInSoftmax(const Graph& graph) {
    const auto outs = graph.outputNames();
    const std::string last = outs.empty() ? (graph.nodes().empty() ? "" : graph.nodes().back().name) : outs.front();
    for (const Node& n : graph.nodes())
        if (n.name == last) return n.type == "Softmax" || n.config.value("activation", std::string()) == "softmax";
    return false;
}

std::vector<float> probabilities(const float* out, int k, bool alreadyProbabilities) {
    std::vector<float> p(out, out + k);
    if (alreadyProbabilities || k < 1) return p;
    const float top = *std::max_element(p.begin(), p.end());
    double sum = 0;
    for (float& v : p) sum += (v = std::exp(v - top));
    for (float& v : p) v = float(v / sum);
    return p;
}

}  // namespace deepfield::app::inspect
