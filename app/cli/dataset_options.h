#pragma once
// Turns --data / --test / --features / --target into engine datasets. A file is read as a CSV
// table; a folder will be an image dataset (not available yet: reported as an InputError).
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/table.h"

namespace deepfield::cli {

// Table inputs and targets with the preprocessing that produced them.
struct LoadedData {
    std::string path;
    TableData data;  // inputs (N, F) not standardised; targets (N, 1)
    int rows = 0;    // data rows in the file
};

// Throws InputError when the path does not exist, and for folders until image datasets exist.
void requireTableFile(const std::string& path, const std::string& option);

// Training data: reads the table and infers the spec. Features default to every column
// except the target; the target defaults to a column named "class", else the last one.
LoadedData loadTrainingTable(const std::string& path, std::vector<std::string> features, std::string target,
                             const std::string& task, bool dropMissing, TableSpec& spec);
// Data for a trained spec (--test, evaluate): same features, classes; not standardised yet.
LoadedData loadTableForSpec(const std::string& path, const std::string& option, const TableSpec& spec,
                            bool dropMissing);

// Rows `idx` of inputs/targets as an in-memory dataset, standardised with `s`.
std::shared_ptr<TensorDataset> makeDataset(const TableData& d, const std::vector<int>& idx, const Standardizer& s);
std::shared_ptr<TensorDataset> makeDataset(const TableData& d, const Standardizer& s);
// Class labels of a classification (for stratified splits); empty for regressions.
std::vector<int> labelsOf(const TableData& d, const TableSpec& spec);

}  // namespace deepfield::cli
