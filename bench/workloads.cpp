#include "workloads.h"

#include <cmath>

#include "core/error.h"
#include "core/rng.h"
#include "explain/integrated_gradients.h"
#include "generative/sampling.h"
#include "generative/vae.h"
#include "graph/templates.h"
#include "train/loss.h"
#include "train/optimizer.h"

namespace deepfield::bench {

namespace {

constexpr int kPool = 4;  // batches cycled through, as torch_ref.py's _pool

Tensor normal(const Shape& shape, Rng& rng) {
    Tensor t(shape);
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = float(rng.normal());
    return t;
}

Tensor uniform(const Shape& shape, Rng& rng, float lo, float hi) {
    Tensor t(shape);
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = rng.uniform(lo, hi);
    return t;
}

Shape withBatch(int n, const Shape& s) {
    Shape b{n};
    b.insert(b.end(), s.begin(), s.end());
    return b;
}

std::unique_ptr<Optimizer> adam(double lr, double beta1 = 0.9) {
    OptimizerOptions o;
    o.learningRate = lr;
    o.beta1 = beta1;
    return makeOptimizer("adam", o);
}

// Softmax over each row, in place (torch_ref's inference returns probabilities).
void softmaxRows(Tensor& t) {
    const int n = t.batch(), k = int(t.sampleSize());
    for (int i = 0; i < n; ++i) {
        float* r = t.sample(i);
        float mx = r[0];
        for (int j = 1; j < k; ++j) mx = std::max(mx, r[j]);
        float s = 0;
        for (int j = 0; j < k; ++j) s += (r[j] = std::exp(r[j] - mx));
        for (int j = 0; j < k; ++j) r[j] /= s;
    }
}

// Single-graph networks trained on (x, target) batches: the classifiers and the U-Net.
class SupervisedWorkload : public Workload {
public:
    SupervisedWorkload(std::string name, Graph g, int batch, std::unique_ptr<Loss> loss, bool softmaxOut)
        : name_(std::move(name)), graph_(std::move(g)), batch_(batch), loss_(std::move(loss)), softmax_(softmaxOut) {
        graph_.build();
        graph_.reset(0);
        optimizer_ = adam(1e-3);
        params_ = graph_.parameters();
    }
    std::string name() const override { return name_; }
    int batch() const override { return batch_; }
    std::string unit() const override { return graph_.inputShapes()[0].size() == 1 ? "samples/s" : "img/s"; }
    std::vector<Graph*> graphs() override { return {&graph_}; }

    void trainStep() override {
        const int i = next();
        graph_.zeroGrad();
        const Tensor& y = graph_.forward(x_[i], Mode::Training);
        loss_->compute(y, t_[i], grad_);
        graph_.backward(grad_);
        optimizer_->step(params_);
    }
    void infer() override {
        out_ = graph_.forward(x_[next()], Mode::Inference);
        if (softmax_) softmaxRows(out_);
    }

    std::vector<Tensor> x_, t_;  // kPool batches of inputs and targets

private:
    int next() { return i_ = (i_ + 1) % kPool; }
    std::string name_;
    Graph graph_;
    int batch_;
    std::unique_ptr<Loss> loss_;
    bool softmax_;
    std::unique_ptr<Optimizer> optimizer_;
    std::vector<Param> params_;
    Tensor grad_, out_;
    int i_ = 0;
};

std::unique_ptr<Workload> classifier(const std::string& name, const std::string& tmpl, const Shape& input, int batch) {
    auto w = std::make_unique<SupervisedWorkload>(name, makeTemplate(tmpl, TemplateOptions(input, 3)), batch,
                                                  makeLoss("sparse_categorical_crossentropy"), true);
    Rng rng(1);
    for (int i = 0; i < kPool; ++i) {
        w->x_.push_back(normal(withBatch(batch, input), rng));
        Tensor labels({batch});
        for (int n = 0; n < batch; ++n) labels[std::size_t(n)] = float(rng.below(3));
        w->t_.push_back(std::move(labels));
    }
    return w;
}

std::unique_ptr<Workload> unet() {
    const int batch = 16;
    auto w = std::make_unique<SupervisedWorkload>("unet_clumps", makeTemplate("unet-clumps"), batch,
                                                  makeLoss("binary_crossentropy"), false);
    Rng rng(2);
    for (int i = 0; i < kPool; ++i) {
        w->x_.push_back(normal({batch, 1, 64, 64}, rng));
        Tensor mask = uniform({batch, 1, 64, 64}, rng, 0.0f, 1.0f);
        for (std::size_t k = 0; k < mask.size(); ++k) mask[k] = mask[k] > 0.8f ? 1.0f : 0.0f;
        w->t_.push_back(std::move(mask));
    }
    return w;
}

// Conv VAE: summed MSE + KL per image (the Sampling layer adds the KL gradient), as VaeTrainer.
class VaeWorkload : public Workload {
public:
    VaeWorkload() {
        GraphPair p = makeGenerativeTemplate("vae-latent");
        model_ = VaeModel(std::move(p.first), std::move(p.second));
        model_.build();
        model_.encoder.reset(0);
        model_.decoder.reset(1);
        params_ = model_.encoder.parameters();
        for (const Param& q : model_.decoder.parameters()) params_.push_back(q);
        optimizer_ = adam(1e-3);
        const auto outs = model_.encoder.outputNames();
        for (std::size_t o = 0; o < outs.size(); ++o)
            if (outs[o] == "z") zOutput_ = int(o);
        zeros_.resize(outs.size());
        Rng rng(3);
        for (int i = 0; i < kPool; ++i) x_.push_back(uniform({32, 1, 64, 64}, rng, 0.0f, 1.0f));
    }
    std::string name() const override { return "vae_latent"; }
    int batch() const override { return 32; }
    std::vector<Graph*> graphs() override { return {&model_.encoder, &model_.decoder}; }

    void trainStep() override {
        const Tensor& x = x_[next()];
        model_.encoder.zeroGrad();
        model_.decoder.zeroGrad();
        model_.encoder.forward(x, Mode::Training);
        const Tensor& xr = model_.decoder.forward(model_.encoder.output(zOutput_), Mode::Training);
        reconstructionLoss(ReconstructionLoss::SummedMse, xr, x, &grad_);
        model_.decoder.backward(grad_, true);
        std::vector<const Tensor*> g;
        for (std::size_t o = 0; o < zeros_.size(); ++o) {
            if (int(o) == zOutput_) {
                g.push_back(&model_.decoder.inputGradient(0));
            } else {
                zeros_[o].resizeLike(model_.encoder.output(int(o)));
                zeros_[o].setZero();
                g.push_back(&zeros_[o]);
            }
        }
        model_.encoder.backward(g);
        optimizer_->step(params_);
    }
    void infer() override { model_.reconstruct(x_[next()]); }

private:
    int next() { return i_ = (i_ + 1) % kPool; }
    VaeModel model_;
    std::vector<Param> params_;
    std::unique_ptr<Optimizer> optimizer_;
    std::vector<Tensor> x_, zeros_;
    Tensor grad_;
    int zOutput_ = 2, i_ = 0;
};

// BCE with logits against a constant label, mean over the batch: loss and ∂/∂logit.
void bceLogits(const Tensor& logits, float label, Tensor& grad) {
    grad.resizeLike(logits);
    const float n = float(logits.size());
    for (std::size_t i = 0; i < logits.size(); ++i) grad[i] = (1.0f / (1.0f + std::exp(-logits[i])) - label) / n;
}

// DCGAN: one step = D update on real + detached fake, then G update through D (as torch_ref.py:
// G runs forward once, D's parameter gradients from the G pass are computed and discarded).
class GanWorkload : public Workload {
public:
    GanWorkload() {
        GraphPair p = makeGenerativeTemplate("dcgan");
        g_ = std::move(p.first);
        d_ = std::move(p.second);
        g_.build();
        d_.build();
        g_.reset(0);
        d_.reset(1);
        gOpt_ = adam(2e-4, 0.5);
        dOpt_ = adam(2e-4, 0.5);
        gParams_ = g_.parameters();
        dParams_ = d_.parameters();
        Rng rng(4);
        for (int i = 0; i < kPool; ++i) {
            real_.push_back(uniform({32, 1, 64, 64}, rng, -1.0f, 1.0f));
            z_.push_back(normal({32, 64}, rng));
        }
    }
    std::string name() const override { return "gan"; }
    int batch() const override { return 32; }
    std::vector<Graph*> graphs() override { return {&g_, &d_}; }

    void trainStep() override {
        const int i = next();
        const Tensor& fake = g_.forward(z_[i], Mode::Training);
        d_.zeroGrad();
        bceLogits(d_.forward(real_[i], Mode::Training), 1.0f, grad_);
        d_.backward(grad_);
        bceLogits(d_.forward(fake, Mode::Training), 0.0f, grad_);
        d_.backward(grad_);
        dOpt_->step(dParams_);
        g_.zeroGrad();
        bceLogits(d_.forward(fake, Mode::Training), 1.0f, grad_);
        d_.backward(grad_, true);
        g_.backward(d_.inputGradient(0));
        gOpt_->step(gParams_);
    }
    void infer() override { g_.forward(z_[next()], Mode::Inference); }

private:
    int next() { return i_ = (i_ + 1) % kPool; }
    Graph g_, d_;
    std::unique_ptr<Optimizer> gOpt_, dOpt_;
    std::vector<Param> gParams_, dParams_;
    std::vector<Tensor> real_, z_;
    Tensor grad_;
    int i_ = 0;
};

}  // namespace

std::vector<std::string> workloadNames() {
    return {"mlp_colors", "cnn_morphology", "cnn_morphology_3band", "unet_clumps", "vae_latent", "gan"};
}

std::unique_ptr<Workload> makeWorkload(const std::string& name) {
    if (name == "mlp_colors") return classifier(name, "mlp-colors", {4}, 64);
    if (name == "cnn_morphology") return classifier(name, "cnn-morphology", {1, 64, 64}, 32);
    if (name == "cnn_morphology_3band") return classifier(name, "cnn-morphology-3band", {3, 64, 64}, 32);
    if (name == "unet_clumps") return unet();
    if (name == "vae_latent") return std::make_unique<VaeWorkload>();
    if (name == "gan") return std::make_unique<GanWorkload>();
    std::string known;
    for (const std::string& n : workloadNames()) known += n + ", ";
    throw InputError("unknown benchmark workload '" + name + "'; known: " + known + "ig");
}

IgWorkload::IgWorkload() : model_(makeWorkload("cnn_morphology")), graph_(model_->graphs()[0]) {
    Rng rng(5);
    image_ = normal({1, 64, 64}, rng);
}

void IgWorkload::run() {
    IntegratedGradientsOptions o;
    o.steps = 50;
    o.batchSize = 50;
    const AttributionMap m = integratedGradients(*graph_, image_, Target::predicted(true), o);
    completeness_ = m.completenessError();
}

}  // namespace deepfield::bench
