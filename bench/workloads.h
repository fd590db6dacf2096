#pragma once
// The reference workloads of ../shared/bench/README.md (mirrored by bench/torch_ref.py) on the
// engine: same architectures (the engine's templates), batch sizes, optimizer and synthetic
// inputs, so engine and PyTorch throughputs can be divided.
#include <memory>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace deepfield::bench {

class Workload {
public:
    virtual ~Workload() = default;
    virtual std::string name() const = 0;
    virtual int batch() const = 0;
    virtual std::string unit() const { return "img/s"; }
    // One full step: forward + backward + optimizer update (GAN: one D and one G update).
    virtual void trainStep() = 0;
    // One forward-only batch in inference mode.
    virtual void infer() = 0;
    // The graphs whose convolutions count towards the conv FLOP rate.
    virtual std::vector<Graph*> graphs() = 0;
};

// mlp_colors, cnn_morphology, cnn_morphology_3band, unet_clumps, vae_latent, gan.
std::vector<std::string> workloadNames();
// Throws InputError naming the known workloads for an unknown name.
std::unique_ptr<Workload> makeWorkload(const std::string& name);

// Integrated gradients on cnn_morphology: zero baseline, 50 midpoint steps of the predicted
// class's softmax, the interpolants as one batch; run() makes one map.
class IgWorkload {
public:
    IgWorkload();
    void run();
    double lastCompletenessError() const { return completeness_; }

private:
    std::unique_ptr<Workload> model_;
    Graph* graph_;
    Tensor image_;
    double completeness_ = 0.0;
};

}  // namespace deepfield::bench
