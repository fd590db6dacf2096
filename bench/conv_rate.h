#pragma once
// How close a workload's convolution layers come to the machine's limit: every Conv2D and
// Conv2DTranspose node of its graphs is rebuilt alone at the workload's batch size and timed
// (training: forward + backward with input gradients except on the graph input; inference:
// forward). FLOPs count multiply-adds ×2 of the im2col matrix products.
#include <vector>

#include "graph/graph.h"

namespace deepfield::bench {

struct ConvRate {
    int layers = 0;
    double trainGflop = 0, trainSeconds = 0;  // one pass over all conv layers
    double inferGflop = 0, inferSeconds = 0;
    double trainGflops() const { return trainSeconds > 0 ? trainGflop / trainSeconds : 0; }
    double inferGflops() const { return inferSeconds > 0 ? inferGflop / inferSeconds : 0; }
};

// secondsPerLayer: timing budget per layer and mode (best of repeated calls).
ConvRate measureConvRate(const std::vector<Graph*>& graphs, int batch, double secondsPerLayer = 0.15);

}  // namespace deepfield::bench
