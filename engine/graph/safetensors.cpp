#include "graph/safetensors.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/atomic_file.h"
#include "core/error.h"

namespace deepfield {

void writeSafetensors(const std::string& path, const TensorFile& file) {
    Json header = Json::object();
    if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
    std::size_t offset = 0;
    for (const auto& [name, t] : file.tensors) {
        const std::size_t bytes = t.size() * sizeof(float);
        header[name] = Json{{"dtype", "F32"}, {"shape", t.shape()}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string head = header.dump();
    while ((head.size() + 8) % 8) head += ' ';  // keeps the data 8-byte aligned
    std::string out(8, '\0');
    const std::uint64_t n = head.size();
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    out += head;
    out.reserve(out.size() + offset);
    for (const auto& [name, t] : file.tensors)
        out.append(reinterpret_cast<const char*>(t.data()), t.size() * sizeof(float));
    writeFileAtomically(path, out);
}

TensorFile readSafetensors(const std::string& path) {
    const std::string bytes = readFile(path);
    auto fail = [&](const std::string& why) -> InputError {
        return InputError("weights file '" + path + "': " + why);
    };
    if (bytes.size() < 8) throw fail("too short to be a safetensors file");
    std::uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= std::uint64_t(static_cast<unsigned char>(bytes[i])) << (8 * i);
    if (n > bytes.size() - 8) throw fail("header length " + std::to_string(n) + " exceeds the file size");
    Json header;
    try {
        header = Json::parse(bytes.substr(8, n));
    } catch (const std::exception& e) {
        throw fail(std::string("broken JSON header: ") + e.what());
    }
    if (!header.is_object()) throw fail("the header is not a JSON object");
    const std::size_t dataStart = 8 + n;
    TensorFile file;
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == "__metadata__") {
            file.metadata = it.value();
            continue;
        }
        const Json& e = it.value();
        const std::string what = "tensor '" + it.key() + "'";
        if (!e.is_object() || !e.contains("dtype") || !e.contains("shape") || !e.contains("data_offsets"))
            throw fail(what + " needs \"dtype\", \"shape\" and \"data_offsets\"");
        if (e["dtype"] != "F32")
            throw fail(what + " has dtype " + e["dtype"].dump() + "; only F32 is supported");
        const Json& js = e["shape"];
        const Json& jo = e["data_offsets"];
        if (!js.is_array() || !std::all_of(js.begin(), js.end(), [](const Json& d) { return d.is_number_unsigned(); }))
            throw fail(what + " has a shape that is not a list of sizes: " + js.dump());
        if (!jo.is_array() || jo.size() != 2 || !jo[0].is_number_unsigned() || !jo[1].is_number_unsigned())
            throw fail(what + " has data_offsets that are not two byte positions: " + jo.dump());
        const std::vector<int> shape = js.get<std::vector<int>>();
        const std::size_t begin = jo[0].get<std::size_t>(), end = jo[1].get<std::size_t>();
        Tensor t(shape);
        if (end < begin || end - begin != t.size() * sizeof(float) || end > bytes.size() - dataStart)
            throw fail(what + " has data offsets that do not match its shape or the file size");
        if (end > begin) std::memcpy(t.data(), bytes.data() + dataStart + begin, end - begin);
        file.tensors.emplace(it.key(), std::move(t));
    }
    return file;
}

}  // namespace deepfield
