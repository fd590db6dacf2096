#include "graph/templates.h"

#include "core/error.h"

namespace deepfield {

std::vector<TemplateInfo> templateList() {
    return {
        {"mlp-colors", "Dense 32 ReLU → Dense 32 ReLU → Dense K (logits); colours → STAR/GALAXY/QSO",
         "classification", {4}, 3},
        {"mlp-photoz", "Dense 64 ReLU → Dense 64 ReLU → Dense 1; magnitudes and colours → redshift", "regression",
         {5}, 1},
        {"cnn-morphology",
         "[Conv2D 3×3 same → ReLU → MaxPooling2D 2] × (16, 32, 64 filters) → Flatten → Dense 128 ReLU → "
         "Dropout 0.5 → Dense K (logits)",
         "classification", {1, 64, 64}, 3},
        {"cnn-morphology-3band",
         "as cnn-morphology for 3 bands, with BatchNormalization after each Conv2D", "classification", {3, 64, 64},
         3},
    };
}

namespace {

std::string knownNames() {
    std::string s;
    for (const TemplateInfo& t : templateList()) s += (s.empty() ? "" : ", ") + t.name;
    return s;
}

void addMlp(Graph& g, int units, int outputs) {
    g.add("dense_1", "Dense", Json{{"units", units}}, {"input"});
    g.add("relu_1", "ReLU", Json::object(), {"dense_1"});
    g.add("dense_2", "Dense", Json{{"units", units}}, {"relu_1"});
    g.add("relu_2", "ReLU", Json::object(), {"dense_2"});
    g.add("output", "Dense", Json{{"units", outputs}}, {"relu_2"});
}

void addCnn(Graph& g, int outputs, bool batchNorm) {
    std::string prev = "input";
    const int filters[] = {16, 32, 64};
    for (int b = 0; b < 3; ++b) {
        const std::string k = std::to_string(b + 1);
        g.add("conv2d_" + k, "Conv2D", Json{{"filters", filters[b]}, {"kernel_size", 3}, {"padding", "same"}}, {prev});
        prev = "conv2d_" + k;
        if (batchNorm) {
            g.add("batch_normalization_" + k, "BatchNormalization", Json::object(), {prev});
            prev = "batch_normalization_" + k;
        }
        g.add("relu_" + k, "ReLU", Json::object(), {prev});
        g.add("max_pooling2d_" + k, "MaxPooling2D", Json{{"pool_size", 2}}, {"relu_" + k});
        prev = "max_pooling2d_" + k;
    }
    g.add("flatten", "Flatten", Json::object(), {prev});
    g.add("dense_1", "Dense", Json{{"units", 128}}, {"flatten"});
    g.add("relu_4", "ReLU", Json::object(), {"dense_1"});
    g.add("dropout", "Dropout", Json{{"rate", 0.5}}, {"relu_4"});
    g.add("output", "Dense", Json{{"units", outputs}}, {"dropout"});
}

}  // namespace

Graph makeTemplate(const std::string& name, const TemplateOptions& options) {
    const TemplateInfo* info = nullptr;
    const std::vector<TemplateInfo> all = templateList();
    for (const TemplateInfo& t : all)
        if (t.name == name) info = &t;
    if (!info) throw InputError("unknown model template '" + name + "'; known templates: " + knownNames());
    const Shape input = options.inputShape.empty() ? info->defaultInput : options.inputShape;
    const int outputs = options.outputs > 0 ? options.outputs : info->defaultOutputs;
    if (input.size() != info->defaultInput.size())
        throw InputError("template '" + name + "' takes inputs of shape " +
                         (info->defaultInput.size() == 1 ? std::string("(features)") : std::string("(C, H, W)")) +
                         ", got " + toString(input));
    for (int d : input)
        if (d <= 0) throw InputError("template '" + name + "': input shape " + toString(input) + " must be positive");

    Graph g;
    g.add("input", "Input", Json{{"shape", input}});
    if (name == "mlp-colors") addMlp(g, 32, outputs);
    else if (name == "mlp-photoz") addMlp(g, 64, outputs);
    else if (name == "cnn-morphology") addCnn(g, outputs, false);
    else addCnn(g, outputs, true);
    g.setOutputs({"output"});
    return g;
}

}  // namespace deepfield
