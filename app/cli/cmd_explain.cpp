// deepfield-cli explain: an attribution map for one image from a trained run, written as FITS
// with the method, its parameters and the target in the header. The image goes through the
// run's own preprocessing (crop, resize, channels, stretch, normalisation from model.json).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "data/image_io.h"
#include "data/preprocess.h"
#include "explain/attribution_cards.h"
#include "explain/gradcam.h"
#include "explain/guided.h"
#include "explain/integrated_gradients.h"
#include "explain/occlusion.h"
#include "explain/saliency.h"

namespace deepfield::cli {

namespace {

namespace fs = std::filesystem;

struct ImageRun {
    Graph graph;
    PreprocessSpec preprocess;
    std::vector<std::string> classes;
};

ImageRun loadImageRun(const std::string& path) {
    std::error_code ec;
    const std::string modelPath = (fs::path(path) / "model.json").string();
    if (!fs::is_directory(path, ec)) throw InputError("--run '" + path + "' is not a folder");
    if (!fs::is_regular_file(modelPath, ec))
        throw InputError("--run '" + path + "' has no model.json; is it a folder written by 'deepfield-cli train'?");
    Json model;
    try {
        model = Json::parse(readFile(modelPath));
    } catch (const Json::parse_error& e) {
        throw InputError("'" + modelPath + "' is not valid JSON: " + e.what());
    }
    if (!model.contains("preprocessing") || model["preprocessing"].value("input", "") != "image_folder")
        throw InputError("'" + modelPath + "' is not an image model (trained on an image folder); explain works on images");
    const Json& p = model["preprocessing"];
    ImageRun run;
    try {
        run.preprocess.crop = p.value("crop", 0.0);
        run.preprocess.imageSize = p.value("image_size", 0);
        run.preprocess.grey = p.value("grey", false);
        run.preprocess.channels = p.value("channels", std::vector<int>{});
        run.preprocess.stretch = stretchKindFromString(p.value("stretch", std::string("linear")));
        run.preprocess.normalise = normalisationFromString(p.value("normalise", std::string("image")));
        run.preprocess.mean = p.value("mean", std::vector<float>{});
        run.preprocess.std = p.value("std", std::vector<float>{});
        run.classes = p.value("classes", std::vector<std::string>{});
    } catch (const Json::exception& e) {
        throw InputError("'" + modelPath + "': bad \"preprocessing\" block: " + e.what());
    }
    run.graph = Graph::fromJson(model);
    run.graph.build();
    run.graph.loadWeights((fs::path(path) / "weights.safetensors").string());
    return run;
}

void printHelp() {
    std::cout
        << "usage: deepfield-cli explain --run <run-dir> --image <file> --method <method> --out <map.fits>\n"
           "       [--target predicted|N|pixel:c,y,x|region:c,y0,x0,y1,x1] [--probability]\n"
           "       [--steps 50] [--baseline zero|blur|sky|noise] [--batch-size N]   integrated gradients\n"
           "       [--samples 50] [--noise 0.15] [--seed 0]                          smoothgrad\n"
           "       [--window 8] [--stride 4] [--fill 0]                              occlusion\n"
           "       [--layer NAME]                                                    gradcam\n\n"
           "methods: saliency, gradient-x-input, integrated-gradients, smoothgrad, occlusion, deconvnet,\n"
           "guided-backprop, gradcam. The image (FITS, PNG or JPEG) is preprocessed as in training. The map\n"
           "(C, H, W) as the network input, (1, H, W) for occlusion and gradcam, is written as FITS with\n"
           "DF_METHOD, DF_TARGET and the parameters in the header. PNG/JPEG rows are flipped so the map\n"
           "shows the right way up in FITS viewers. Integrated gradients prints its completeness check.\n";
}

}  // namespace

int runExplain(Args& args) {
    if (args.flag("help")) {
        printHelp();
        return 0;
    }
    const std::string runPath = args.get("run"), imagePath = args.get("image"), method = args.get("method"),
                      out = args.get("out");
    const std::string targetText = args.get("target", "predicted");
    const bool probability = args.flag("probability");
    const std::vector<std::string> methods{"saliency",  "gradient-x-input", "integrated-gradients", "smoothgrad",
                                           "occlusion", "deconvnet",        "guided-backprop",      "gradcam"};
    if (std::find(methods.begin(), methods.end(), method) == methods.end()) {
        std::string list;
        for (const auto& m : methods) list += (list.empty() ? "" : ", ") + m;
        throw UsageError("unknown --method '" + method + "'; use one of " + list);
    }
    IntegratedGradientsOptions ig;
    ig.steps = args.getInt("steps", 50, 1);
    ig.baseline = baselineKindFromString(args.get("baseline", "zero"));
    ig.batchSize = args.getInt("batch-size", 50, 1);
    ig.seed = std::uint64_t(args.getInt("seed", 0, 0));
    SmoothGradOptions sg;
    sg.samples = args.getInt("samples", 50, 1);
    sg.noiseLevel = float(args.getDouble("noise", 0.15));
    sg.seed = ig.seed;
    sg.batchSize = std::min(ig.batchSize, sg.samples);
    OcclusionOptions oc;
    oc.window = args.getInt("window", 8, 1);
    oc.stride = args.getInt("stride", 4, 1);
    oc.fill = float(args.getDouble("fill", 0.0));
    GradCamOptions gc;
    gc.layer = args.get("layer", "");
    args.finish();
    const Target target = Target::parse(targetText, probability);

    ImageRun run = loadImageRun(runPath);
    ImageReadOptions read;
    read.fits.cube = FitsCubeMode::Channels;
    Image img = readImage(imagePath, read);
    if (img.empty()) throw InputError("image '" + imagePath + "' is empty");
    for (std::size_t i = 0; i < img.pixels.size(); ++i)
        if (!std::isfinite(img.pixels[i])) img.pixels[i] = 0.0f;
    Tensor x;
    try {
        x = preprocess(img.pixels, run.preprocess);
    } catch (const Error& e) {
        throw InputError("image '" + imagePath + "': " + e.what());
    }
    const Shape want = run.graph.inputShapes().at(0);
    if (x.shape() != want)
        throw InputError("image '" + imagePath + "' gives " + toString(x.shape()) + " after the run's preprocessing, " +
                         "the network takes " + toString(want) + " (a different number of channels?)");

    TaskControl control;
    control.progress = [&](int done, int total) {
        if (total > 1) std::cerr << method << ": " << done << "/" << total << "\r" << (done == total ? "\n" : "") << std::flush;
    };
    AttributionMap m;
    if (method == "saliency") m = saliency(run.graph, x, target, SaliencyKind::Gradient, control);
    else if (method == "gradient-x-input") m = saliency(run.graph, x, target, SaliencyKind::GradientTimesInput, control);
    else if (method == "integrated-gradients") m = integratedGradients(run.graph, x, target, ig, control);
    else if (method == "smoothgrad") m = smoothGrad(run.graph, x, target, sg, control);
    else if (method == "occlusion") m = occlusion(run.graph, x, target, oc, control);
    else if (method == "deconvnet") m = deconvnet(run.graph, x, target, control);
    else if (method == "guided-backprop") m = guidedBackprop(run.graph, x, target, control);
    else m = gradCam(run.graph, x, target, gc, control);

    Tensor map = m.map;
    if (!img.bottomUp && map.rank() == 3) {  // PNG/JPEG: top row first; FITS: bottom row first
        const int C = map.dim(0), H = map.dim(1), W = map.dim(2);
        for (int c = 0; c < C; ++c)
            for (int y = 0; y < H / 2; ++y)
                std::swap_ranges(map.data() + (std::size_t(c) * H + y) * W, map.data() + (std::size_t(c) * H + y + 1) * W,
                                 map.data() + (std::size_t(c) * H + H - 1 - y) * W);
    }
    std::string className = m.targetClass >= 0 && m.targetClass < int(run.classes.size())
                                ? run.classes[std::size_t(m.targetClass)]
                                : "";
    std::vector<FitsCard> cards = attributionCards(m, className);
    addCard(cards, "DF_RUN", fs::path(runPath).filename().string().empty() ? runPath : fs::path(runPath).filename().string(),
         "run directory");
    addCard(cards, "DF_IMAGE", fs::path(imagePath).filename().string(), "explained image");
    addCard(cards, "DF_FLIPY", img.bottomUp ? "F" : "T", "rows flipped from the PNG/JPEG order");
    writeFits(out, map, cards);

    std::cout << m.method << " of " << m.target << (className.empty() ? "" : " (" + className + ")")
              << ": f(x) = " << formatNumber(m.targetValue) << ", map " << toString(m.map.shape()) << " written to '"
              << out << "'\n";
    if (m.hasCompleteness) {
        char buf[256];
        std::snprintf(buf, sizeof buf,
                      "completeness: sum of attributions %.6g, f(x) - f(baseline) = %.6g - %.6g = %.6g, "
                      "relative error %.3g%%\n",
                      m.attributionSum, m.targetValue, m.baselineValue, m.targetValue - m.baselineValue,
                      100.0 * m.completenessError());
        std::cout << buf;
    }
    return 0;
}

}  // namespace deepfield::cli
