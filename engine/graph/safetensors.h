#pragma once
// Safetensors files (https://huggingface.co/docs/safetensors): an 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}}, then raw
// little-endian float32 data. Python reads them with a few lines of numpy.
#include <map>
#include <string>

#include "core/json.h"
#include "core/tensor.h"

namespace deepfield {

struct TensorFile {
    std::map<std::string, Tensor> tensors;  // full shapes (no batch convention)
    Json metadata = Json::object();         // string values only, as the format requires
};

// Written atomically: a crash mid-save leaves the previous file intact.
void writeSafetensors(const std::string& path, const TensorFile& file);
// Throws InputError naming the file and the problem.
TensorFile readSafetensors(const std::string& path);

}  // namespace deepfield
