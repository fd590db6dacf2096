#pragma once
// CSV tables and their conversion into training data.
//
// Reading rules (readCsv / parseCsv):
// - Comma separated, RFC 4180 quoting ("a, b" and "" for a quote inside quotes); cells are trimmed.
// - Blank lines are ignored. The header is the first non-blank line; a leading '#' on it is
//   dropped. Every later line starting with '#' is a comment (ANNZ files carry a format line).
// - ANNZ headers ("#F:MAG_U;F:MAGERR_U;...;D:Z") are split on ';' when the header has no comma,
//   and their one-letter type prefixes ("F:") are removed when every name carries one.
// - Rows are numbered by their line in the file (the header usually being row 1), so an error
//   message points at the line an editor shows.
#include <string>
#include <vector>

#include "core/json.h"
#include "core/tensor.h"
#include "data/standardizer.h"

namespace deepfield {

class Table {
public:
    std::string source;                          // file name used in messages
    std::vector<std::string> columns;            // header names
    std::vector<std::vector<std::string>> rows;  // cells, one vector per data row (columns.size() each)
    std::vector<int> lines;                      // line number of each data row in the file

    int rowCount() const { return int(rows.size()); }
    int columnIndex(const std::string& name) const;  // -1 when absent
    // Throws InputError naming the file and listing the available columns.
    int requireColumn(const std::string& name) const;
    // Whether every non-empty cell of the column parses as a number.
    bool isNumeric(int column) const;
    // Cell as a number; empty cells and NaN give NaN. Throws InputError naming file, row and column.
    double number(int row, int column) const;
    std::string columnList() const;  // "u, g, r" for messages
};

// Parses CSV text; `source` names it in error messages.
Table parseCsv(const std::string& text, const std::string& source);
// Reads a CSV file (InputError naming the file when it cannot be read or is empty).
Table readCsv(const std::string& path);
// Parses one cell as a number the way the reader does (trimmed, "nan" allowed); false if it is not one.
bool parseNumber(const std::string& cell, double& value);

// One input feature: a column, or the difference of two columns ("u-g" = u − g).
struct Feature {
    std::string name;   // as given, e.g. "u-g"
    int column = -1;    // the column, or the minuend of a difference
    int minus = -1;     // the subtrahend column, -1 for a plain column
};
// Resolves a feature name against the table: an exact column name first, then "a-b" with two
// existing columns; a single SDSS band letter (u g r i z) also finds an ANNZ column "MAG_U" when
// the table has no column of that name. Throws InputError naming the file and listing columns.
Feature resolveFeature(const Table& table, const std::string& name);

// How a table becomes a training problem: kept with the model so that test data and
// evaluation see exactly the same columns, classes and standardisation.
struct TableSpec {
    std::vector<std::string> features;
    std::string target;
    std::string task;                  // "classification" or "regression"
    std::vector<std::string> classes;  // classification: class names, sorted; index = label
    Standardizer standardizer;         // fitted on the training inputs

    Json toJson() const;
    static TableSpec fromJson(const Json& j);  // InputError on a malformed block
};

// Inputs (N, F) (not yet standardised), targets (N, 1) as float: class index or value.
struct TableData {
    Tensor inputs;
    Tensor targets;
    std::vector<int> lines;  // file line of every kept row
    int dropped = 0;         // rows skipped for missing values (with dropMissing)
};

// Builds a spec from training data: the task follows the target column (text → classes,
// numeric → regression); `task` may force "classification" for numeric labels. The
// standardizer is left empty (fit it on the training rows).
TableSpec inferSpec(const Table& table, const std::vector<std::string>& features, const std::string& target,
                    const std::string& task = "");
// Extracts inputs and targets. Rows with an empty or NaN feature or target cell are an error
// naming the row, or skipped with dropMissing. A class not in spec.classes is an error.
// Without a target (spec.target empty or withTarget false) targets is (N, 1) zeros.
TableData extract(const Table& table, const TableSpec& spec, bool dropMissing = false, bool withTarget = true);

}  // namespace deepfield
