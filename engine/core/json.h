#pragma once
// The engine's JSON type (nlohmann::json, ordered so saved files keep a readable order).
#include <nlohmann/json.hpp>

namespace deepfield {
using Json = nlohmann::ordered_json;
}
