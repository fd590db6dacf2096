#include "latent_model.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.h"
#include "data/preprocess.h"
#include "generative/loop.h"
#include "runs/run_files.h"
#include "train/segmentation.h"

namespace deepfield::app {

namespace {

// Model inputs from any image dataset: channel and size adaptation, then the run's scaling.
class AdaptedDataset : public Dataset {
public:
    AdaptedDataset(std::shared_ptr<const Dataset> base, Shape shape, bool vae)
        : base_(std::move(base)), shape_(std::move(shape)), vae_(vae) {
        const Shape in = base_->inputShape();
        if (in.size() != 3) throw InputError("the latent space needs images; the loaded data has samples of shape " + toString(in));
        const int c = in[0], want = shape_[0];
        if (!(c == want || want == 1 || c == 1))
            throw InputError("the model takes " + std::to_string(want) + "-channel images but the data has " +
                             std::to_string(c) + " channels; load the data with " + std::to_string(want) + " band(s)");
    }
    int size() const override { return base_->size(); }
    Shape inputShape() const override { return shape_; }
    Shape targetShape() const override { return base_->targetShape(); }
    void batch(const std::vector<int>& idx, Tensor& x, Tensor& y) const override {
        Tensor raw;
        base_->batch(idx, raw, y);
        if (raw.sampleShape() == shape_) {
            x = std::move(raw);
        } else {
            x.resize({int(idx.size()), shape_[0], shape_[1], shape_[2]});
            const Shape in = raw.sampleShape();
            for (int i = 0; i < int(idx.size()); ++i) {
                Tensor s({in[0], in[1], in[2]});
                std::copy_n(raw.sample(i), s.size(), s.data());
                if (in[0] != shape_[0]) s = shape_[0] == 1 ? toGrey(s) : repeatChannels(s, shape_[0]);
                if (in[1] != shape_[1] || in[2] != shape_[2]) s = resizeImage(s, shape_[1], shape_[2]);
                std::copy_n(s.data(), s.size(), x.sample(i));
            }
        }
        if (vae_) {
            scaleImages(x, ScaleRange::Unit);
        } else {  // image-to-image runs: one scale per image (input_rms), as in training
            Tensor s({shape_[0], shape_[1], shape_[2]});
            for (int i = 0; i < x.batch(); ++i) {
                std::copy_n(x.sample(i), s.size(), s.data());
                scaleImagePair(s, nullptr);
                std::copy_n(s.data(), s.size(), x.sample(i));
            }
        }
    }

private:
    static Tensor repeatChannels(const Tensor& s, int c) {
        Tensor out({c, s.dim(1), s.dim(2)});
        for (int k = 0; k < c; ++k) std::copy_n(s.data(), s.size(), out.data() + std::size_t(k) * s.size());
        return out;
    }
    std::shared_ptr<const Dataset> base_;
    Shape shape_;
    bool vae_;
};

// An image-to-image autoencoder cut where the decoder starts (the input of the first
// Conv2DTranspose / UpSampling2D): the encoder ends there, the decoder starts from an Input of
// that shape. Weights are copied by name.
void splitAutoencoder(Graph& full, const std::string& folder, Graph& encoder, Graph& decoder, Shape& bottleneck) {
    std::string cut;
    for (const Node& n : full.nodes())
        if ((n.type == "Conv2DTranspose" || n.type == "UpSampling2D") && !n.inputs.empty()) {
            cut = n.inputs[0];
            break;
        }
    if (cut.empty())
        throw InputError("run '" + folder + "' has no decoder (no Conv2DTranspose or UpSampling2D); open a vae-latent or "
                         "autoencoder run");
    std::set<std::string> ancestors{cut};
    const Json j = full.toJson();
    for (auto it = j["layers"].rbegin(); it != j["layers"].rend(); ++it)
        if (ancestors.count((*it)["name"].get<std::string>()))
            for (const Json& in : (*it)["inputs"]) ancestors.insert(in.get<std::string>());
    Json enc = j, dec = j;
    enc["layers"] = Json::array();
    dec["layers"] = Json::array({Json{{"name", "latent"}, {"type", "Input"}, {"config", Json{{"shape", full.shapeOf(cut)}}},
                                      {"inputs", Json::array()}}});
    for (const Json& l : j["layers"]) {
        if (ancestors.count(l["name"].get<std::string>())) {
            enc["layers"].push_back(l);
            continue;
        }
        Json d = l;
        for (Json& in : d["inputs"]) {
            if (in.get<std::string>() == cut) in = "latent";
            else if (ancestors.count(in.get<std::string>()))
                throw InputError("run '" + folder + "' has skip connections across its bottleneck (a U-Net): it has no "
                                 "latent space; open a vae-latent or autoencoder run");
        }
        dec["layers"].push_back(d);
    }
    enc["outputs"] = Json::array({cut});
    encoder = Graph::fromJson(enc);
    decoder = Graph::fromJson(dec);
    encoder.build();
    decoder.build();
    std::map<std::string, Tensor*> src;
    for (const Param& p : full.parameters()) src[p.name] = p.value;
    for (const Param& p : full.buffers()) src[p.name] = p.value;
    for (Graph* g : {&encoder, &decoder}) {
        for (const Param& p : g->parameters()) *p.value = *src.at(p.name);
        for (const Param& p : g->buffers()) *p.value = *src.at(p.name);
    }
    bottleneck = full.shapeOf(cut);
}

}  // namespace

std::shared_ptr<LatentModel> LatentModel::fromVae(VaeModel model, std::string origin) {
    auto m = std::make_shared<LatentModel>();
    m->kind_ = Kind::Vae;
    m->vae_ = std::move(model);
    m->vae_.build();
    m->latentDim_ = m->vae_.latentDim();
    m->inputShape_ = m->vae_.encoder.inputShapes()[0];
    m->origin_ = std::move(origin);
    return m;
}

std::shared_ptr<LatentModel> LatentModel::openRun(const std::string& folder) {
    const Json model = readRunModelJson(folder);
    if (isGenerativeRunJson(model)) {
        GenerativeRunFiles r = readGenerativeRun(folder);
        if (r.kind != "vae-latent")
            throw InputError("run '" + folder + "' is a " + r.kind + " run; the latent space needs a vae-latent or "
                             "autoencoder run");
        return fromVae(VaeModel(std::move(r.first), std::move(r.second)), folder);
    }
    GraphRun r = readGraphRun(folder);
    const Shape in = r.graph.inputShapes().at(0), out = r.graph.outputShapes().at(0);
    if (in.size() != 3 || out.size() != 3 || in[1] != out[1] || in[2] != out[2])
        throw InputError("run '" + folder + "' is not an image-to-image model (input " + toString(in) + ", output " +
                         toString(out) + "); open a vae-latent or autoencoder run");
    auto m = std::make_shared<LatentModel>();
    m->kind_ = Kind::Autoencoder;
    splitAutoencoder(r.graph, folder, m->aeEncoder_, m->aeDecoder_, m->bottleneckShape_);
    m->latentDim_ = int(product(m->bottleneckShape_));
    m->inputShape_ = in;
    m->origin_ = folder;
    return m;
}

std::shared_ptr<const Dataset> LatentModel::adapt(std::shared_ptr<const Dataset> data) const {
    return std::make_shared<AdaptedDataset>(std::move(data), inputShape_, kind_ == Kind::Vae);
}

LatentCodes LatentModel::encode(const Dataset& data, const std::function<void(int, int)>& progress,
                                const std::atomic<bool>* cancel, std::vector<float>* targets) {
    const int n = data.size(), d = latentDim_, batch = 64;
    LatentCodes c{Tensor({n, d}), Tensor({n, d})};
    c.sigma.setZero();
    Tensor x, y, mu, logVar;
    int done = 0;
    for (; done < n; done += batch) {
        if (cancel && cancel->load()) break;
        std::vector<int> idx;
        for (int i = done; i < std::min(n, done + batch); ++i) idx.push_back(i);
        data.batch(idx, x, y);
        if (targets)
            for (int i = 0; i < y.batch(); ++i) targets->push_back(y.sampleSize() ? y.sample(i)[0] : 0.0f);
        if (kind_ == Kind::Vae) {
            vae_.encode(x, mu, logVar);
            for (std::size_t k = 0; k < mu.size(); ++k) {
                c.mu.data()[std::size_t(done) * std::size_t(d) + k] = mu.data()[k];
                c.sigma.data()[std::size_t(done) * std::size_t(d) + k] = std::exp(0.5f * logVar.data()[k]);
            }
        } else {
            const Tensor& b = aeEncoder_.forward(x, Mode::Inference);
            std::copy_n(b.data(), b.size(), c.mu.data() + std::size_t(done) * std::size_t(d));
        }
        if (progress) progress(std::min(n, done + batch), n);
    }
    if (done < n) {  // cancelled: keep the rows encoded so far
        LatentCodes part{Tensor({done, d}), Tensor({done, d})};
        std::copy_n(c.mu.data(), part.mu.size(), part.mu.data());
        std::copy_n(c.sigma.data(), part.sigma.size(), part.sigma.data());
        return part;
    }
    return c;
}

Tensor LatentModel::decode(const Tensor& z) {
    if (kind_ == Kind::Vae) return vae_.decode(z);
    Tensor b({z.batch(), bottleneckShape_[0], bottleneckShape_[1], bottleneckShape_[2]});
    std::copy_n(z.data(), b.size(), b.data());
    return aeDecoder_.forward(b, Mode::Inference);
}

std::shared_ptr<LatentModel> LatentModel::clone() {
    auto m = std::make_shared<LatentModel>();
    m->kind_ = kind_;
    m->origin_ = origin_;
    m->latentDim_ = latentDim_;
    m->inputShape_ = inputShape_;
    m->bottleneckShape_ = bottleneckShape_;
    if (kind_ == Kind::Vae) {
        m->vae_ = VaeModel(vae_.encoder.clone(), vae_.decoder.clone());
        m->vae_.build();
    } else {
        m->aeEncoder_ = aeEncoder_.clone();
        m->aeDecoder_ = aeDecoder_.clone();
    }
    return m;
}

}  // namespace deepfield::app
