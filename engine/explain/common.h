#pragma once
// What every explanation method shares: cancellation and progress (each method is a task a
// GUI worker can run and stop), the attribution map it returns, and small image helpers.
// Methods run forward and backward passes on the graph they are given (inference mode): a
// worker thread should explain on its own Graph::clone() while the UI keeps the model.
#include <atomic>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"
#include "graph/graph.h"

namespace deepfield {

// Thrown by a method whose cancel flag became true; nothing half-made is returned.
class Cancelled : public Error {
public:
    using Error::Error;
};

// Called with (done, total) units of work (interpolant batches, occlusion windows, steps).
using ExplainProgress = std::function<void(int done, int total)>;

struct TaskControl {
    ExplainProgress progress;
    const std::atomic<bool>* cancel = nullptr;  // set from any thread; checked between batches

    void report(int done, int total) const {
        if (progress) progress(done, total);
    }
    // Throws Cancelled("<what> cancelled") when the flag is set.
    void check(const std::string& what) const {
        if (cancel && cancel->load(std::memory_order_relaxed)) throw Cancelled(what + " cancelled");
    }
};

// An attribution map with what made it.
struct AttributionMap {
    Tensor map;          // (C, H, W) as the input; (1, H, W) for occlusion and Grad-CAM
    std::string method;  // "integrated-gradients", "saliency", ...
    std::string target;  // what was attributed, e.g. "class 2 logit"
    int targetClass = -1;             // the class or output index attributed (-1: pixel/region)
    double targetValue = 0.0;         // f(x)
    // Method parameters as (name, value), for the FITS header and the GUI ("steps", "50").
    std::vector<std::pair<std::string, std::string>> parameters;

    // Completeness (integrated gradients): Σ attributions should equal f(x) − f(baseline).
    bool hasCompleteness = false;
    double baselineValue = 0.0;   // f(baseline)
    double attributionSum = 0.0;  // Σ map
    Tensor baseline;              // (C, H, W)
    // |Σ attributions − (f(x) − f(baseline))| / |f(x) − f(baseline)|.
    double completenessError() const;
};

class Conv2D;
class Conv2DTranspose;

// While alive, the graph's convolutions skip their parameter gradients: attribution needs only
// ∂f/∂input, and the kernel gradient is the costliest product of a convolution's backward.
// The previous settings come back on destruction.
class InputGradientsOnly {
public:
    explicit InputGradientsOnly(Graph& graph);
    ~InputGradientsOnly();
    InputGradientsOnly(const InputGradientsOnly&) = delete;
    InputGradientsOnly& operator=(const InputGradientsOnly&) = delete;

private:
    std::vector<std::pair<Conv2D*, bool>> conv_;
    std::vector<std::pair<Conv2DTranspose*, bool>> transposed_;
};

// Separable Gaussian blur of (C, H, W): kernel exp(−d²/2σ²) normalised, radius ⌈3σ⌉, edges
// replicated (numpy's pad mode "edge"). σ ≤ 0 returns the image unchanged.
Tensor gaussianBlur(const Tensor& image, double sigma);

// Bilinear resize of one (h, w) map to (H, W), pixel centres aligned (align_corners = false,
// as torch's interpolate): the Grad-CAM upsampling.
Tensor upsampleBilinear(const Tensor& map, int height, int width);

// A (C, H, W) map collapsed to (1, H, W) by the largest absolute value over channels
// (how saliency maps are usually shown).
Tensor maxAbsOverChannels(const Tensor& map);

// Builds the graph if needed; throws InputError unless it has one input and `input` is one sample
// of its shape (any rank: images (C, H, W) or feature vectors).
void requireSampleInput(Graph& graph, const Tensor& input, const char* method);

std::string formatNumber(double v);

}  // namespace deepfield
