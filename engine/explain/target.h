#pragma once
// What an attribution explains: a scalar function f of the network's output for one sample,
// and its gradient ∂f/∂output, which backward carries to the input.
//   class / output k     f = out[k]            (logit, regression value, or softmax probability)
//   predicted class      k = argmax out for the explained input, then as above
//   pixel / region       f = mean of out[c, y0:y1, x0:x1] (image-to-image networks)
#include <string>
#include <vector>

#include "explain/common.h"
#include "graph/graph.h"

namespace deepfield {

struct Target {
    enum class Kind { Predicted, Class, Pixel, Region };
    Kind kind = Kind::Predicted;
    int index = 0;                  // Class: class or output index; Pixel/Region: output channel
    int y0 = 0, x0 = 0, y1 = 0, x1 = 0;  // Region rows [y0, y1), columns [x0, x1); Pixel: (y0, x0)
    // Softmax probability of the class instead of the raw output (for networks ending in logits).
    bool probability = false;
    int output = 0;  // which network output

    static Target predicted(bool probability = false);
    static Target classIndex(int k, bool probability = false);  // also a regression output k
    static Target pixel(int channel, int y, int x);
    static Target region(int channel, int y0, int x0, int y1, int x1);
    // "predicted", "3", "pixel:c,y,x", "region:c,y0,x0,y1,x1" (InputError otherwise).
    static Target parse(const std::string& text, bool probability = false);
};

// A target fixed for one explanation (the predicted class is looked up once, on the input).
class ResolvedTarget {
public:
    // Runs the input (one sample) through the network to resolve the predicted class and checks
    // indices against the output shape (InputError naming the bad index and the valid range).
    static ResolvedTarget resolve(Graph& graph, const Tensor& input, const Target& target);

    // f of one output sample and ∂f/∂out (written over `grad`, same size as a sample).
    float value(const float* outSample) const;
    void gradient(const float* outSample, float* grad) const;

    const std::string& description() const { return description_; }  // "class 2 logit"
    int classIndex() const { return classIndex_; }  // -1 for pixels/regions
    int output() const { return output_; }
    const Shape& outputShape() const { return outputShape_; }

private:
    Shape outputShape_;              // per-sample shape of the chosen output
    std::vector<int> indices_;       // output elements averaged (flat, per sample)
    bool softmax_ = false;           // f = softmax(out)[indices_[0]]
    int classIndex_ = -1;
    int output_ = 0;
    std::string description_;
};

// One forward (inference) and one backward pass for a batch x (N, ...): values[n] = f(x_n)
// and gradients (N, ...) = ∂f(x_n)/∂x_n. Other outputs of the network get zero gradients.
// Also accumulates parameter gradients in the graph (harmless; training calls zeroGrad()).
void targetGradients(Graph& graph, const Tensor& x, const ResolvedTarget& target, std::vector<float>& values,
                     Tensor& gradients);
// Forward only: values[n] = f(x_n).
void targetValues(Graph& graph, const Tensor& x, const ResolvedTarget& target, std::vector<float>& values);

// (N, ...) from one sample (...) repeated N times; the batch of one sample.
Tensor asBatch(const Tensor& sample, int n = 1);

}  // namespace deepfield
