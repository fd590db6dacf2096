#include "dataset_options.h"

#include <filesystem>

#include "core/error.h"

namespace deepfield::cli {

namespace fs = std::filesystem;

void requireTableFile(const std::string& path, const std::string& option) {
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw InputError("--" + option + " '" + path + "' does not exist");
    if (fs::is_directory(path, ec))
        // Image folders (one sub-folder per class) arrive with the image dataset; this is the branch.
        throw InputError("--" + option + " '" + path + "' is a folder: image folders need the image-folder dataset, "
                         "which this build does not have yet; pass a CSV table");
}

LoadedData loadTrainingTable(const std::string& path, std::vector<std::string> features, std::string target,
                             const std::string& task, bool dropMissing, TableSpec& spec) {
    requireTableFile(path, "data");
    const Table table = readCsv(path);
    if (table.rowCount() == 0) throw InputError("'" + path + "' has a header but no data rows");
    if (target.empty()) target = table.columnIndex("class") >= 0 ? "class" : table.columns.back();
    const int t = table.requireColumn(target);
    if (features.empty()) {  // every other column; a text cell then stops with its row and column
        for (int c = 0; c < int(table.columns.size()); ++c)
            if (c != t && !table.columns[std::size_t(c)].empty()) features.push_back(table.columns[std::size_t(c)]);
        if (features.empty())
            throw InputError("'" + path + "' has no column to use as input besides the target '" + target + "'");
    }
    spec = inferSpec(table, features, target, task);
    LoadedData out;
    out.path = path;
    out.rows = table.rowCount();
    out.data = extract(table, spec, dropMissing);
    if (out.data.inputs.batch() == 0) throw InputError("'" + path + "': no complete rows left to train on");
    return out;
}

LoadedData loadTableForSpec(const std::string& path, const std::string& option, const TableSpec& spec,
                            bool dropMissing) {
    requireTableFile(path, option);
    const Table table = readCsv(path);
    LoadedData out;
    out.path = path;
    out.rows = table.rowCount();
    out.data = extract(table, spec, dropMissing);
    if (out.data.inputs.batch() == 0) throw InputError("'" + path + "' has no complete data rows");
    return out;
}

std::shared_ptr<TensorDataset> makeDataset(const TableData& d, const std::vector<int>& idx, const Standardizer& s) {
    const int f = d.inputs.dim(1);
    Tensor x({int(idx.size()), f}), y({int(idx.size()), 1});
    for (std::size_t i = 0; i < idx.size(); ++i) {
        std::copy_n(d.inputs.sample(idx[i]), f, x.sample(int(i)));
        y[i] = d.targets[std::size_t(idx[i])];
    }
    s.apply(x);
    return std::make_shared<TensorDataset>(std::move(x), std::move(y));
}

std::shared_ptr<TensorDataset> makeDataset(const TableData& d, const Standardizer& s) {
    std::vector<int> all(std::size_t(d.inputs.batch()));
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = int(i);
    return makeDataset(d, all, s);
}

std::vector<int> labelsOf(const TableData& d, const TableSpec& spec) {
    std::vector<int> labels;
    if (spec.task != "classification") return labels;
    for (std::size_t i = 0; i < d.targets.size(); ++i) labels.push_back(int(d.targets[i]));
    return labels;
}

}  // namespace deepfield::cli
