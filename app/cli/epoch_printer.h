#pragma once
// One progress line per epoch, the same for every kind of training the CLI runs:
// "epoch 3/20  loss 0.4121  val_loss 0.4502  accuracy 0.8810  val_accuracy 0.8650  1.92 s"
#include <string>

#include "train/trainer.h"

namespace deepfield::cli {

std::string epochLine(const EpochStats& e, int epochs);

class EpochPrinter : public TrainObserver {
public:
    explicit EpochPrinter(int epochs) : epochs_(epochs) {}
    void onEpochEnd(const EpochStats& e) override;

private:
    int epochs_;
};

}  // namespace deepfield::cli
