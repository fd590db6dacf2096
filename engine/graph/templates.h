#pragma once
// Built-in networks by name, exactly the architectures of the reference workloads
// (../shared/bench/README.md), so a lesson, the CLI and the benchmarks train the same thing.
#include <string>
#include <utility>
#include <vector>

#include "graph/graph.h"

namespace deepfield {

struct TemplateOptions {
    TemplateOptions() = default;
    TemplateOptions(Shape input, int outputCount) : inputShape(std::move(input)), outputs(outputCount) {}

    Shape inputShape;  // per sample: {features} for MLPs, {C, H, W} for CNNs; empty = template default
    int outputs = 0;   // classes (logits) or regression outputs; 0 = template default
    // Image-to-image templates (unet-clumps, autoencoder): output channels are `outputs`
    // (0: 1 for unet-clumps, the input's channels for autoencoder).
    int depth = 0;                 // resolution levels; 0 = 3
    int baseFilters = 0;           // filters of the first level, doubled per level; 0 = 16
    std::string finalActivation;   // sigmoid, linear, tanh, relu; "" = sigmoid (unet-clumps), linear (autoencoder)
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

// Image-to-image templates (issue #5), images in and images of the same height and width out:
//   unet-clumps  bench/README.md's unet_clumps at the defaults: per level [Conv2D 3×3 same + ReLU] × 2 with
//                b, 2b, 4b filters and MaxPooling2D 2 between levels, bottleneck [Conv2D 8b + ReLU] × 2; decoder
//                per level Conv2DTranspose 2×2 s2 → Concatenate [up, skip] → [Conv2D + ReLU] × 2; Conv2D 1×1
//                → Sigmoid. b = 16, depth 3.
//   autoencoder  the same encoder with one Conv2D per level and no skips: [Conv2D 3×3 + ReLU → MaxPooling2D]
//                × depth → Conv2D 8b + ReLU → [Conv2DTranspose 2×2 s2 + ReLU → Conv2D 3×3 + ReLU] × depth →
//                Conv2D 1×1 (linear).
// Height and width must be multiples of 2^depth (InputError otherwise).
std::vector<TemplateInfo> imageTemplateList();  // task "segmentation" / "image"
bool isImageTemplate(const std::string& name);

// Generative templates (issue #5) as pairs of graphs, exactly bench/README.md's vae_latent and gan
// at the defaults (input 1×64×64, latent 2 / 64, base filters 32):
//   vae-latent  first = encoder: input → Conv2D 3×3 s2 pad 1 (b, 2b, 4b) ReLU → Flatten → Dense z_mean,
//               Dense z_log_var → Sampling z (outputs z_mean, z_log_var, z); second = decoder: latent →
//               Dense 4b·H/8·W/8 ReLU → Reshape → Conv2DTranspose 3×3 s2 pad 1 out-pad 1 (2b, b, C), ReLU,
//               last Sigmoid
//   dcgan       first = generator: latent → Dense 4b·H/8·W/8 + BN + ReLU → Reshape → Conv2DTranspose 4×4 s2
//               pad 1 (2b BN ReLU, b BN ReLU, C) → Tanh; second = discriminator: Conv2D 4×4 s2 pad 1 (b
//               LeakyReLU 0.2, 2b BN LeakyReLU, 4b BN LeakyReLU) → Flatten → Dense 1 (logit)
//   wgan        as dcgan; the second graph is the critic (same layers, its Dense 1 is a score)
struct GenerativeTemplateOptions {
    Shape imageShape;     // {C, H, W}, H and W divisible by 8; empty = {1, 64, 64}
    int latent = 0;       // 0 = template default (2 for vae-latent, 64 for the GANs)
    int baseFilters = 0;  // b; 0 = 32
    float beta = 1.0f;    // vae-latent: the Sampling layer's KL weight
};
struct GraphPair {
    Graph first, second;  // encoder + decoder, or generator + discriminator/critic
};
std::vector<TemplateInfo> generativeTemplateList();  // vae-latent, dcgan, wgan (task "generative")
bool isGenerativeTemplate(const std::string& name);
// Throws InputError for an unknown name or image sizes not divisible by 8.
GraphPair makeGenerativeTemplate(const std::string& name, const GenerativeTemplateOptions& options = {});

}  // namespace deepfield
