#pragma once
// `deepfield-cli train` on an image folder (see dataset_options.h): the image counterpart of
// the table path in cmd_train.cpp, writing the same kind of run directory.
#include <string>

#include "dataset_options.h"
#include "train/optimizer.h"
#include "train/trainer.h"

namespace deepfield::cli {

struct ImageTrainRequest {
    std::string model, data, test, out, target, task, optimizer, loss;
    double testSplit = 0.0, validationSplit = 0.2;
    TrainOptions train;
    OptimizerOptions optimizerOptions;
    ImageDataArgs images;
};

int trainOnImageFolder(const ImageTrainRequest& request);

}  // namespace deepfield::cli
