#include "train_images.h"

#include "epoch_printer.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <tuple>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/augment.h"
#include "generative/gan.h"
#include "generative/patch_discriminator.h"
#include "graph/templates.h"
#include "image_target_kinds.h"
#include "image_targets.h"
#include "run_dir.h"
#include "train/loss.h"

namespace deepfield::cli {

namespace {

Graph imageModel(const std::string& model, const Shape& input, int outputs) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(model, ec)) return makeTemplate(model, TemplateOptions{input, outputs});
    const std::string path = fs::is_directory(model, ec) ? (fs::path(model) / "model.json").string() : model;
    Json j;
    try {
        j = Json::parse(readFile(path));
    } catch (const Json::parse_error& e) {
        throw InputError("--model '" + path + "' is not valid JSON: " + e.what());
    }
    Graph g = Graph::fromJson(j);
    g.build();
    if (g.inputShapes().size() != 1 || g.inputShapes()[0] != input)
        throw InputError("--model '" + path + "' takes inputs of shape " + toString(g.inputShapes()[0]) +
                         " but the images give " + toString(input) + "; use --image-size, --crop, --grey or --bands");
    if (g.outputShapes().size() != 1 || g.outputShapes()[0] != Shape{outputs})
        throw InputError("--model '" + path + "' has outputs of shape " + toString(g.outputShapes()[0]) +
                         " but the data needs " + std::to_string(outputs));
    return g;
}

}  // namespace

// Image targets (mask, bulge-disk, central, sharp): an image-to-image network, see image_targets.h.
int trainImageTargets(const ImageTrainRequest& r) {
    const bool seg = isSegmentationTarget(r.target);
    if (r.images.adversarial && seg)
        throw UsageError("--adversarial trains image regressions (--target central, sharp, bulge-disk); for the mask "
                         "use --loss dice or binary_crossentropy");
    if (r.images.adversarial && !r.loss.empty())
        throw UsageError("--adversarial sets the generator loss (λ·L1 + w·BCE: --l1-weight, --adv-weight); leave out --loss");
    if (!r.task.empty() && r.task != (seg ? "segmentation" : "regression"))
        throw UsageError("--target " + r.target + " trains a " + (seg ? "segmentation" : "regression of images") +
                         "; leave out --task " + r.task);
    if (!r.images.augment.empty())
        throw UsageError("--augment is not available for image targets yet (the target would need the same "
                         "transform)");
    RunWriter run(r.out);
    auto progress = [](const std::string& what) {
        return [what](int done, int total) {
            if (done == total || done % 256 == 0) std::cerr << "loading " << what << ": " << done << "/" << total << "\r" << std::flush;
            if (done == total) std::cerr << "\n";
        };
    };
    auto data = std::make_shared<ImagePairDataset>(r.data, r.target, imageFolderOptions(r.images, r.data, ""),
                                                   progress(r.data));
    std::vector<int> pool(std::size_t(data->size())), trainIdx, valIdx, testIdx;
    for (int i = 0; i < data->size(); ++i) pool[std::size_t(i)] = i;
    if (r.testSplit > 0) std::tie(pool, testIdx) = splitIndices(data->size(), r.testSplit, r.train.seed);
    if (r.validationSplit > 0) {
        auto [a, b] = splitIndices(int(pool.size()), r.validationSplit, r.train.seed + 1);
        for (int i : a) trainIdx.push_back(pool[std::size_t(i)]);
        for (int i : b) valIdx.push_back(pool[std::size_t(i)]);
    } else {
        trainIdx = pool;
    }
    if (trainIdx.empty()) throw InputError("'" + r.data + "': no images left for training after the splits");
    const auto train = std::make_shared<SubsetDataset>(data, trainIdx);
    std::shared_ptr<const Dataset> val, test;
    if (!valIdx.empty()) val = std::make_shared<SubsetDataset>(data, valIdx);
    if (!testIdx.empty()) test = std::make_shared<SubsetDataset>(data, testIdx);
    if (!r.test.empty()) {
        if (!isImageFolder(r.test))
            throw InputError("--test '" + r.test + "' must be an image folder with labels.csv like --data");
        auto t = std::make_shared<ImagePairDataset>(r.test, r.target, imageFolderOptions(r.images, r.test, ""),
                                                    progress(r.test));
        if (t->inputShape() != data->inputShape())
            throw InputError("--test '" + r.test + "' gives images of shape " + toString(t->inputShape()) +
                             ", the training images " + toString(data->inputShape()) + "; use --image-size");
        test = t;
    }

    const Shape in = data->inputShape(), out = data->targetShape();
    Graph graph;
    if (isImageTemplate(r.model)) {
        TemplateOptions o;
        o.inputShape = in;
        o.outputs = out[0];
        o.depth = r.images.depth;
        o.baseFilters = r.images.baseFilters;
        o.finalActivation = r.images.outputActivation.empty() ? findImageTarget(r.target)->finalActivation()
                                                               : r.images.outputActivation;
        graph = makeTemplate(r.model, o);
    } else {
        namespace fs = std::filesystem;
        std::error_code ec;
        if (!fs::exists(r.model, ec))
            throw UsageError("--target " + r.target + " needs an image-to-image network: --model unet-clumps, "
                             "autoencoder or a network JSON file; got '" + r.model + "'");
        if (!r.images.outputActivation.empty())
            throw UsageError("--output-activation applies to the templates unet-clumps and autoencoder; the network "
                             "file '" + r.model + "' sets its own last layer");
        const std::string path = fs::is_directory(r.model, ec) ? (fs::path(r.model) / "model.json").string() : r.model;
        graph = Graph::fromJson(Json::parse(readFile(path)));
        graph.build();
        if (graph.inputShapes()[0] != in || graph.outputShapes()[0] != out)
            throw InputError("--model '" + path + "' maps " + toString(graph.inputShapes()[0]) + " to " +
                             toString(graph.outputShapes()[0]) + " but the data needs " + toString(in) + " to " +
                             toString(out));
    }
    graph.build();
    graph.reset(r.train.seed);
    const ImageTargetKind& kind = *findImageTarget(r.target);
    if (r.images.posWeight != 1.0 && r.loss != "dice_bce")
        throw UsageError("--pos-weight weighs the mask pixels of --loss dice_bce; add --loss dice_bce");
    const auto loss = makeLoss(r.loss.empty() ? (r.images.adversarial ? "mae" : kind.losses().front()) : r.loss,
                               Json{{"pos_weight", r.images.posWeight}});
    const auto optimizer = makeOptimizer(r.optimizer, r.optimizerOptions);
    TrainOptions to = r.train;
    to.metrics = kind.metrics();
    to.accuracyThreshold = 0.5f;
    to.validationSplit = 0;

    std::cout << "data: image folder '" << r.data << "' " << train->size() << " training, " << (val ? val->size() : 0)
              << " validation" << (test ? ", " + std::to_string(test->size()) + " test" : std::string())
              << " images of shape " << toString(in) << "\n" << (seg ? "segmentation" : "image regression")
              << ": target '" << r.target << "' " << toString(out) << "\nmodel: " << r.model << ", "
              << graph.parameterCount() << " parameters; loss " << loss->name() << ", " << optimizer->name() << " lr "
              << r.optimizerOptions.learningRate << ", batch " << to.batchSize << ", " << to.epochs << " epochs, seed "
              << to.seed << std::endl;
    EpochPrinter printer(to.epochs);
    History history;
    Json adversarial;
    if (r.images.adversarial) {
        // pix2pix: G minimises λ·L1 + w·BCE(D(x, G(x)), 1); D a patch discriminator on (input, output) pairs.
        Graph disc = makePatchDiscriminator(Shape{in[0] + out[0], in[1], in[2]},
                                            r.images.baseFilters ? r.images.baseFilters : 16);
        disc.reset(r.train.seed + 1);
        const auto discOptimizer = makeOptimizer(r.optimizer, r.optimizerOptions);
        Pix2PixOptions po;
        po.epochs = to.epochs;
        po.batchSize = to.batchSize > 0 ? to.batchSize : train->size();
        po.seed = to.seed;
        po.adversarial = true;
        po.l1Weight = float(r.images.l1Weight);
        po.adversarialWeight = float(r.images.advWeight);
        std::cout << "adversarial (pix2pix): generator loss " << po.l1Weight << "·L1 + " << po.adversarialWeight
                  << "·BCE against a patch discriminator of " << disc.parameterCount() << " parameters" << std::endl;
        Pix2PixTrainer trainer(graph, &disc, *optimizer, discOptimizer.get(), po);
        history = trainer.fit(*train, val.get(), &printer);
        adversarial = Json{{"variant", "pix2pix"}, {"l1_weight", po.l1Weight}, {"adversarial_weight", po.adversarialWeight},
                           {"discriminator", "patch"}, {"discriminator_parameters", disc.parameterCount()}};
    } else {
        Trainer trainer(graph, *loss, *optimizer, to);
        history = trainer.fit(*train, val.get(), &printer);
    }
    if (history.diverged) throw Error(history.stopReason + " No run was written.");

    Json modelJson = graph.toJson();
    modelJson["preprocessing"] = imagePreprocessingJson(data->options(), r.target, seg ? "segmentation" : "image", in);
    Json training = trainingRecord(to, RunOrigin{r.model, r.data, r.test, r.validationSplit, r.testSplit}, *loss,
                                   *optimizer, r.optimizerOptions, history);
    if (r.images.depth) training["depth"] = r.images.depth;
    if (r.images.baseFilters) training["base_filters"] = r.images.baseFilters;
    if (!r.images.outputActivation.empty()) training["output_activation"] = r.images.outputActivation;
    if (!adversarial.is_null()) training["adversarial"] = adversarial;
    modelJson["training"] = training;
    Json metrics;
    if (test) metrics = imageEvaluationJson(graph, *test, r.target);
    finishRun(run, modelJson, graph, history, test ? &metrics : nullptr, r.out);
    return 0;
}

int trainOnImageFolder(const ImageTrainRequest& r) {
    if (isImageTargetName(r.target)) return trainImageTargets(r);
    if (isImageTemplate(r.model))
        throw UsageError("--model " + r.model + " maps images to images: give --target mask, bulge-disk, central or "
                         "sharp (a folder from 'deepfield-cli simulate')");
    if (r.images.depth || r.images.baseFilters)
        throw UsageError("--depth and --base-filters apply to the image templates unet-clumps and autoencoder");
    if (r.images.adversarial || !r.images.outputActivation.empty())
        throw UsageError("--adversarial and --output-activation apply to image targets (--target mask, bulge-disk, "
                         "central or sharp)");
    if (r.task == "regression")
        throw UsageError("image folders train classifiers here; --task regression needs numeric targets (not yet)");
    const AugmentSpec augment = parseAugmentations(r.images.augment);
    RunWriter run(r.out);

    auto progress = [](const std::string& what) {
        return [what](int done, int total) {
            if (done == total || done % 256 == 0) std::cerr << "loading " << what << ": " << done << "/" << total << "\r" << std::flush;
            if (done == total) std::cerr << "\n";
        };
    };
    ImageFolderOptions options = imageFolderOptions(r.images, r.data, r.target);
    auto data = std::make_shared<ImageFolderDataset>(r.data, options, progress(r.data));
    const std::vector<int>& labels = data->labels();
    std::vector<int> pool(std::size_t(data->size())), trainIdx, valIdx, testIdx;
    for (int i = 0; i < data->size(); ++i) pool[std::size_t(i)] = i;
    if (r.testSplit > 0) {
        auto [a, b] = splitIndices(data->size(), r.testSplit, r.train.seed, labels);
        pool = a;
        testIdx = b;
    }
    if (r.validationSplit > 0) {
        std::vector<int> poolLabels;
        for (int i : pool) poolLabels.push_back(labels[std::size_t(i)]);
        auto [a, b] = splitIndices(int(pool.size()), r.validationSplit, r.train.seed + 1, poolLabels);
        for (int i : a) trainIdx.push_back(pool[std::size_t(i)]);
        for (int i : b) valIdx.push_back(pool[std::size_t(i)]);
    } else {
        trainIdx = pool;
    }
    if (trainIdx.empty()) throw InputError("'" + r.data + "': no images left for training after the splits");
    std::shared_ptr<const Dataset> train = std::make_shared<SubsetDataset>(data, trainIdx);
    if (augment.any()) train = std::make_shared<AugmentedDataset>(train, augment, r.train.seed + 2);
    std::shared_ptr<const Dataset> val, test;
    if (!valIdx.empty()) val = std::make_shared<SubsetDataset>(data, valIdx);
    if (!testIdx.empty()) test = std::make_shared<SubsetDataset>(data, testIdx);
    if (!r.test.empty()) {
        if (!isImageFolder(r.test))
            throw InputError("--test '" + r.test + "' must be an image folder with labels.csv like --data");
        ImageFolderOptions testOptions = imageFolderOptions(r.images, r.test, data->labelColumn());
        testOptions.classes = data->classes();
        auto t = std::make_shared<ImageFolderDataset>(r.test, testOptions, progress(r.test));
        if (t->inputShape() != data->inputShape())
            throw InputError("--test '" + r.test + "' gives images of shape " + toString(t->inputShape()) +
                             ", the training images " + toString(data->inputShape()) + "; use --image-size");
        test = t;
    }

    const int classes = int(data->classes().size());
    Graph graph = imageModel(r.model, data->inputShape(), classes);
    graph.build();
    graph.reset(r.train.seed);
    const auto loss = makeLoss(r.loss.empty() ? "sparse_categorical_crossentropy" : r.loss);
    const auto optimizer = makeOptimizer(r.optimizer, r.optimizerOptions);
    TrainOptions to = r.train;
    to.metrics = {"accuracy"};
    to.accuracyThreshold = 0.0f;
    to.validationSplit = 0;

    std::cout << "data: image folder '" << r.data << "' " << train->size() << " training, " << (val ? val->size() : 0)
              << " validation" << (test ? ", " + std::to_string(test->size()) + " test" : std::string())
              << " images of shape " << toString(data->inputShape()) << "\nclassification: column '"
              << data->labelColumn() << "' (classes";
    for (const auto& c : data->classes()) std::cout << " " << c;
    std::cout << ")";
    if (augment.any()) std::cout << "; augmentation " << toString(augment);
    std::cout << "\nmodel: " << r.model << ", " << graph.parameterCount() << " parameters; loss " << loss->name() << ", "
              << optimizer->name() << " lr " << r.optimizerOptions.learningRate << ", batch " << to.batchSize << ", "
              << to.epochs << " epochs, seed " << to.seed << std::endl;

    Trainer trainer(graph, *loss, *optimizer, to);
    EpochPrinter printer(to.epochs);
    const History history = trainer.fit(*train, val.get(), &printer);
    if (history.diverged) throw Error(history.stopReason + " No run was written.");

    TableSpec spec;  // what evaluationJson needs: the task and the class names
    spec.task = "classification";
    spec.target = data->labelColumn();
    spec.classes = data->classes();
    Json modelJson = graph.toJson();
    const PreprocessSpec& p = data->options().preprocess;
    Json pre{{"input", "image_folder"},
             {"target", data->labelColumn()},
             {"task", "classification"},
             {"classes", data->classes()},
             {"crop", p.crop},
             {"image_size", p.imageSize},
             {"grey", p.grey},
             {"channels", p.channels},
             {"stretch", toString(p.stretch)},
             {"normalise", toString(p.normalise)},
             {"augment", toString(augment)},
             {"input_shape", data->inputShape()}};
    modelJson["preprocessing"] = pre;
    modelJson["training"] = trainingRecord(to, RunOrigin{r.model, r.data, r.test, r.validationSplit, r.testSplit},
                                           *loss, *optimizer, r.optimizerOptions, history);
    Json metrics;
    if (test) metrics = evaluationJson(graph, *test, spec);
    finishRun(run, modelJson, graph, history, test ? &metrics : nullptr, r.out);
    return 0;
}

}  // namespace deepfield::cli
