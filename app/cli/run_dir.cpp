#include "run_dir.h"

#include <iostream>

#include <filesystem>
#include <unistd.h>

#include "args.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "runs/run_files.h"
#include "train/metrics.h"

namespace deepfield::cli {

namespace fs = std::filesystem;

bool isRunDirectory(const std::string& path) {
    std::error_code ec;
    const fs::path model = fs::path(path) / "model.json";
    if (!fs::is_regular_file(model, ec)) return false;
    try {
        const Json j = Json::parse(readFile(model.string()));
        return j.value("format", "") == "deepfield-graph" && j.contains("preprocessing");
    } catch (const std::exception&) {
        return false;
    }
}

RunWriter::RunWriter(const std::string& finalPath) : final_(finalPath) {
    std::error_code ec;
    fs::path p(finalPath);
    if (p.filename().empty()) p = p.parent_path();  // "runs/a/" → "runs/a"
    final_ = p.string();
    if (fs::exists(p, ec)) {
        if (!fs::is_directory(p, ec))
            throw UsageError("--out '" + final_ + "' is a file; give a folder for the run");
        if (!fs::is_empty(p, ec) && !isRunDirectory(final_))
            throw UsageError("--out '" + final_ + "' is a folder with other content and not a DeepField run; "
                             "refusing to overwrite it (choose a new or empty folder)");
    }
    const fs::path parent = p.parent_path().empty() ? fs::path(".") : p.parent_path();
    if (!fs::is_directory(parent, ec)) {
        fs::create_directories(parent, ec);
        if (ec) throw InputError("cannot create the folder '" + parent.string() + "' for --out: " + ec.message());
    }
    // Appended piecewise: GCC 12 warns falsely (-Wrestrict, bug 105329) on "." + name + ...
    std::string hidden = ".";
    hidden += p.filename().string();
    hidden += ".tmp-";
    hidden += std::to_string(::getpid());
    temp_ = (parent / hidden).string();
    fs::remove_all(temp_, ec);
    if (!fs::create_directory(temp_, ec) || ec)
        throw InputError("cannot create the folder '" + temp_ + "': " + ec.message());
}

RunWriter::~RunWriter() {
    if (committed_) return;
    std::error_code ec;
    fs::remove_all(temp_, ec);
}

std::string RunWriter::file(const std::string& name) const { return (fs::path(temp_) / name).string(); }

void RunWriter::commit() {
    std::error_code ec;
    std::string old;
    if (fs::exists(final_, ec)) {  // an older run or an empty folder: move it aside first
        old = temp_ + ".old";
        fs::remove_all(old, ec);
        fs::rename(final_, old, ec);
        if (ec) throw Error("cannot replace the run '" + final_ + "': " + ec.message());
    }
    fs::rename(temp_, final_, ec);
    if (ec) {
        if (!old.empty()) fs::rename(old, final_, ec);
        throw Error("cannot move the finished run into '" + final_ + "': " + ec.message());
    }
    committed_ = true;
    if (!old.empty()) fs::remove_all(old, ec);
}

LoadedRun loadRun(const std::string& path) {
    GraphRun read = readGraphRun(path, "--run");  // shared with the studio (engine/runs/run_files.h)
    LoadedRun run;
    run.model = std::move(read.model);
    try {
        run.spec = TableSpec::fromJson(run.model["preprocessing"]);
    } catch (const InputError& e) {
        throw InputError("'" + (fs::path(path) / "model.json").string() + "': " + e.what());
    }
    run.graph = std::move(read.graph);
    return run;
}

Json evaluationJson(Graph& graph, const Dataset& data, const TableSpec& spec) {
    const int n = data.size();
    std::vector<float> preds, targets;
    Tensor x, y;
    Shape outShape;
    for (int start = 0; start < n; start += 1024) {
        std::vector<int> idx;
        for (int i = start; i < std::min(n, start + 1024); ++i) idx.push_back(i);
        data.batch(idx, x, y);
        const Tensor& p = graph.forward(x, Mode::Inference);
        outShape = p.sampleShape();
        preds.insert(preds.end(), p.data(), p.data() + p.size());
        targets.insert(targets.end(), y.data(), y.data() + y.size());
    }
    std::vector<int> ps{n};
    ps.insert(ps.end(), outShape.begin(), outShape.end());
    const Tensor pred = Tensor::fromData(ps, preds), target = Tensor::fromData({n, 1}, targets);
    Json j{{"task", spec.task}, {"n", n}};
    if (spec.task == "classification") {
        j["accuracy"] = accuracy(pred, target, 0.0f);
        j["classes"] = spec.classes;
        j["confusion_matrix"] = confusionMatrix(pred, target, int(spec.classes.size()), 0.0f);
    } else {
        j["mae"] = meanAbsoluteError(pred, target);
        j["rmse"] = rootMeanSquaredError(pred, target);
        j["nmad"] = nmad(pred, target);
        j["outlier_fraction"] = outlierFraction(pred, target);
    }
    return j;
}

Json trainingRecord(const TrainOptions& options, const RunOrigin& origin, const Loss& loss, const Optimizer& optimizer,
                    const OptimizerOptions& optimizerOptions, const History& history) {
    Json training = options.toJson();
    training["validation_split"] = origin.validationSplit;
    training["test_split"] = origin.testSplit;
    training["model"] = origin.model;
    training["data"] = origin.data;
    if (!origin.test.empty()) training["test"] = origin.test;
    training["loss"] = loss.name();
    training["optimizer"] = Json{{"name", optimizer.name()}, {"options", optimizerOptions.toJson()}};
    training["stop_reason"] = history.stopReason;
    return training;
}

void finishRun(RunWriter& run, const Json& modelJson, Graph& graph, const History& history, const Json* testMetrics,
               const std::string& out) {
    writeFileAtomically(run.file("model.json"), modelJson.dump(2) + "\n");
    graph.saveWeights(run.file("weights.safetensors"));
    writeFileAtomically(run.file("history.csv"), history.toCsv());
    if (testMetrics) {
        writeFileAtomically(run.file("metrics.json"), testMetrics->dump(2) + "\n");
        std::cout << "test: " << testMetrics->dump() << "\n";
    }
    run.commit();
    std::cout << "run written to '" << out << "'" << std::endl;
}

}  // namespace deepfield::cli
