#pragma once
// Looking inside: the kernels a convolution learned and the activations (feature maps) any
// layer produces for an input.
#include <string>
#include <vector>

#include "explain/common.h"
#include "graph/graph.h"

namespace deepfield {

// Names of the layers with kernels to show (Conv2D, in network order).
std::vector<std::string> convolutionLayers(const Graph& graph);
// Layers with a spatial output (C, H, W) whose channels can be shown as feature maps.
std::vector<std::string> featureMapLayers(Graph& graph);

// A copy of a convolution's kernel: (filters, in_channels, kh, kw). InputError for a layer
// that is not a convolution (names the layer and its type).
Tensor convolutionKernels(Graph& graph, const std::string& layer);

// The output of `layer` for one input sample: the layer's per-sample shape, e.g. (K, h, w).
Tensor featureMaps(Graph& graph, const Tensor& input, const std::string& layer, const TaskControl& control = {});
// The outputs of several layers from one forward pass, in the order asked.
std::vector<Tensor> featureMaps(Graph& graph, const Tensor& input, const std::vector<std::string>& layers,
                                const TaskControl& control = {});

// Per-channel mean of a (K, h, w) map (sorting channels by mean activation): (K).
std::vector<float> channelMeans(const Tensor& maps);

}  // namespace deepfield
