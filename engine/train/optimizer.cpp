#include "train/optimizer.h"

#include <cmath>

#include "core/error.h"

namespace deepfield {

OptimizerOptions OptimizerOptions::fromJson(const Json& j) {
    OptimizerOptions o;
    o.learningRate = j.value("learning_rate", o.learningRate);
    o.weightDecay = j.value("weight_decay", o.weightDecay);
    o.clipNorm = j.value("clipnorm", o.clipNorm);
    o.momentum = j.value("momentum", o.momentum);
    o.nesterov = j.value("nesterov", o.nesterov);
    o.rho = j.value("rho", o.rho);
    o.beta1 = j.value("beta_1", o.beta1);
    o.beta2 = j.value("beta_2", o.beta2);
    o.epsilon = j.value("epsilon", o.epsilon);
    return o;
}

Json OptimizerOptions::toJson() const {
    return Json{{"learning_rate", learningRate}, {"weight_decay", weightDecay}, {"clipnorm", clipNorm},
                {"momentum", momentum},          {"nesterov", nesterov},        {"rho", rho},
                {"beta_1", beta1},               {"beta_2", beta2},             {"epsilon", epsilon}};
}

Eigen::VectorXf& Optimizer::state(std::size_t slot, std::size_t i, std::size_t n) {
    if (state_.size() <= slot) state_.resize(slot + 1);
    auto& s = state_[slot];
    if (s.size() <= i) s.resize(i + 1);
    if (std::size_t(s[i].size()) != n) s[i] = Eigen::VectorXf::Zero(Eigen::Index(n));
    return s[i];
}

double Optimizer::step(const std::vector<Param>& params) {
    ++t_;
    double sq = 0;
    for (const Param& p : params) sq += double(p.grad->vec().squaredNorm());
    const double norm = std::sqrt(sq);
    const float scale = (opt_.clipNorm > 0 && norm > opt_.clipNorm) ? float(opt_.clipNorm / (norm + 1e-6)) : 1.0f;
    Eigen::VectorXf g;
    for (std::size_t i = 0; i < params.size(); ++i) {
        Tensor& w = *params[i].value;
        g = params[i].grad->vec() * scale;
        if (opt_.weightDecay > 0 && name() != "adamw") g += float(opt_.weightDecay) * w.vec();
        update(i, w, g);
    }
    return norm;
}

namespace {

class Sgd : public Optimizer {
public:
    using Optimizer::Optimizer;
    std::string name() const override { return "sgd"; }
    void update(std::size_t i, Tensor& w, const Eigen::VectorXf& g) override {
        const float lr = float(opt_.learningRate), mu = float(opt_.momentum);
        if (mu == 0.0f) {
            w.vec() -= lr * g;
            return;
        }
        Eigen::VectorXf& v = state(0, i, w.size());
        v = (t_ == 1) ? g : Eigen::VectorXf(mu * v + g);  // PyTorch: the buffer starts as the gradient
        if (opt_.nesterov) w.vec() -= lr * (g + mu * v);
        else w.vec() -= lr * v;
    }
};

class RmsProp : public Optimizer {
public:
    using Optimizer::Optimizer;
    std::string name() const override { return "rmsprop"; }
    void update(std::size_t i, Tensor& w, const Eigen::VectorXf& g) override {
        const float rho = float(opt_.rho);
        Eigen::VectorXf& v = state(0, i, w.size());
        v = rho * v + (1 - rho) * g.cwiseAbs2();
        const float eps = float(opt_.epsilon), lr = float(opt_.learningRate);
        if (opt_.momentum > 0) {
            Eigen::VectorXf& buf = state(1, i, w.size());
            buf.array() = float(opt_.momentum) * buf.array() + g.array() / (v.array().sqrt() + eps);
            w.vec() -= lr * buf;
        } else {
            w.vec().array() -= lr * g.array() / (v.array().sqrt() + eps);
        }
    }
};

class Adagrad : public Optimizer {
public:
    using Optimizer::Optimizer;
    std::string name() const override { return "adagrad"; }
    void update(std::size_t i, Tensor& w, const Eigen::VectorXf& g) override {
        Eigen::VectorXf& sum = state(0, i, w.size());
        sum += g.cwiseAbs2();
        w.vec().array() -= float(opt_.learningRate) * g.array() / (sum.array().sqrt() + float(opt_.epsilon));
    }
};

class Adam : public Optimizer {
public:
    Adam(OptimizerOptions o, bool decoupled) : Optimizer(o), decoupled_(decoupled) {}
    std::string name() const override { return decoupled_ ? "adamw" : "adam"; }
    void update(std::size_t i, Tensor& w, const Eigen::VectorXf& g) override {
        const double lr = opt_.learningRate, b1 = opt_.beta1, b2 = opt_.beta2;
        if (decoupled_ && opt_.weightDecay > 0) w.vec() *= float(1.0 - lr * opt_.weightDecay);
        Eigen::VectorXf& m = state(0, i, w.size());
        Eigen::VectorXf& v = state(1, i, w.size());
        m = float(b1) * m + float(1 - b1) * g;
        v = float(b2) * v + float(1 - b2) * g.cwiseAbs2();
        const double c1 = 1 - std::pow(b1, t_), c2 = 1 - std::pow(b2, t_);
        // PyTorch's arrangement: p -= lr/c1 · m / (sqrt(v)/sqrt(c2) + eps)
        const float invSqrtC2 = float(1.0 / std::sqrt(c2)), eps = float(opt_.epsilon), step = float(lr / c1);
        w.vec().array() -= step * m.array() / (v.array().sqrt() * invSqrtC2 + eps);
    }

private:
    bool decoupled_;
};

}  // namespace

std::unique_ptr<Optimizer> makeOptimizer(const std::string& name, const OptimizerOptions& o) {
    if (name == "sgd") return std::make_unique<Sgd>(o);
    if (name == "rmsprop") return std::make_unique<RmsProp>(o);
    if (name == "adagrad") {
        OptimizerOptions a = o;
        if (a.epsilon == OptimizerOptions{}.epsilon) a.epsilon = 1e-10;
        return std::make_unique<Adagrad>(a);
    }
    if (name == "adam") return std::make_unique<Adam>(o, false);
    if (name == "adamw") {
        OptimizerOptions a = o;
        return std::make_unique<Adam>(a, true);
    }
    throw InputError("unknown optimizer '" + name + "'; use sgd, rmsprop, adagrad, adam or adamw");
}

}  // namespace deepfield
