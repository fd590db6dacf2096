#pragma once
// A run directory, the result of `deepfield-cli train`:
//   model.json          graph JSON (format deepfield-graph) + "preprocessing" + "training"
//   weights.safetensors every parameter and buffer
//   history.csv         epoch,train_loss,val_loss,train_<metric>,val_<metric>...
//   metrics.json        final test metrics (only with --test / --test-split)
// It is built in a hidden temporary sibling folder and renamed into place at the end, so a
// failed or interrupted run leaves nothing that looks like a result.
#include <string>

#include "core/json.h"
#include "data/dataset.h"
#include "data/table.h"
#include "graph/graph.h"
#include "train/loss.h"
#include "train/optimizer.h"
#include "train/trainer.h"

namespace deepfield::cli {

// Where a run came from, recorded in model.json's "training" block with the options.
struct RunOrigin {
    std::string model, data, test;
    double validationSplit = 0.0, testSplit = 0.0;
};
Json trainingRecord(const TrainOptions& options, const RunOrigin& origin, const Loss& loss, const Optimizer& optimizer,
                    const OptimizerOptions& optimizerOptions, const History& history);

// Whether `path` holds a DeepField run (a model.json in the run format).
bool isRunDirectory(const std::string& path);

class RunWriter {
public:
    // Refuses (UsageError) a path that is a file, or a non-empty folder that is not a run.
    explicit RunWriter(const std::string& finalPath);
    ~RunWriter();  // removes the temporary folder unless committed
    RunWriter(const RunWriter&) = delete;
    RunWriter& operator=(const RunWriter&) = delete;

    std::string file(const std::string& name) const;  // path inside the temporary folder
    // Moves the finished run into place (replacing an older run at the same path).
    void commit();

private:
    std::string final_, temp_;
    bool committed_ = false;
};

class RunWriter;
// Writes model.json, weights.safetensors, history.csv and (with test metrics) metrics.json into the
// run, moves it into place at `out` and says so.
void finishRun(RunWriter& run, const Json& modelJson, Graph& graph, const History& history, const Json* testMetrics,
               const std::string& out);

struct LoadedRun {
    Json model;  // the whole model.json
    Graph graph;  // built, weights loaded
    TableSpec spec;
};
// Throws InputError naming the run folder and what is missing.
LoadedRun loadRun(const std::string& path);

// Metrics of a trained network on a dataset as printed by `evaluate` and stored in metrics.json:
// classification {"task","n","accuracy","classes","confusion_matrix"} (rows: true class);
// regression {"task","n","mae","rmse","nmad","outlier_fraction"}.
Json evaluationJson(Graph& graph, const Dataset& data, const TableSpec& spec);

}  // namespace deepfield::cli
