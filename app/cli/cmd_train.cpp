#include <iostream>

#include "commands.h"

namespace deepfield::cli {
// Scaffolding: replaced by the real command in this session.
int runTrain(Args&) { std::cerr << "train: under construction\n"; return 1; }
int runEvaluate(Args&) { std::cerr << "evaluate: under construction\n"; return 1; }
}  // namespace deepfield::cli
