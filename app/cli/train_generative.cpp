#include "train_generative.h"

#include "epoch_printer.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/fits.h"
#include "data/table.h"
#include "dataset_options.h"
#include "generative/gan.h"
#include "generative/vae.h"
#include "graph/templates.h"
#include "run_dir.h"
#include "runs/run_files.h"
#include "train/optimizer.h"

namespace deepfield::cli {

namespace fs = std::filesystem;

bool isGenerativeModel(const std::string& model) { return isGenerativeTemplate(model); }

namespace {

const char* kHelp = R"(usage: deepfield-cli train --model vae-latent|dcgan|wgan --data <image-folder> --out <run-dir> [options]

Generative models learn from the images alone (labels, if any, are kept for 'encode').
  --epochs N              default 20
  --batch-size B          default 32
  --lr X                  default 0.001 (vae-latent, Adam), 0.0002 (dcgan, Adam β1 0.5), 0.00005 (wgan, RMSprop)
  --seed S                weights, shuffling and noise, default 0
  --latent D              latent dimension (default 2 for vae-latent, 64 for the GANs)
  --base-filters B        width of the first convolution (default 32; the bench architecture)
  --beta X                vae-latent: weight of the KL term, default 1
  --kl-warmup N           vae-latent: KL annealing over N epochs, default 0
  --reconstruction mse|bce   vae-latent: summed per image, default mse
  --critic-steps N        critic updates per generator update (default 1; wgan 5)
  --clip C                wgan weight clipping, default 0.01
  --label-smoothing S     dcgan: real targets 1 − S, default 0
  --sample-every N        generator steps between saved samples of the fixed noise (default: each epoch)
  --image-size N, --crop P|F, --grey, --bands, --stretch S   preprocessing as for classifiers; then per image
                          the sky (median) goes to 0 and the peak to 1 ([−1, 1] for the GANs)
)";

class Printer : public GanObserver {
public:
    explicit Printer(int epochs) : epochs_(epochs) {}
    void onEpochEnd(const EpochStats& e) override { std::cout << epochLine(e, epochs_) << std::endl; }

private:
    int epochs_;
};

// The class column of a labels CSV, or "" when there is none (generative data need no labels).
std::string classColumnOf(const std::string& folder) {
    const Table t = readCsv((fs::path(folder) / "labels.csv").string());
    for (const char* c : {"label", "class"})
        if (t.columnIndex(c) >= 0) return c;
    for (const std::string& c : t.columns)
        if (c.size() > 6 && c.compare(c.size() - 6, 6, "_class") == 0) return c;
    return "";
}

std::shared_ptr<ImageFolderDataset> openFolder(const std::string& folder, PreprocessSpec spec) {
    if (!isImageFolder(folder))
        throw InputError("'" + folder + "' is not an image folder with labels.csv (filename column); "
                         "make one with 'deepfield-cli simulate'");
    ImageFolderOptions o;
    o.preprocess = spec;
    o.labelColumn = classColumnOf(folder);
    if (o.labelColumn.empty())
        throw InputError("'" + folder + "/labels.csv' has no class column (label, class or *_class); generative "
                         "training ignores it, but the folder reader needs one: add a column 'class' with any value");
    return std::make_shared<ImageFolderDataset>(folder, o, [](int done, int total) {
        if (done == total || done % 256 == 0) std::cerr << "loading images: " << done << "/" << total << "\r" << std::flush;
        if (done == total) std::cerr << "\n";
    });
}

Json specJson(const PreprocessSpec& p, const Shape& inputShape) {
    return Json{{"input", "image_folder"},  {"crop", p.crop},     {"image_size", p.imageSize},
                {"grey", p.grey},           {"channels", p.channels}, {"stretch", toString(p.stretch)},
                {"normalise", "none"},      {"scale", "sky to 0, peak to 1 per image"},
                {"input_shape", inputShape}};
}

PreprocessSpec specFromJson(const Json& j) {
    PreprocessSpec p;
    p.crop = j.value("crop", 0.0);
    p.imageSize = j.value("image_size", 0);
    p.grey = j.value("grey", false);
    p.channels = j.value("channels", std::vector<int>{});
    p.stretch = stretchKindFromString(j.value("stretch", std::string("linear")));
    p.normalise = Normalisation::None;
    return p;
}

void writeSamples(const std::string& dir, const GanSample& s) {
    fs::create_directories(dir);
    char name[64];
    std::snprintf(name, sizeof name, "step_%06d.fits", s.generatorStep);
    const Tensor& t = s.images;  // (K, C, H, W): FITS cube of K·C planes
    Tensor cube({t.dim(0) * t.dim(1), t.dim(2), t.dim(3)});
    std::copy_n(t.data(), t.size(), cube.data());
    writeFits((fs::path(dir) / name).string(), cube,
              {{"DF_KIND", "generator samples", "", true, true},
               {"DF_STEP", std::to_string(s.generatorStep), "generator steps so far", false, true},
               {"DF_EPOCH", std::to_string(s.epoch), "", false, true}});
}

}  // namespace

GenerativeRun loadGenerativeRun(const std::string& path) {
    GenerativeRunFiles files = readGenerativeRun(path, "--run");  // the reader the studio uses too
    GenerativeRun r;
    r.path = files.path;
    r.kind = files.kind;
    r.model = std::move(files.model);
    r.first = std::move(files.first);
    r.second = std::move(files.second);
    return r;
}

std::shared_ptr<ImageFolderDataset> loadFolderForRun(const GenerativeRun& run, const std::string& folder) {
    auto d = openFolder(folder, specFromJson(run.model.at("preprocessing")));
    const Shape want = run.model["preprocessing"].value("input_shape", Shape{});
    if (d->inputShape() != want)
        throw InputError("'" + folder + "' gives images of shape " + toString(d->inputShape()) + " after the run's "
                         "preprocessing, but the model takes " + toString(want));
    return d;
}

int trainGenerative(Args& args) {
    if (args.flag("help")) {
        std::cout << kHelp;
        return 0;
    }
    const std::string kind = args.get("model");
    const std::string data = args.get("data");
    const std::string out = args.get("out");
    const bool vae = kind == "vae-latent", wgan = kind == "wgan";
    const int epochs = args.getInt("epochs", 20, 1);
    const int batch = args.getInt("batch-size", 32, 1);
    const double lr = args.getDouble("lr", vae ? 1e-3 : wgan ? 5e-5 : 2e-4);
    const std::uint64_t seed = std::uint64_t(args.getInt("seed", 0, 0));
    const int latent = args.getInt("latent", 0, 1);
    const double beta = args.getDouble("beta", 1.0);
    const int warmup = args.getInt("kl-warmup", 0, 0);
    const std::string recon = args.get("reconstruction", "mse");
    const int criticSteps = args.getInt("critic-steps", wgan ? 5 : 1, 1);
    const double clip = args.getDouble("clip", 0.01);
    const double smoothing = args.getDouble("label-smoothing", 0.0);
    const int sampleEvery = args.getInt("sample-every", 0, 0);
    const ImageDataArgs images = readImageDataArgs(args);
    args.finish();
    if (!(lr > 0)) throw UsageError("option --lr must be positive");
    if (!images.augment.empty()) throw UsageError("--augment is not used by generative training");
    if (images.adversarial || !images.outputActivation.empty())
        throw UsageError("--adversarial and --output-activation apply to image targets (--target central, sharp, "
                         "bulge-disk, mask), not to generative models");

    RunWriter run(out);
    PreprocessSpec spec = imageFolderOptions(images, data, "").preprocess;
    spec.normalise = Normalisation::None;
    auto folder = openFolder(data, spec);
    const auto scaled = std::make_shared<ScaledDataset>(folder, vae ? ScaleRange::Unit : ScaleRange::Symmetric);
    GenerativeTemplateOptions to;
    to.imageShape = folder->inputShape();
    to.latent = latent;
    to.baseFilters = images.baseFilters;
    to.beta = float(beta);
    GraphPair pair = makeGenerativeTemplate(kind, to);
    pair.first.build();
    pair.second.build();
    pair.first.reset(seed);
    pair.second.reset(seed + 1);
    std::cout << "data: image folder '" << data << "' " << folder->size() << " images of shape "
              << toString(folder->inputShape()) << "\nmodel: " << kind << ", " << pair.first.parameterCount() << " + "
              << pair.second.parameterCount() << " parameters, lr " << lr << ", batch " << batch << ", " << epochs
              << " epochs, seed " << seed << std::endl;

    Json training{{"model", kind}, {"data", data}, {"learning_rate", lr}};
    History history;
    std::vector<GanSample> samples;
    if (vae) {
        VaeModel m(std::move(pair.first), std::move(pair.second));
        auto opt = makeOptimizer("adam", OptimizerOptions{lr});
        VaeOptions o;
        o.epochs = epochs;
        o.batchSize = batch;
        o.seed = seed;
        o.beta = float(beta);
        o.klWarmupEpochs = warmup;
        o.reconstruction = reconstructionLossFromString(recon);
        Printer printer(epochs);
        history = VaeTrainer(m, *opt, o).fit(*scaled, nullptr, &printer);
        training["vae"] = o.toJson();
        pair.first = std::move(m.encoder);
        pair.second = std::move(m.decoder);
    } else {
        OptimizerOptions oo;
        oo.learningRate = lr;
        oo.beta1 = 0.5;
        auto gOpt = makeOptimizer(wgan ? "rmsprop" : "adam", oo), dOpt = makeOptimizer(wgan ? "rmsprop" : "adam", oo);
        GanOptions o;
        o.kind = wgan ? GanKind::WGAN : GanKind::DCGAN;
        o.epochs = epochs;
        o.batchSize = batch;
        o.seed = seed;
        o.criticSteps = criticSteps;
        o.clipValue = float(clip);
        o.labelSmoothing = float(smoothing);
        o.sampleEvery = sampleEvery;
        Printer printer(epochs);
        GanHistory h = GanTrainer(pair.first, pair.second, *gOpt, *dOpt, o).fit(*scaled, &printer);
        samples = std::move(h.samples);
        history = h;
        training["gan"] = o.toJson();
    }
    if (history.diverged) throw Error(history.stopReason + " No run was written.");
    training["stop_reason"] = history.stopReason;
    Json model{{"format", "deepfield-graph"},
               {"generative", Json{{"kind", kind}, {"first", pair.first.toJson()}, {"second", pair.second.toJson()}}},
               {"preprocessing", specJson(spec, folder->inputShape())},
               {"training", training}};
    writeFileAtomically(run.file("model.json"), model.dump(2) + "\n");
    pair.first.saveWeights(run.file("first.safetensors"));
    pair.second.saveWeights(run.file("second.safetensors"));
    writeFileAtomically(run.file("history.csv"), history.toCsv());
    for (const GanSample& s : samples) writeSamples(run.file("samples"), s);
    run.commit();
    std::cout << "run written to '" << out << "'" << std::endl;
    return 0;
}

}  // namespace deepfield::cli
