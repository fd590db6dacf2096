#include "train/optimizer.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace deepfield {

OptimizerOptions OptimizerOptions::fromJson(const Json& j) {
    OptimizerOptions o;
    if (j.is_null()) return o;
    if (!j.is_object()) throw InputError("optimizer settings must be a JSON object, got " + j.dump());
    auto number = [&](const char* key, double& v) {
        if (!j.contains(key)) return;
        if (!j[key].is_number()) throw InputError(std::string("optimizer setting '") + key + "' must be a number, got " + j[key].dump());
        v = j[key].get<double>();
        if (!std::isfinite(v) || v < 0)
            throw InputError(std::string("optimizer setting '") + key + "' must be a finite number ≥ 0, got " + j[key].dump());
    };
    number("learning_rate", o.learningRate);
    number("weight_decay", o.weightDecay);
    number("clipnorm", o.clipNorm);
    number("momentum", o.momentum);
    number("rho", o.rho);
    number("beta_1", o.beta1);
    number("beta_2", o.beta2);
    number("epsilon", o.epsilon);
    if (j.contains("nesterov")) {
        if (!j["nesterov"].is_boolean()) throw InputError("optimizer setting 'nesterov' must be true or false, got " + j["nesterov"].dump());
        o.nesterov = j["nesterov"].get<bool>();
    }
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
    double sq = 0;
    for (const Param& p : params) sq += double(p.grad->vec().cast<double>().squaredNorm());
    const double norm = std::sqrt(sq);
    // A NaN or infinite gradient would poison every weight: skip the update and let the
    // caller (the trainer's divergence check) see the returned norm.
    if (!std::isfinite(norm)) return norm;
    ++t_;
    // torch.nn.utils.clip_grad_norm_: scale by min(1, clipnorm / (norm + 1e-6)).
    const float scale = opt_.clipNorm > 0 ? float(std::min(1.0, opt_.clipNorm / (norm + 1e-6))) : 1.0f;
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
        // PyTorch: a parameter's buffer starts as its first gradient (not as zero).
        if (started_.size() <= i) started_.resize(i + 1, false);
        v = started_[i] ? Eigen::VectorXf(mu * v + g) : g;
        started_[i] = true;
        if (opt_.nesterov) w.vec() -= lr * (g + mu * v);
        else w.vec() -= lr * v;
    }

private:
    std::vector<bool> started_;
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
        const float sqrtC2 = float(std::sqrt(c2)), eps = float(opt_.epsilon), step = float(lr / c1);
        w.vec().array() -= step * m.array() / (v.array().sqrt() / sqrtC2 + eps);
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
