// deepfield-cli encode: a trained VAE run's μ and σ for every image of a folder, with labels.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "generative/latent.h"
#include "generative/vae.h"
#include "train_generative.h"

namespace deepfield::cli {

namespace {
const char* kHelp = R"(usage: deepfield-cli encode --run <vae-run-dir> --data <image-folder> --out latent.csv

Writes one row per image: filename, label (the folder's class, if any), mu_0..mu_{D-1}, sigma_0..sigma_{D-1}.
The images get the run's preprocessing and scaling.
)";
}  // namespace

int runEncode(Args& args) {
    if (args.flag("help")) {
        std::cout << kHelp;
        return 0;
    }
    const std::string runPath = args.get("run"), data = args.get("data"), out = args.get("out");
    args.finish();
    GenerativeRun run = loadGenerativeRun(runPath);
    if (run.kind != "vae-latent") throw InputError("--run '" + runPath + "' is a " + run.kind + " run; encode needs a VAE (vae-latent)");
    auto folder = loadFolderForRun(run, data);
    ScaledDataset scaled(folder, run.range());
    VaeModel m(std::move(run.first), std::move(run.second));
    m.build();
    const LatentCodes c = encodeDataset(m, scaled);
    const int d = c.mu.dim(1);
    std::ostringstream csv;
    csv.precision(7);
    csv << "filename,label";
    for (int j = 0; j < d; ++j) csv << ",mu_" << j;
    for (int j = 0; j < d; ++j) csv << ",sigma_" << j;
    csv << "\n";
    for (int i = 0; i < folder->size(); ++i) {
        csv << folder->files()[std::size_t(i)] << ",";
        if (!folder->labels().empty()) csv << folder->classes()[std::size_t(folder->labels()[std::size_t(i)])];
        for (int j = 0; j < d; ++j) csv << "," << c.mu.sample(i)[j];
        for (int j = 0; j < d; ++j) csv << "," << c.sigma.sample(i)[j];
        csv << "\n";
    }
    writeFileAtomically(out, csv.str());
    std::cout << "encoded " << folder->size() << " images to a " << d << "-D latent: '" << out << "'" << std::endl;
    return 0;
}

}  // namespace deepfield::cli
