// deepfield-cli train: trains a template or a saved network on a CSV table and writes a run
// directory (see run_dir.h). Option names are a contract with scripts and teachers.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "epoch_printer.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "dataset_options.h"
#include "graph/templates.h"
#include "run_dir.h"
#include "train_generative.h"
#include "train_images.h"
#include "train/loss.h"
#include "train/optimizer.h"
#include "train/trainer.h"

namespace deepfield::cli {

namespace {

const char* kTrainHelp = R"(usage: deepfield-cli train --model <template|model.json> --data <csv> --out <run-dir> [options]

  --model NAME|FILE       a template (mlp-colors, mlp-photoz, cnn-morphology, cnn-morphology-3band)
                          or a network JSON file (fresh weights are drawn)
  --data FILE|DIR         training table (CSV with a header row), or an image folder with
                          labels.csv (filename + class column, e.g. from 'deepfield-cli simulate')
  --features A,B-C,...    inputs: columns or differences of two columns (u-g); default: every
                          column except the target
  --target COLUMN         text column → classification, numeric → regression; default: 'class'
                          if present, else the last column
  --task classification|regression   force the task (e.g. integer class labels)
  --test FILE             held-out table; its metrics go to metrics.json
  --test-split F          instead of --test: hold out this share of --data (seeded, stratified)
  --epochs N              default 20
  --batch-size B          default 32 (0: whole training set per step)
  --optimizer NAME        sgd, rmsprop, adagrad, adam (default), adamw
  --lr X                  learning rate, default 0.001
  --lr-schedule S         constant (default), cosine (to 0 over the run), step (×0.1 every 10
                          epochs), exponential (×0.1 per epoch)
  --validation-split F    share of the training rows used for validation, default 0.2
  --seed S                weights, shuffling and splits, default 0
  --loss NAME             default: sparse_categorical_crossentropy (classes) or mse (regression)
  --drop-missing          skip rows with empty or NaN cells instead of stopping
image folders (applied to --data and --test; --augment to training images only):
  --target COLUMN         class column; default label, class or *_class
  --crop P|F              centre crop: pixels (48) or a fraction of the side (0.5)
  --image-size N          resize to N x N (area average down, bilinear up)
  --grey                  mean of the channels
  --bands g,r|0,1         channels by FITS BANDS name or number
  --stretch S             linear (default), asinh, log, sqrt; then per-image normalisation
  --augment LIST          rot90,flip,rotate[=deg],shift[=px],zoom[=f],noise[=sigma],blur[=fwhm]
image targets (folders from 'deepfield-cli simulate'; --model unet-clumps or autoencoder):
  --target mask           clumps → clump mask (sigmoid; --loss binary_crossentropy (default), dice or
                          dice_bce = Dice + BCE, with --pos-weight A weighing the mask pixels' BCE)
  --target bulge-disk     bulge-disk → bulge and disk images (2·bands channels; mse)
  --target central        blends → the central galaxy alone (mse)
  --target sharp          deconvolution → the sharp image (mse)
  --depth N               levels of the image template, default 3
  --base-filters N        filters of its first level (doubled per level), default 16
  --output-activation A   last layer of the template: relu (non-negative images), sigmoid, linear, tanh;
                          default sigmoid for mask, linear otherwise
  --adversarial           pix2pix: the generator also fools a patch discriminator on (input, output)
                          pairs; loss λ·L1 + w·BCE (not for mask)
  --l1-weight L           λ, default 100;  --adv-weight W  w, default 1
  --out DIR               run folder: model.json, weights.safetensors, history.csv, metrics.json
)";

bool isTemplateName(const std::string& name) {
    for (const TemplateInfo& t : templateList())
        if (t.name == name) return true;
    return false;
}

// The network: a template sized to the data, or an architecture from a JSON file.
Graph makeModel(const std::string& model, int features, int outputs) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (isTemplateName(model) || (!fs::exists(model, ec) && model.find(".json") == std::string::npos &&
                                  model.find('/') == std::string::npos))
        return makeTemplate(model, TemplateOptions{{features}, outputs});  // unknown names list the templates
    std::string path = model;
    if (fs::is_directory(path, ec)) path = (fs::path(path) / "model.json").string();
    if (!fs::is_regular_file(path, ec)) throw InputError("--model '" + model + "': no such template or file");
    Json j;
    try {
        j = Json::parse(readFile(path));
    } catch (const Json::parse_error& e) {
        throw InputError("--model '" + path + "' is not valid JSON: " + e.what());
    }
    Graph g = Graph::fromJson(j);
    g.build();
    if (g.inputShapes().size() != 1 || g.inputShapes()[0] != Shape{features})
        throw InputError("--model '" + path + "' takes inputs of shape " + toString(g.inputShapes()[0]) + " but the " +
                         "table gives " + std::to_string(features) + " features");
    if (g.outputShapes().size() != 1 || g.outputShapes()[0] != Shape{outputs})
        throw InputError("--model '" + path + "' has outputs of shape " + toString(g.outputShapes()[0]) +
                         " but the data needs " + std::to_string(outputs) +
                         (outputs == 1 ? " (one regression value)" : " (one score per class)"));
    return g;
}

double fraction(Args& args, const std::string& name, double fallback) {
    const double f = args.getDouble(name, fallback);
    if (!(f >= 0 && f < 1)) throw UsageError("option --" + name + " must be in [0, 1), got " + std::to_string(f));
    return f;
}

}  // namespace

int runTrain(Args& args) {
    if (args.has("model") && isGenerativeModel(args.get("model", ""))) return trainGenerative(args);  // VAE, GANs
    if (args.flag("help")) {
        std::cout << kTrainHelp;
        return 0;
    }
    const std::string model = args.get("model");
    const std::string dataPath = args.get("data");
    const std::string out = args.get("out");
    const std::vector<std::string> features = args.getList("features");
    const std::string target = args.get("target", "");
    const std::string task = args.get("task", "");
    const std::string testPath = args.get("test", "");
    const double testSplit = fraction(args, "test-split", 0.0);
    TrainOptions to;
    to.epochs = args.getInt("epochs", 20, 1);
    to.batchSize = args.getInt("batch-size", 32, 0);
    const std::string optimizerName = args.get("optimizer", "adam");
    OptimizerOptions oo;
    oo.learningRate = args.getDouble("lr", 1e-3);
    const double validationSplit = fraction(args, "validation-split", 0.2);
    to.seed = std::uint64_t(args.getInt("seed", 0, 0));
    to.schedule.kind = args.get("lr-schedule", "constant");
    if (to.schedule.kind != "constant" && to.schedule.kind != "cosine" && to.schedule.kind != "step" &&
        to.schedule.kind != "exponential")
        throw UsageError("option --lr-schedule must be constant, cosine, step or exponential, got '" +
                         to.schedule.kind + "'");
    const std::string lossName = args.get("loss", "");
    const bool dropMissing = args.flag("drop-missing");
    const ImageDataArgs images = readImageDataArgs(args);  // --crop --image-size --grey --bands --stretch --augment
    args.finish();
    if (!(oo.learningRate > 0)) throw UsageError("option --lr must be positive");
    if (!testPath.empty() && testSplit > 0) throw UsageError("give either --test or --test-split, not both");
    if (isImageFolder(dataPath))
        return trainOnImageFolder({model, dataPath, testPath, out, target, task, optimizerName, lossName, testSplit,
                                   validationSplit, to, oo, images});
    if (images.imageOnlyOptionGiven)
        throw UsageError("--crop, --image-size, --grey, --bands, --stretch, --augment, --output-activation, --adversarial and --pos-weight "
                         "apply to image folders; --data '" +
                         dataPath + "' is a table");
    if (task != "" && task != "classification" && task != "regression")
        throw UsageError("option --task must be classification or regression, got '" + task + "'");

    RunWriter run(out);  // refuses a foreign folder before any work is done

    // Data: training table, optional hold-out, validation split; standardise with the training rows.
    TableSpec spec;
    const LoadedData data = loadTrainingTable(dataPath, features, target, task, dropMissing, spec);
    const int n = data.data.inputs.batch();
    std::vector<int> pool(static_cast<std::size_t>(n)), trainIdx, valIdx, testIdx;
    for (int i = 0; i < n; ++i) pool[std::size_t(i)] = i;
    const std::vector<int> labels = labelsOf(data.data, spec);
    if (testSplit > 0) {
        auto [a, b] = splitIndices(n, testSplit, to.seed, labels);
        pool = a;
        testIdx = b;
    }
    if (validationSplit > 0) {
        std::vector<int> poolLabels;
        for (int i : pool) if (!labels.empty()) poolLabels.push_back(labels[std::size_t(i)]);
        auto [a, b] = splitIndices(int(pool.size()), validationSplit, to.seed + 1, poolLabels);
        for (int i : a) trainIdx.push_back(pool[std::size_t(i)]);
        for (int i : b) valIdx.push_back(pool[std::size_t(i)]);
    } else {
        trainIdx = pool;
    }
    if (trainIdx.empty()) throw InputError("'" + dataPath + "': no rows left for training after the splits");
    {
        Tensor xTrain({int(trainIdx.size()), data.data.inputs.dim(1)});
        for (std::size_t i = 0; i < trainIdx.size(); ++i)
            std::copy_n(data.data.inputs.sample(trainIdx[i]), xTrain.dim(1), xTrain.sample(int(i)));
        spec.standardizer = Standardizer::fit(xTrain);
    }
    const auto train = makeDataset(data.data, trainIdx, spec.standardizer);
    const auto val = valIdx.empty() ? nullptr : makeDataset(data.data, valIdx, spec.standardizer);
    std::shared_ptr<TensorDataset> test;
    if (!testIdx.empty()) test = makeDataset(data.data, testIdx, spec.standardizer);
    if (!testPath.empty()) test = makeDataset(loadTableForSpec(testPath, "test", spec, dropMissing).data, spec.standardizer);

    // Network, loss, optimizer.
    const bool classes = spec.task == "classification";
    const int outputs = classes ? int(spec.classes.size()) : 1;
    Graph graph = makeModel(model, int(spec.features.size()), outputs);
    graph.build();
    graph.reset(to.seed);
    const auto loss = makeLoss(lossName.empty() ? (classes ? "sparse_categorical_crossentropy" : "mse") : lossName);
    const auto optimizer = makeOptimizer(optimizerName, oo);
    to.metrics = classes ? std::vector<std::string>{"accuracy"}
                         : std::vector<std::string>{"mae", "rmse", "nmad", "outlier_fraction"};
    to.validationSplit = 0;  // done above, stratified

    std::string featureList;
    for (const auto& f : spec.features) featureList += (featureList.empty() ? "" : ",") + f;
    std::cout << "data: '" << dataPath << "' " << train->size() << " training, " << (val ? val->size() : 0)
              << " validation" << (test ? ", " + std::to_string(test->size()) + " test" : std::string()) << " rows";
    if (data.data.dropped) std::cout << " (" << data.data.dropped << " incomplete rows skipped)";
    std::cout << "\n" << spec.task << ": features " << featureList << " → target '" << spec.target << "'";
    if (classes) {
        std::cout << " (classes";
        for (const auto& c : spec.classes) std::cout << " " << c;
        std::cout << ")";
    }
    std::cout << "\nmodel: " << model << ", " << graph.parameterCount() << " parameters; loss " << loss->name()
              << ", " << optimizer->name() << " lr " << oo.learningRate << ", batch " << to.batchSize << ", "
              << to.epochs << " epochs, seed " << to.seed << std::endl;

    Trainer trainer(graph, *loss, *optimizer, to);
    EpochPrinter printer(to.epochs);
    const History history = trainer.fit(*train, val.get(), &printer);
    if (history.diverged) throw Error(history.stopReason + " No run was written.");

    // The run, written into the temporary folder and moved into place.
    Json modelJson = graph.toJson();
    Json pre = spec.toJson();
    pre["input"] = "table";
    pre["drop_missing"] = dropMissing;
    modelJson["preprocessing"] = pre;
    modelJson["training"] = trainingRecord(to, RunOrigin{model, dataPath, testPath, validationSplit, testSplit}, *loss,
                                           *optimizer, oo, history);
    Json metrics;
    if (test) metrics = evaluationJson(graph, *test, spec);
    finishRun(run, modelJson, graph, history, test ? &metrics : nullptr, out);
    return 0;
}

}  // namespace deepfield::cli
