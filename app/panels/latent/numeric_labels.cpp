#include "numeric_labels.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "data/image_folder.h"
#include "data/simulator.h"
#include "data/table.h"

namespace deepfield::app {

namespace {
bool parseNumber(const std::string& s, double& v) {
    if (s.empty()) return false;
    char* end = nullptr;
    v = std::strtod(s.c_str(), &end);
    return end && *end == '\0';
}
}  // namespace

NumericLabels numericLabels(const Json& source, const Dataset& data, const std::atomic<bool>& cancel) {
    NumericLabels out;
    const std::string kind = source.value("kind", "");
    if (kind == "simulated") {
        SimOptions o;
        o.kind = simKindFromString(source.value("sim_kind", "morphology"));
        o.size = source.value("size", 64);
        o.seed = source.value("seed", 1);
        o.bands = source.value("bands", std::vector<std::string>{"r"});
        const auto galaxies = simulateGalaxies(o, 0, data.size(), {}, &cancel);
        if (int(galaxies.size()) != data.size()) return {};
        for (const auto& g : galaxies)
            for (const auto& [name, text] : g.labels) {
                double v;
                if (name != "class" && parseNumber(text, v)) out[name].push_back(v);
            }
    } else if (const auto* folder = dynamic_cast<const ImageFolderDataset*>(&data)) {
        const std::string csv = folder->options().labelsFile.empty()
                                    ? (std::filesystem::path(source.value("path", "")) / "labels.csv").string()
                                    : folder->options().labelsFile;
        const Table t = readCsv(csv);
        const int fileCol = t.columnIndex(folder->options().fileColumn);
        if (fileCol < 0) return {};
        std::map<std::string, int> row;
        for (int r = 0; r < t.rowCount(); ++r) row[t.rows[std::size_t(r)][std::size_t(fileCol)]] = r;
        for (int c = 0; c < int(t.columns.size()); ++c) {
            if (c == fileCol || !t.isNumeric(c)) continue;
            std::vector<double> v;
            for (const std::string& f : folder->files()) {
                const auto it = row.find(f);
                v.push_back(it == row.end() ? std::nan("") : t.number(it->second, c));
            }
            out[t.columns[std::size_t(c)]] = std::move(v);
        }
    }
    for (auto it = out.begin(); it != out.end();)  // columns missing for some images are dropped
        it = int(it->second.size()) == data.size() ? std::next(it) : out.erase(it);
    return out;
}

}  // namespace deepfield::app
