// deepfield-cli generate: new images from a trained VAE (decoder on z ~ N(0, 1)) or GAN generator.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "data/fits.h"
#include "generative/radial_profile.h"
#include "train_generative.h"

namespace deepfield::cli {

namespace {
const char* kHelp = R"(usage: deepfield-cli generate --run <run-dir> --count N --seed S --out <dir>

Draws N latent points z ~ N(0, 1) with seed S and writes the decoder's (vae-latent) or the
generator's (dcgan, wgan) images as FITS files generated_000000.fits ... (C, H, W) in the model's
pixel range ([0, 1] for the VAE, [−1, 1] for the GANs), with DF_RUN, DF_KIND, DF_SEED, DF_INDEX cards.

  --compare <image-folder>   also compare the mean radial light profile of the N generated images
                             with that of the folder's images (read with the run's preprocessing,
                             both with sky 0 and peak 1): prints the folder's half-light radius Re and
                             the largest relative difference |generated / folder − 1| inside 2 Re
  --profile-out <file.csv>   with --compare: radius,folder,generated,ratio per 1-pixel annulus
  --profile-radius K         with --compare: compare inside K·Re, default 2
)";

// Compares generated images (in the run's pixel range) with the folder's, both in [0, 1].
void compareWithFolder(const GenerativeRun& run, const Tensor& generated, const std::string& folderPath,
                       const std::string& csvPath, double factor) {
    auto folder = loadFolderForRun(run, folderPath);
    ScaledDataset unit(folder, ScaleRange::Unit);
    Tensor real, unused;
    loadAll(unit, real, unused);
    Tensor made = generated;
    if (run.range() == ScaleRange::Symmetric)
        for (std::size_t i = 0; i < made.size(); ++i) made[i] = 0.5f * (made[i] + 1.0f);
    const RadialProfile reference = meanRadialProfile(real), candidate = meanRadialProfile(made);
    const ProfileComparison c = compareProfiles(reference, candidate, factor);
    std::printf("radial profile: folder Re %.2f px; max |generated/folder - 1| inside %.3g Re (%.2f px): %.3f at r = %.2f px\n",
                c.re, factor, c.maxRadius, c.maxRelativeDifference, c.worstRadius);
    if (csvPath.empty()) return;
    std::string csv = "radius,folder,generated,ratio\n";
    char line[160];
    for (std::size_t k = 0; k < reference.radius.size(); ++k) {
        std::snprintf(line, sizeof line, "%.4f,%.6g,%.6g,%.6g\n", reference.radius[k], reference.intensity[k],
                      candidate.intensity[k], c.ratio[k]);
        csv += line;
    }
    writeFileAtomically(csvPath, csv);
}
}  // namespace

int runGenerate(Args& args) {
    namespace fs = std::filesystem;
    if (args.flag("help")) {
        std::cout << kHelp;
        return 0;
    }
    const std::string runPath = args.get("run"), out = args.get("out");
    const int count = args.getInt("count", 16, 1);
    const int seed = args.getInt("seed", 0, 0);
    const std::string compare = args.get("compare", ""), profileOut = args.get("profile-out", "");
    const double profileRadius = args.getDouble("profile-radius", 2.0);
    args.finish();
    if (!profileOut.empty() && compare.empty()) throw UsageError("--profile-out needs --compare <image-folder>");
    if (!(profileRadius > 0)) throw UsageError("option --profile-radius must be positive");
    GenerativeRun run = loadGenerativeRun(runPath);
    Graph& maker = run.kind == "vae-latent" ? run.second : run.first;
    const Shape latent = maker.inputShapes()[0];
    Rng rng(static_cast<std::uint64_t>(seed));
    Tensor z = Tensor::withBatch(count, latent);
    for (std::size_t i = 0; i < z.size(); ++i) z[i] = float(rng.normal());
    const Tensor& images = maker.forward(z, Mode::Inference);
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec) throw InputError("cannot create --out '" + out + "': " + ec.message());
    const Shape one = images.sampleShape();
    for (int i = 0; i < count; ++i) {
        Tensor img(one);
        std::copy_n(images.sample(i), img.size(), img.data());
        char name[64];
        std::snprintf(name, sizeof name, "generated_%06d.fits", i);
        writeFits((fs::path(out) / name).string(), img,
                  {{"DF_RUN", fs::path(runPath).filename().string(), "run that made the image", true, true},
                   {"DF_KIND", run.kind, "model", true, true},
                   {"DF_SEED", std::to_string(seed), "seed of the latent draws", false, true},
                   {"DF_INDEX", std::to_string(i), "index in the batch", false, true}});
    }
    std::cout << "wrote " << count << " images of shape " << toString(one) << " to '" << out << "'" << std::endl;
    if (!compare.empty()) compareWithFolder(run, images, compare, profileOut, profileRadius);
    return 0;
}

}  // namespace deepfield::cli
