// deepfield-cli generate: new images from a trained VAE (decoder on z ~ N(0, 1)) or GAN generator.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "core/error.h"
#include "data/fits.h"
#include "train_generative.h"

namespace deepfield::cli {

namespace {
const char* kHelp = R"(usage: deepfield-cli generate --run <run-dir> --count N --seed S --out <dir>

Draws N latent points z ~ N(0, 1) with seed S and writes the decoder's (vae-latent) or the
generator's (dcgan, wgan) images as FITS files generated_000000.fits ... (C, H, W) in the model's
pixel range ([0, 1] for the VAE, [−1, 1] for the GANs), with DF_RUN, DF_KIND, DF_SEED, DF_INDEX cards.
)";
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
    args.finish();
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
    return 0;
}

}  // namespace deepfield::cli
