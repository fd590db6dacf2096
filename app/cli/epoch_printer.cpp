#include "epoch_printer.h"

#include <cmath>
#include <cstdio>
#include <iostream>

namespace deepfield::cli {

std::string epochLine(const EpochStats& e, int epochs) {
    char buf[96];
    std::string line = "epoch " + std::to_string(e.epoch) + "/" + std::to_string(epochs);
    auto add = [&](const std::string& name, double v) {
        std::snprintf(buf, sizeof buf, "  %s %.4f", name.c_str(), v);
        line += buf;
    };
    add("loss", e.trainLoss);
    if (!std::isnan(e.valLoss)) add("val_loss", e.valLoss);
    for (const auto& [name, v] : e.trainMetrics) add(name, v);
    for (const auto& [name, v] : e.valMetrics) add("val_" + name, v);
    std::snprintf(buf, sizeof buf, "  %.2f s", e.seconds);
    return line + buf;
}

void EpochPrinter::onEpochEnd(const EpochStats& e) { std::cout << epochLine(e, epochs_) << std::endl; }

}  // namespace deepfield::cli
