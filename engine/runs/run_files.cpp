#include "runs/run_files.h"

#include <algorithm>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/fits.h"
#include "data/table.h"

namespace deepfield {

namespace fs = std::filesystem;

Json readRunModelJson(const std::string& path, const std::string& label) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) throw InputError(label + " '" + path + "' is not a folder");
    const std::string modelPath = (fs::path(path) / "model.json").string();
    if (!fs::is_regular_file(modelPath, ec))
        throw InputError(label + " '" + path + "' has no model.json; is it a folder written by 'deepfield-cli train'?");
    try {
        return Json::parse(readFile(modelPath));
    } catch (const Json::parse_error& e) {
        throw InputError("'" + modelPath + "' is not valid JSON: " + e.what());
    }
}

GraphRun readGraphRun(const std::string& path, const std::string& label) {
    GraphRun run;
    run.path = path;
    run.model = readRunModelJson(path, label);
    if (!run.model.contains("preprocessing"))
        throw InputError("'" + (fs::path(path) / "model.json").string() +
                         "' has no \"preprocessing\" block; it was not written by 'deepfield-cli train'");
    if (isGenerativeRunJson(run.model))
        throw InputError(label + " '" + path + "' holds a generative model (" +
                         run.model["generative"].value("kind", std::string("?")) + "), not a single network");
    run.graph = Graph::fromJson(run.model);
    run.graph.build();
    run.graph.loadWeights((fs::path(path) / "weights.safetensors").string());
    return run;
}

bool isGenerativeRunJson(const Json& model) { return model.is_object() && model.contains("generative"); }

GenerativeRunFiles readGenerativeRun(const std::string& path, const std::string& label) {
    GenerativeRunFiles r;
    r.path = path;
    r.model = readRunModelJson(path, label);
    if (!isGenerativeRunJson(r.model))
        throw InputError(label + " '" + path + "' is not a generative run (train one with --model vae-latent, dcgan or wgan)");
    const Json& g = r.model["generative"];
    r.kind = g.value("kind", "");
    try {
        r.first = Graph::fromJson(g.at("first"));
        r.second = Graph::fromJson(g.at("second"));
    } catch (const Json::exception& e) {
        throw InputError(label + " '" + path + "': model.json's \"generative\" block is incomplete: " + e.what());
    }
    r.first.build();
    r.second.build();
    r.first.loadWeights((fs::path(path) / "first.safetensors").string());
    r.second.loadWeights((fs::path(path) / "second.safetensors").string());
    return r;
}

std::vector<GanSample> readGanSamples(const std::string& path, int channels) {
    std::vector<GanSample> out;
    const fs::path dir = fs::path(path) / "samples";
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return out;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.path().extension() == ".fits") files.push_back(entry.path());
    std::sort(files.begin(), files.end());  // step_000012.fits: zero-padded, so name order is step order
    for (const fs::path& f : files) {
        FitsReadOptions o;
        o.cube = FitsCubeMode::Channels;
        FitsImage im = readFits(f.string(), o);
        const int planes = im.image.channels(), h = im.image.height(), w = im.image.width();
        if (channels < 1 || planes % channels != 0)
            throw InputError("'" + f.string() + "' has " + std::to_string(planes) + " planes, not a multiple of the " +
                             std::to_string(channels) + " channels of the generator");
        GanSample s;
        for (const FitsCard& c : im.cards) {
            if (c.keyword == "DF_STEP") s.generatorStep = std::atoi(c.value.c_str());
            if (c.keyword == "DF_EPOCH") s.epoch = std::atoi(c.value.c_str());
        }
        s.images = Tensor({planes / channels, channels, h, w});
        std::copy_n(im.image.pixels.data(), s.images.size(), s.images.data());
        out.push_back(std::move(s));
    }
    return out;
}

const std::vector<double>* RunHistoryColumns::column(const std::string& name) const {
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == name) return &values[i];
    return nullptr;
}

RunHistoryColumns readRunHistory(const std::string& path) {
    RunHistoryColumns h;
    const std::string file = (fs::path(path) / "history.csv").string();
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) return h;
    const Table t = readCsv(file);
    h.names = t.columns;
    h.values.assign(t.columns.size(), {});
    for (int r = 0; r < t.rowCount(); ++r)
        for (std::size_t c = 0; c < t.columns.size(); ++c) h.values[c].push_back(t.number(r, int(c)));
    return h;
}

}  // namespace deepfield
