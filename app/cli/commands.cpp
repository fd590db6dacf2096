#include "commands.h"

namespace deepfield::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> all = {
        {"train", "train a network on a table or an image folder and write a run directory", {"grey"}, runTrain},
        {"evaluate", "print a trained run's metrics on data as JSON", {}, runEvaluate},
    };
    return all;
}

}  // namespace deepfield::cli
