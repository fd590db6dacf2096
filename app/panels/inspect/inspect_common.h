#pragma once
// What the Inspect tabs share: the image being explained (the network's input, as the network
// sees it), a picture of it for people, and turning outputs into class probabilities.
#include <QImage>
#include <QString>
#include <memory>
#include <vector>

#include "core/tensor.h"
#include "graph/graph.h"

namespace deepfield::app::inspect {

struct InspectInput {
    Tensor x;          // (C, H, W) one network input
    QImage preview;    // H × W picture of x
    QString title;     // "sample 12 (spiral)", "m51.fits"
    int sample = -1;   // dataset index, -1 for a file
    bool empty() const { return x.empty(); }
};

// A picture of a network input (C, H, W): grey for one channel, colour for three (blue first).
QImage inputPreview(const Tensor& x);

// Whether the network's first output is already a probability (ends in Softmax); else logits.
bool endsInSoftmax(const Graph& graph);
// Class probabilities of one output row of K values (softmax unless already probabilities).
std::vector<float> probabilities(const float* out, int k, bool alreadyProbabilities);

}  // namespace deepfield::app::inspect
