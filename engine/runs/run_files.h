#pragma once
// Reading the run folders `deepfield-cli train` writes (app/cli/run_dir.h, train_generative.h), shared by
// the command line and the studio's panels:
//   graph runs       model.json (graph + "preprocessing" + "training") and weights.safetensors
//   generative runs  model.json {"generative": {"kind", "first", "second"}, ...}, first/second.safetensors,
//                    samples/step_<n>.fits (GANs: the generator on a fixed noise batch)
// Errors are InputErrors that start with `label` and the folder ("--run 'x' has no model.json ...").
#include <string>
#include <vector>

#include "core/json.h"
#include "generative/gan.h"
#include "graph/graph.h"

namespace deepfield {

// model.json of a run folder, parsed; checks the folder, the file and the JSON.
Json readRunModelJson(const std::string& path, const std::string& label = "run folder");

struct GraphRun {
    std::string path;
    Json model;   // the whole model.json
    Graph graph;  // built, weights loaded
};
// A run with one graph; also requires the "preprocessing" block.
GraphRun readGraphRun(const std::string& path, const std::string& label = "run folder");

bool isGenerativeRunJson(const Json& model);
struct GenerativeRunFiles {
    std::string path;
    std::string kind;  // "vae-latent", "dcgan", "wgan"
    Json model;
    Graph first, second;  // encoder + decoder, or generator + discriminator/critic; built, weights loaded
};
GenerativeRunFiles readGenerativeRun(const std::string& path, const std::string& label = "run folder");

// The generator samples of a GAN run in step order: cubes of K·C planes are split back into
// (K, C, H, W) with C = `channels`. Empty when the run has no samples folder.
std::vector<GanSample> readGanSamples(const std::string& path, int channels);

// history.csv as columns by name (epoch, train_loss, train_g_loss ...); empty when missing.
struct RunHistoryColumns {
    std::vector<std::string> names;
    std::vector<std::vector<double>> values;  // one vector per name
    const std::vector<double>* column(const std::string& name) const;
};
RunHistoryColumns readRunHistory(const std::string& path);

}  // namespace deepfield
