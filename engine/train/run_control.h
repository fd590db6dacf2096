#pragma once
// What every training loop shares (the Trainer, the VAE and GAN loops): the pause/step/cancel
// protocol of TrainControl, weight snapshots to fall back on after a divergence, and the
// divergence message users see.
#include <string>
#include <vector>

#include "graph/graph.h"
#include "train/trainer.h"

namespace deepfield {

// Before each batch: false when cancelled; waits while paused (telling the observer once);
// each granted step runs exactly one batch, also while paused.
bool waitForGo(TrainControl* control, TrainObserver* observer);

// Every parameter and buffer of some graphs, to restore after a divergence or early stopping.
struct WeightSnapshot {
    std::vector<Tensor> values;
    static WeightSnapshot of(const std::vector<Graph*>& graphs);
    void restore(const std::vector<Graph*>& graphs) const;
    bool empty() const { return values.empty(); }
};
bool allFinite(const std::vector<Graph*>& graphs);

// "diverged: <what> with learning rate …; the weights of … were kept. Try …"
std::string divergenceMessage(const std::string& what, double learningRate, int goodEpochs);

}  // namespace deepfield
