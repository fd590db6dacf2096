#include "train/run_control.h"

#include <chrono>
#include <sstream>
#include <thread>

namespace deepfield {

bool waitForGo(TrainControl* c, TrainObserver* observer) {
    if (!c) return true;
    bool told = false;
    for (;;) {
        if (c->cancel) return false;
        int allowed = c->stepsAllowed.load();
        if (allowed > 0) {
            if (c->stepsAllowed.compare_exchange_weak(allowed, allowed - 1)) return true;
            continue;
        }
        if (!c->pause && allowed < 0) return true;
        if (!told && observer) observer->onWaiting();
        told = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

WeightSnapshot WeightSnapshot::of(const std::vector<Graph*>& graphs) {
    WeightSnapshot s;
    for (Graph* g : graphs) {
        for (const Param& p : g->parameters()) s.values.push_back(*p.value);
        for (const Param& p : g->buffers()) s.values.push_back(*p.value);
    }
    return s;
}

void WeightSnapshot::restore(const std::vector<Graph*>& graphs) const {
    std::size_t i = 0;
    for (Graph* g : graphs) {
        for (const Param& p : g->parameters()) *p.value = values.at(i++);
        for (const Param& p : g->buffers()) *p.value = values.at(i++);
    }
}

bool allFinite(const std::vector<Graph*>& graphs) {
    for (Graph* g : graphs) {
        for (const Param& p : g->parameters())
            if (!p.value->vec().allFinite()) return false;
        for (const Param& p : g->buffers())
            if (!p.value->vec().allFinite()) return false;
    }
    return true;
}

std::string divergenceMessage(const std::string& what, double lr, int goodEpochs) {
    std::ostringstream s;
    s << "diverged: " << what << " with learning rate " << lr << "; the weights of the "
      << (goodEpochs == 0 ? std::string("start") : "last good epoch (" + std::to_string(goodEpochs) + ")")
      << " were kept. Try a smaller learning rate (e.g. a tenth), gradient clipping (clipnorm), or standardised inputs.";
    return s.str();
}

}  // namespace deepfield
