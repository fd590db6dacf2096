#pragma once
// A DeepField project: one file (JSON) holding the data source, the network, the training
// settings, the learning history and the trained weights (a safetensors blob, base64).
// Saved atomically: a crash mid-save never destroys the previous file.
#include <QString>
#include <optional>

#include "core/json.h"
#include "graph/safetensors.h"
#include "panels/train_panel.h"

namespace deepfield::app {

struct Project {
    Json dataSource = Json::object();  // {"kind": "simulated" | "table" | "folder", ...}
    Json network = Json::object();     // Graph::toJson()
    TrainSettings training;
    Json history = Json::array();      // one object per epoch
    std::optional<TensorFile> weights;  // trained weights, when there are any

    Json toJson() const;
    // Throws InputError naming the file and what is wrong; never changes the file.
    static Project fromJson(const Json& j, const QString& path);

    // Atomic save; throws Error with the reason.
    void save(const QString& path) const;
    static Project load(const QString& path);
};

// Path of the autosave file that belongs to a project path (or to an unsaved project).
QString autosavePath(const QString& projectPath);

}  // namespace deepfield::app
