#pragma once
// One function per deepfield-cli command, each in its own cmd_<name>.cpp.
// A command returns the process exit code: 0 success, 1 failure while working, 2 bad input.
#include "args.h"

namespace deepfield::cli {

struct Command {
    const char* name;
    const char* summary;
    std::set<std::string> flags;  // options without a value
    int (*run)(Args& args);
};

// Every command, in the order `deepfield-cli --help` lists them (defined in commands.cpp).
const std::vector<Command>& commands();

int runTrain(Args& args);
int runEvaluate(Args& args);
int runSimulate(Args& args);
int runInfo(Args& args);
int runEncode(Args& args);
int runGenerate(Args& args);
int runScore(Args& args);
int runExplain(Args& args);
int runBench(Args& args);

}  // namespace deepfield::cli
