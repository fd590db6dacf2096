#pragma once
// The image targets that `deepfield-cli train --target` and the studio's simulated source share:
// which simulated set makes them, which label columns / simulator targets hold them, and how a
// network learns them (output activation, losses, metrics). Header-only so the CLI and the
// studio library use the one table.
#include <string>
#include <vector>

namespace deepfield::cli {

struct ImageTargetKind {
    std::string name;                  // --target value: mask, bulge-disk, central, sharp
    std::string simKind;               // the simulated set that carries it
    std::vector<std::string> columns;  // labels.csv columns / simulator targets, stacked along channels
    bool segmentation;                 // mask: sigmoid output, per-pixel BCE or Dice
    std::string description;
    std::vector<std::string> losses() const {
        return segmentation ? std::vector<std::string>{"binary_crossentropy", "dice"}
                            : std::vector<std::string>{"mse", "mae", "huber"};
    }
    std::vector<std::string> metrics() const {
        return segmentation ? std::vector<std::string>{"dice", "iou", "pixel_accuracy"}
                            : std::vector<std::string>{"mae", "rmse"};
    }
    std::string finalActivation() const { return segmentation ? "sigmoid" : "linear"; }
    std::string task() const { return segmentation ? "segmentation" : "image"; }
};

inline const std::vector<ImageTargetKind>& imageTargetKinds() {
    static const std::vector<ImageTargetKind> kinds{
        {"mask", "clumps", {"mask"}, true, "mask (clumps)"},
        {"bulge-disk", "bulge-disk", {"bulge", "disk"}, false, "bulge-disk components"},
        {"central", "blends", {"central"}, false, "central galaxy (blends)"},
        {"sharp", "deconvolution", {"sharp"}, false, "sharp image (deconvolution)"},
    };
    return kinds;
}

// Null for a name that is not an image target (e.g. a class column).
inline const ImageTargetKind* findImageTarget(const std::string& name) {
    for (const ImageTargetKind& k : imageTargetKinds())
        if (k.name == name) return &k;
    return nullptr;
}

}  // namespace deepfield::cli
