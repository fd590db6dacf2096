#pragma once
// Optimizers with PyTorch's update rules (so one step agrees with torch.optim number for
// number) and Keras-style names. Weight decay is L2 added to the gradient, except AdamW's
// decoupled decay. Optional clipping of the global gradient norm before the update.
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "layers/layer.h"

namespace deepfield {

struct OptimizerOptions {
    double learningRate = 1e-3;
    double weightDecay = 0.0;
    double clipNorm = 0.0;   // 0: no clipping
    double momentum = 0.0;   // SGD
    bool nesterov = false;   // SGD
    double rho = 0.99;       // RMSprop smoothing (PyTorch's alpha)
    double beta1 = 0.9, beta2 = 0.999;  // Adam, AdamW
    double epsilon = 1e-8;   // Adam, AdamW, RMSprop; Adagrad uses 1e-10 unless set
    static OptimizerOptions fromJson(const Json& j);
    Json toJson() const;
};

class Optimizer {
public:
    explicit Optimizer(OptimizerOptions o) : opt_(o) {}
    virtual ~Optimizer() = default;
    virtual std::string name() const = 0;
    // Applies one update to every parameter from its gradient; returns the global gradient
    // norm before clipping (shown in the gradient-norm views). When that norm is NaN or
    // infinite nothing is changed (the caller reports the divergence).
    double step(const std::vector<Param>& params);
    void setLearningRate(double lr) { opt_.learningRate = lr; }
    double learningRate() const { return opt_.learningRate; }
    const OptimizerOptions& options() const { return opt_; }
    int steps() const { return t_; }

protected:
    // i: index of the parameter (stable across steps), g: its (clipped, decayed) gradient.
    virtual void update(std::size_t i, Tensor& value, const Eigen::VectorXf& g) = 0;
    // Per-parameter state tensors, created zeroed on first use.
    Eigen::VectorXf& state(std::size_t slot, std::size_t i, std::size_t n);

    OptimizerOptions opt_;
    int t_ = 0;  // steps taken

private:
    std::vector<std::vector<Eigen::VectorXf>> state_;  // [slot][param]
};

// Names: sgd, rmsprop, adagrad, adam, adamw. Throws InputError listing them.
std::unique_ptr<Optimizer> makeOptimizer(const std::string& name, const OptimizerOptions& options);

}  // namespace deepfield
