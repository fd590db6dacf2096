#pragma once
// `deepfield-cli train --model vae-latent|dcgan|wgan` on an image folder without labels, and the
// run directory it writes, read back by encode, generate and score:
//   model.json       {"format": "deepfield-graph", "generative": {"kind", "first", "second"},
//                     "preprocessing": {...}, "training": {...}}
//   first.safetensors, second.safetensors   encoder + decoder, or generator + discriminator/critic
//   history.csv      epoch,train_loss,...,train_reconstruction,train_kl / train_g_loss,train_wasserstein ...
//   samples/         (GANs) the generator on a fixed noise batch: step_<n>.fits cubes (K, H, W) for C = 1
#include <memory>
#include <string>

#include "args.h"
#include "data/image_folder.h"
#include "generative/loop.h"
#include "graph/graph.h"

namespace deepfield::cli {

bool isGenerativeModel(const std::string& model);
int trainGenerative(Args& args);

struct GenerativeRun {
    std::string path;
    std::string kind;  // "vae-latent", "dcgan", "wgan"
    Json model;        // model.json
    Graph first, second;
    ScaleRange range() const { return kind == "vae-latent" ? ScaleRange::Unit : ScaleRange::Symmetric; }
};
// Throws InputError naming the folder when it is not a generative run.
GenerativeRun loadGenerativeRun(const std::string& path);
// An image folder read with the run's preprocessing (labels optional: a class column is used when present).
std::shared_ptr<ImageFolderDataset> loadFolderForRun(const GenerativeRun& run, const std::string& folder);

}  // namespace deepfield::cli
