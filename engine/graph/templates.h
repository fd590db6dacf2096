#pragma once
// Built-in networks by name, exactly the architectures of the reference workloads
// (../shared/bench/README.md), so a lesson, the CLI and the benchmarks train the same thing.
#include <string>
#include <vector>

#include "graph/graph.h"

namespace deepfield {

struct TemplateOptions {
    Shape inputShape;  // per sample: {features} for MLPs, {C, H, W} for CNNs; empty = template default
    int outputs = 0;   // classes (logits) or regression outputs; 0 = template default
};

struct TemplateInfo {
    std::string name;         // "mlp-colors"
    std::string description;  // one line: the architecture
    std::string task;         // "classification" or "regression"
    Shape defaultInput;       // {4} or {1, 64, 64}
    int defaultOutputs = 0;
};

std::vector<TemplateInfo> templateList();
// Builds (but does not build() or initialise) the named template. Throws InputError listing
// the known names for an unknown one, and for an input shape of the wrong rank.
Graph makeTemplate(const std::string& name, const TemplateOptions& options = {});

}  // namespace deepfield
