#pragma once
// Deconvnet (Zeiler & Fergus 2014) and guided backpropagation (Springenberg et al. 2015): the
// input gradient with every ReLU layer passing gradients backward by another rule
//   deconvnet  dx = max(dy, 0)          (ignores the forward pass)
//   guided     dx = [x > 0]·max(dy, 0)  (gradient and deconvnet rules together)
// The rule is set on the graph's ReLU layers for one explanation and restored afterwards
// (ReluBackwardOverride); training never sees it. LeakyReLU/ELU keep their true gradient.
#include "explain/common.h"
#include "explain/target.h"
#include "layers/activations.h"

namespace deepfield {

// Sets `rule` on every ReLU layer of the graph; the destructor restores what each had.
class ReluBackwardOverride {
public:
    ReluBackwardOverride(Graph& graph, ReluBackward rule);
    ~ReluBackwardOverride();
    ReluBackwardOverride(const ReluBackwardOverride&) = delete;
    ReluBackwardOverride& operator=(const ReluBackwardOverride&) = delete;
    int count() const { return int(saved_.size()); }  // ReLU layers changed

private:
    std::vector<std::pair<Activation*, ReluBackward>> saved_;
};

// map: (C, H, W) like the input.
AttributionMap guidedBackprop(Graph& graph, const Tensor& input, const Target& target, const TaskControl& control = {});
AttributionMap deconvnet(Graph& graph, const Tensor& input, const Target& target, const TaskControl& control = {});

}  // namespace deepfield
