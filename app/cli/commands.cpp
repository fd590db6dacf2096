#include "commands.h"

namespace deepfield::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> all = {
        {"train", "train a network on a table or an image folder and write a run directory", {"grey", "drop-missing", "adversarial", "help"}, runTrain},
        {"evaluate", "print a trained run's metrics on data as JSON", {"drop-missing", "help"}, runEvaluate},
        {"info", "describe a FITS, PNG or JPEG file: HDUs, shapes, blanks, statistics, WCS", {"json", "help"}, runInfo},
        {"simulate", "write a folder of simulated galaxies (FITS + labels.csv) for training", {"no-noise", "help"}, runSimulate},
        {"encode", "a trained VAE's latent mu and sigma for every image of a folder (CSV)", {"help"}, runEncode},
        {"generate", "new images (FITS) from a trained VAE or GAN run", {"help"}, runGenerate},
        {"score", "anomaly scores per image, ranked (VAE reconstruction error or GAN critic)", {"help"}, runScore},
        {"explain", "attribution map (saliency, integrated gradients, occlusion, Grad-CAM ...) of an image as FITS", {"probability", "help"}, runExplain},
        {"bench", "engine vs PyTorch throughput on the reference workloads (bench/), both in the same run",
         {"torch", "no-torch", "no-interleave", "no-memory", "help"}, runBench},
    };
    return all;
}

}  // namespace deepfield::cli
