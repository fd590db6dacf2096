#pragma once
// Everything one training run needs. Built on the UI thread, then handed whole to the
// worker, which owns it while it trains.
#include <memory>
#include <string>

#include "data/dataset.h"
#include "graph/graph.h"
#include "train/optimizer.h"
#include "train/trainer.h"

namespace deepfield::app {

struct TrainingJob {
    std::unique_ptr<Graph> graph;  // built and initialised
    std::shared_ptr<const Dataset> train;
    std::shared_ptr<const Dataset> validation;  // may be null (then options.validationSplit applies)
    std::string loss = "sparse_categorical_crossentropy";
    std::string optimizer = "adam";
    OptimizerOptions optimizerOptions;
    TrainOptions options;
};

// What a finished run hands back to the UI thread.
struct TrainingResult {
    std::shared_ptr<Graph> graph;  // the trained model (ownership returns to the UI)
    History history;
    QString error;  // non-empty when the engine threw
};

}  // namespace deepfield::app
