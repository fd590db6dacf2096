#pragma once
// Training the vae-latent template on the studio's loaded images, on a worker thread: the images
// are brought to the model's input (grey or not, resized to a multiple of 8, scaled per image),
// the VAE trainer runs, and every batch reports its reconstruction and β·KL terms apart.
#include <atomic>
#include <functional>
#include <memory>

#include "data/dataset.h"
#include "generative/vae.h"
#include "train/trainer.h"

namespace deepfield::app {

struct VaeTrainSettings {
    int latent = 2;
    float beta = 1.0f;
    int klWarmupEpochs = 0;  // KL annealing: the KL weight rises from 0 to 1 over these epochs
    int epochs = 10;
    double learningRate = 1e-3;
    int batchSize = 32;
    int baseFilters = 16;
    int imageSize = 0;  // 0: the data's size (rounded down to a multiple of 8)
    bool grey = true;   // average the bands to one channel
    std::uint64_t seed = 0;
};

struct VaeTrainProgress {
    int epoch = 0, batch = 0, batchesPerEpoch = 0, epochs = 0;
    double reconstruction = 0.0, betaKl = 0.0;  // this batch: reconstruction and β·w·KL per image
    bool epochEnd = false;                       // then: the epoch's means
};

// The model's input shape for these settings and data (C, S, S). InputError for non-images.
Shape vaeInputShape(const Shape& dataShape, const VaeTrainSettings& s);

// Trains a fresh vae-latent model; returns it (cancelled: as far as it got, history.stopReason
// "cancelled"). Throws Error when training diverges.
VaeModel trainVae(std::shared_ptr<const Dataset> data, const VaeTrainSettings& settings,
                  const std::function<void(const VaeTrainProgress&)>& report, const std::atomic<bool>& cancel,
                  History* history = nullptr);

}  // namespace deepfield::app
