#include "graph/templates.h"

#include <map>

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
    for (const TemplateInfo& t : imageTemplateList()) s += ", " + t.name;
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

Graph makeImageTemplate(const std::string& name, const TemplateOptions& options);  // below

Graph makeTemplate(const std::string& name, const TemplateOptions& options) {
    if (isImageTemplate(name)) return makeImageTemplate(name, options);
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

// ---- Generative templates (issue #5): graph pairs, see templates.h ----
namespace deepfield {

std::vector<TemplateInfo> generativeTemplateList() {
    return {
        {"vae-latent",
         "VAE: Conv2D 3×3 s2 (32, 64, 128) ReLU → Dense μ, log σ² (latent 2) → Sampling; decoder Dense 8192 ReLU → "
         "128×8×8 → Conv2DTranspose 3×3 s2 (64, 32, 1), sigmoid",
         "generative", {1, 64, 64}, 2},
        {"dcgan",
         "DCGAN: G Dense 8192 BN ReLU → 128×8×8 → Conv2DTranspose 4×4 s2 (64, 32 BN ReLU, 1) tanh; D Conv2D 4×4 s2 "
         "(32 LeakyReLU, 64, 128 BN LeakyReLU) → Dense 1 logit",
         "generative", {1, 64, 64}, 64},
        {"wgan", "WGAN (weight clipping, n_critic): the DCGAN generator and a critic with the discriminator's layers",
         "generative", {1, 64, 64}, 64},
    };
}

bool isGenerativeTemplate(const std::string& name) {
    for (const TemplateInfo& t : generativeTemplateList())
        if (t.name == name) return true;
    return false;
}

GraphPair makeGenerativeTemplate(const std::string& name, const GenerativeTemplateOptions& o) {
    if (!isGenerativeTemplate(name))
        throw InputError("unknown generative template '" + name + "'; known: vae-latent, dcgan, wgan");
    const Shape img = o.imageShape.empty() ? Shape{1, 64, 64} : o.imageShape;
    if (img.size() != 3 || img[0] < 1 || img[1] < 8 || img[2] < 8 || img[1] % 8 || img[2] % 8)
        throw InputError("template '" + name + "' takes images (C, H, W) with H and W multiples of 8, got " +
                         toString(img));
    const int b = o.baseFilters > 0 ? o.baseFilters : 32;
    const int h8 = img[1] / 8, w8 = img[2] / 8, c = img[0];
    const bool vae = name == "vae-latent";
    const int latent = o.latent > 0 ? o.latent : (vae ? 2 : 64);
    GraphPair p;
    if (vae) {
        Graph& e = p.first;
        e.add("input", "Input", Json{{"shape", img}});
        std::string prev = "input";
        for (int i = 0; i < 3; ++i) {
            const std::string k = std::to_string(i + 1);
            e.add("conv2d_" + k, "Conv2D", Json{{"filters", b << i}, {"kernel_size", 3}, {"strides", 2}, {"padding", 1}},
                  {prev});
            e.add("relu_" + k, "ReLU", Json::object(), {"conv2d_" + k});
            prev = "relu_" + k;
        }
        e.add("flatten", "Flatten", Json::object(), {prev});
        e.add("z_mean", "Dense", Json{{"units", latent}}, {"flatten"});
        e.add("z_log_var", "Dense", Json{{"units", latent}}, {"flatten"});
        e.add("z", "Sampling", Json{{"beta", o.beta}}, {"z_mean", "z_log_var"});
        e.setOutputs({"z_mean", "z_log_var", "z"});
        Graph& d = p.second;
        d.add("latent", "Input", Json{{"shape", {latent}}});
        d.add("dense", "Dense", Json{{"units", 4 * b * h8 * w8}}, {"latent"});
        d.add("relu_1", "ReLU", Json::object(), {"dense"});
        d.add("reshape", "Reshape", Json{{"target_shape", {4 * b, h8, w8}}}, {"relu_1"});
        prev = "reshape";
        const int filters[] = {2 * b, b, c};
        for (int i = 0; i < 3; ++i) {
            const std::string k = std::to_string(i + 1);
            d.add("conv2d_transpose_" + k, "Conv2DTranspose",
                  Json{{"filters", filters[i]}, {"kernel_size", 3}, {"strides", 2}, {"padding", 1}, {"output_padding", 1}},
                  {prev});
            const std::string act = i < 2 ? "relu_" + std::to_string(i + 2) : "output";
            d.add(act, i < 2 ? "ReLU" : "Sigmoid", Json::object(), {"conv2d_transpose_" + k});
            prev = act;
        }
        d.setOutputs({"output"});
        return p;
    }
    Graph& g = p.first;
    g.add("latent", "Input", Json{{"shape", {latent}}});
    g.add("dense", "Dense", Json{{"units", 4 * b * h8 * w8}}, {"latent"});
    g.add("batch_normalization_1", "BatchNormalization", Json::object(), {"dense"});
    g.add("relu_1", "ReLU", Json::object(), {"batch_normalization_1"});
    g.add("reshape", "Reshape", Json{{"target_shape", {4 * b, h8, w8}}}, {"relu_1"});
    std::string prev = "reshape";
    const int gFilters[] = {2 * b, b, c};
    for (int i = 0; i < 3; ++i) {
        const std::string k = std::to_string(i + 1);
        g.add("conv2d_transpose_" + k, "Conv2DTranspose",
              Json{{"filters", gFilters[i]}, {"kernel_size", 4}, {"strides", 2}, {"padding", 1}}, {prev});
        prev = "conv2d_transpose_" + k;
        if (i < 2) {
            const std::string j = std::to_string(i + 2);
            g.add("batch_normalization_" + j, "BatchNormalization", Json::object(), {prev});
            g.add("relu_" + j, "ReLU", Json::object(), {"batch_normalization_" + j});
            prev = "relu_" + j;
        }
    }
    g.add("output", "Tanh", Json::object(), {prev});
    g.setOutputs({"output"});
    Graph& d = p.second;
    d.add("input", "Input", Json{{"shape", img}});
    prev = "input";
    for (int i = 0; i < 3; ++i) {
        const std::string k = std::to_string(i + 1);
        d.add("conv2d_" + k, "Conv2D", Json{{"filters", b << i}, {"kernel_size", 4}, {"strides", 2}, {"padding", 1}},
              {prev});
        prev = "conv2d_" + k;
        if (i > 0) {
            d.add("batch_normalization_" + k, "BatchNormalization", Json::object(), {prev});
            prev = "batch_normalization_" + k;
        }
        d.add("leaky_relu_" + k, "LeakyReLU", Json{{"alpha", 0.2}}, {prev});
        prev = "leaky_relu_" + k;
    }
    d.add("flatten", "Flatten", Json::object(), {prev});
    d.add("output", "Dense", Json{{"units", 1}}, {"flatten"});
    d.setOutputs({"output"});
    return p;
}

}  // namespace deepfield

// ---- Image-to-image templates (issue #5): unet-clumps, autoencoder, see templates.h ----
namespace deepfield {

std::vector<TemplateInfo> imageTemplateList() {
    return {
        {"unet-clumps",
         "U-Net: [Conv2D 3×3 ReLU] × 2 per level (16, 32, 64) with MaxPooling2D 2, bottleneck 128; Conv2DTranspose "
         "2×2 s2, concatenate the skip, [Conv2D ReLU] × 2; Conv2D 1×1 → sigmoid (image → mask)",
         "segmentation", {1, 64, 64}, 1},
        {"autoencoder",
         "Convolutional encoder–decoder without skips: [Conv2D 3×3 ReLU → MaxPooling2D 2] × (16, 32, 64) → Conv2D "
         "128 → [Conv2DTranspose 2×2 s2 ReLU → Conv2D 3×3 ReLU] × (64, 32, 16) → Conv2D 1×1 (image → image)",
         "image", {1, 64, 64}, 0},
    };
}

bool isImageTemplate(const std::string& name) {
    for (const TemplateInfo& t : imageTemplateList())
        if (t.name == name) return true;
    return false;
}

namespace {
// Conv2D 3×3 same + ReLU named <prefix>; returns the ReLU's name.
std::string convRelu(Graph& g, const std::string& prefix, int filters, const std::string& in) {
    g.add(prefix, "Conv2D", Json{{"filters", filters}, {"kernel_size", 3}, {"padding", "same"}}, {in});
    g.add(prefix + "_relu", "ReLU", Json::object(), {prefix});
    return prefix + "_relu";
}
}  // namespace

Graph makeImageTemplate(const std::string& name, const TemplateOptions& o) {
    const bool unet = name == "unet-clumps";
    const Shape input = o.inputShape.empty() ? Shape{1, 64, 64} : o.inputShape;
    const int depth = o.depth > 0 ? o.depth : 3;
    const int b = o.baseFilters > 0 ? o.baseFilters : 16;
    if (o.depth < 0 || o.baseFilters < 0 || depth > 8)
        throw InputError("template '" + name + "': depth must be 1..8 and base filters ≥ 1, got depth " +
                         std::to_string(o.depth) + ", base filters " + std::to_string(o.baseFilters));
    const int scale = 1 << depth;
    if (input.size() != 3 || input[0] < 1 || input[1] < scale || input[2] < scale || input[1] % scale ||
        input[2] % scale)
        throw InputError("template '" + name + "' takes images (C, H, W) with H and W multiples of " +
                         std::to_string(scale) + " (2^depth, depth " + std::to_string(depth) + "), got " +
                         toString(input) + "; use --image-size or a smaller depth");
    const int outputs = o.outputs > 0 ? o.outputs : (unet ? 1 : input[0]);
    const std::string act = o.finalActivation.empty() ? (unet ? "sigmoid" : "linear") : o.finalActivation;
    const std::map<std::string, std::string> activations{
        {"sigmoid", "Sigmoid"}, {"tanh", "Tanh"}, {"relu", "ReLU"}, {"linear", ""}};
    if (!activations.count(act))
        throw InputError("template '" + name + "': final activation must be sigmoid, linear, tanh or relu, got '" +
                         act + "'");

    Graph g;
    g.add("input", "Input", Json{{"shape", input}});
    std::string prev = "input";
    std::vector<std::string> skips;
    for (int l = 0; l < depth; ++l) {
        const std::string k = std::to_string(l + 1);
        prev = convRelu(g, "enc" + k + "_conv1", b << l, prev);
        if (unet) prev = convRelu(g, "enc" + k + "_conv2", b << l, prev);
        skips.push_back(prev);
        g.add("enc" + k + "_pool", "MaxPooling2D", Json{{"pool_size", 2}}, {prev});
        prev = "enc" + k + "_pool";
    }
    prev = convRelu(g, "bottleneck_conv1", b << depth, prev);
    if (unet) prev = convRelu(g, "bottleneck_conv2", b << depth, prev);
    for (int l = depth - 1; l >= 0; --l) {
        const std::string k = std::to_string(l + 1);
        g.add("dec" + k + "_up", "Conv2DTranspose",
              Json{{"filters", b << l}, {"kernel_size", 2}, {"strides", 2}, {"padding", "same"}}, {prev});
        prev = "dec" + k + "_up";
        if (unet) {
            g.add("dec" + k + "_concat", "Concatenate", Json{{"axis", 0}}, {prev, skips[std::size_t(l)]});
            prev = convRelu(g, "dec" + k + "_conv1", b << l, "dec" + k + "_concat");
            prev = convRelu(g, "dec" + k + "_conv2", b << l, prev);
        } else {
            g.add(prev + "_relu", "ReLU", Json::object(), {prev});
            prev = convRelu(g, "dec" + k + "_conv1", b << l, prev + "_relu");
        }
    }
    const std::string fn = activations.at(act);
    g.add(fn.empty() ? "output" : "output_conv", "Conv2D", Json{{"filters", outputs}, {"kernel_size", 1}}, {prev});
    if (!fn.empty()) g.add("output", fn, Json::object(), {"output_conv"});
    g.setOutputs({"output"});
    return g;
}

}  // namespace deepfield
