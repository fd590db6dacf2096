#include "data/table.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"

namespace deepfield {

namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

std::string quoted(const std::string& file) { return "'" + file + "'"; }

struct Record {
    std::vector<std::string> fields;
    int line = 0;
    bool comment = false;
    bool blank = false;
};

// Splits CSV text into records; quoted fields may hold commas, quotes ("") and newlines.
std::vector<Record> splitRecords(const std::string& text, const std::string& source) {
    std::vector<Record> out;
    std::size_t pos = 0;
    int line = 1;
    const std::size_t n = text.size();
    if (n >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) pos = 3;  // UTF-8 byte-order mark
    while (pos < n) {
        Record r;
        r.line = line;
        if (text[pos] == '#') {
            r.comment = true;
            ++pos;
        }
        bool anyQuoted = false;
        for (;;) {  // one field per iteration
            std::string field;
            while (pos < n && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
            if (pos < n && text[pos] == '"') {
                anyQuoted = true;
                const int startLine = line;
                ++pos;
                for (;;) {
                    if (pos >= n)
                        throw InputError(quoted(source) + " row " + std::to_string(startLine) +
                                         ": a quoted cell is never closed; add the closing '\"'");
                    const char c = text[pos++];
                    if (c == '"') {
                        if (pos < n && text[pos] == '"') {
                            field += '"';
                            ++pos;
                        } else {
                            break;
                        }
                    } else {
                        if (c == '\n') ++line;
                        field += c;
                    }
                }
                while (pos < n && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\r')) ++pos;
                if (pos < n && text[pos] != ',' && text[pos] != '\n')
                    throw InputError(quoted(source) + " row " + std::to_string(line) +
                                     ": unexpected text after a closing quote; quote the whole cell");
            } else {
                while (pos < n && text[pos] != ',' && text[pos] != '\n') field += text[pos++];
                field = trim(field);
            }
            r.fields.push_back(std::move(field));
            if (pos < n && text[pos] == ',') {
                ++pos;
                continue;
            }
            if (pos < n && text[pos] == '\n') {
                ++pos;
                ++line;
            }
            break;
        }
        r.blank = !anyQuoted && r.fields.size() == 1 && r.fields[0].empty();
        if (!r.blank || r.comment) out.push_back(std::move(r));
    }
    return out;
}

std::vector<std::string> splitOn(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string item;
    for (char c : s + sep) {
        if (c == sep) {
            out.push_back(trim(item));
            item.clear();
        } else {
            item += c;
        }
    }
    return out;
}

bool hasTypePrefix(const std::string& name) {
    return name.size() > 2 && name[1] == ':' && std::isalpha(static_cast<unsigned char>(name[0]));
}

}  // namespace

bool parseNumber(const std::string& cellIn, double& value) {
    const std::string cell = trim(cellIn);
    if (cell.empty()) {
        value = NAN;
        return true;
    }
    const char* b = cell.data();
    const char* e = b + cell.size();
    if (*b == '+') ++b;
    const auto [ptr, ec] = std::from_chars(b, e, value);
    // from_chars reports out-of-range for subnormals and huge exponents; a number it is still.
    if (ptr != e) return false;
    if (ec == std::errc::result_out_of_range) return true;
    return ec == std::errc();
}

Table parseCsv(const std::string& text, const std::string& source) {
    std::vector<Record> records = splitRecords(text, source);
    Table t;
    t.source = source;
    std::size_t i = 0;
    while (i < records.size() && records[i].blank) ++i;
    if (i == records.size()) throw InputError(quoted(source) + " is empty: a CSV table needs a header row");
    Record& header = records[i++];
    t.columns = header.fields;
    if (t.columns.size() == 1 && t.columns[0].find(';') != std::string::npos) t.columns = splitOn(t.columns[0], ';');
    if (std::all_of(t.columns.begin(), t.columns.end(), hasTypePrefix))
        for (std::string& c : t.columns) c = trim(c.substr(2));
    std::set<std::string> seen;
    for (const std::string& c : t.columns)
        if (!c.empty() && !seen.insert(c).second)
            throw InputError(quoted(source) + " row " + std::to_string(header.line) + ": the column name '" + c +
                             "' appears twice in the header");
    for (; i < records.size(); ++i) {
        Record& r = records[i];
        if (r.comment || r.blank) continue;
        if (r.fields.size() != t.columns.size())
            throw InputError(quoted(source) + " row " + std::to_string(r.line) + ": " + std::to_string(r.fields.size()) +
                             " cells but the header has " + std::to_string(t.columns.size()) + " columns");
        t.rows.push_back(std::move(r.fields));
        t.lines.push_back(r.line);
    }
    return t;
}

Table readCsv(const std::string& path) { return parseCsv(readFile(path), path); }

int Table::columnIndex(const std::string& name) const {
    const auto it = std::find(columns.begin(), columns.end(), name);
    return it == columns.end() ? -1 : int(it - columns.begin());
}

std::string Table::columnList() const {
    std::string s;
    for (const std::string& c : columns) s += (s.empty() ? "" : ", ") + c;
    return s;
}

int Table::requireColumn(const std::string& name) const {
    const int i = columnIndex(name);
    if (i < 0)
        throw InputError(quoted(source) + " has no column '" + name + "'; available columns: " + columnList());
    return i;
}

bool Table::isNumeric(int column) const {
    double v;
    for (const auto& row : rows)
        if (!parseNumber(row[std::size_t(column)], v)) return false;
    return true;
}

double Table::number(int row, int column) const {
    const std::string& cell = rows.at(std::size_t(row)).at(std::size_t(column));
    double v;
    if (!parseNumber(cell, v))
        throw InputError(quoted(source) + " row " + std::to_string(lines[std::size_t(row)]) + ", column '" +
                         columns[std::size_t(column)] + "': '" + cell + "' is not a number");
    return v;
}

Feature resolveFeature(const Table& table, const std::string& name) {
    Feature f;
    f.name = name;
    auto find = [&](const std::string& n) {
        int i = table.columnIndex(n);
        if (i < 0 && n.size() == 1 && std::string("ugriz").find(n) != std::string::npos)
            i = table.columnIndex("MAG_" + std::string(1, char(std::toupper(static_cast<unsigned char>(n[0])))));
        return i;
    };
    if ((f.column = table.columnIndex(name)) >= 0) return f;
    for (std::size_t p = name.find('-', 1); p != std::string::npos && p + 1 < name.size(); p = name.find('-', p + 1)) {
        const int a = find(trim(name.substr(0, p))), b = find(trim(name.substr(p + 1)));
        if (a >= 0 && b >= 0) {
            f.column = a;
            f.minus = b;
            return f;
        }
    }
    if ((f.column = find(name)) >= 0) return f;
    throw InputError(quoted(table.source) + " has no column '" + name + "'" +
                     (name.find('-') != std::string::npos ? " (nor two columns whose difference it names)" : "") +
                     "; available columns: " + table.columnList());
}

Json TableSpec::toJson() const {
    Json j{{"features", features}, {"target", target}, {"task", task}};
    if (task == "classification") j["classes"] = classes;
    j["standardization"] = standardizer.toJson();
    return j;
}

TableSpec TableSpec::fromJson(const Json& j) {
    TableSpec s;
    try {
        s.features = j.at("features").get<std::vector<std::string>>();
        s.target = j.value("target", "");
        s.task = j.at("task").get<std::string>();
        if (j.contains("classes")) s.classes = j["classes"].get<std::vector<std::string>>();
    } catch (const std::exception&) {
        throw InputError("preprocessing block needs \"features\" (list of names) and \"task\"");
    }
    if (s.task != "classification" && s.task != "regression")
        throw InputError("preprocessing: task must be \"classification\" or \"regression\", got \"" + s.task + "\"");
    if (s.task == "classification" && s.classes.empty()) throw InputError("preprocessing: a classification needs \"classes\"");
    if (j.contains("standardization")) s.standardizer = Standardizer::fromJson(j["standardization"]);
    if (!s.standardizer.empty() && s.standardizer.mean.size() != s.features.size())
        throw InputError("preprocessing: " + std::to_string(s.features.size()) + " features but " +
                         std::to_string(s.standardizer.mean.size()) + " standardisation means");
    return s;
}

TableSpec inferSpec(const Table& table, const std::vector<std::string>& features, const std::string& target,
                    const std::string& task) {
    if (features.empty()) throw InputError("no input features given");
    for (const std::string& f : features) resolveFeature(table, f);  // reports a missing column now
    if (task != "" && task != "classification" && task != "regression")
        throw InputError("task must be classification or regression, got '" + task + "'");
    TableSpec s;
    s.features = features;
    s.target = target;
    const int t = table.requireColumn(target);
    const bool numeric = table.isNumeric(t);
    s.task = task.empty() ? (numeric ? "regression" : "classification") : task;
    if (s.task == "regression" && !numeric) {
        for (int r = 0; r < table.rowCount(); ++r) table.number(r, t);  // throws naming the first bad row
    }
    if (s.task == "classification") {
        std::set<std::string> names;
        for (const auto& row : table.rows)
            if (!row[std::size_t(t)].empty()) names.insert(row[std::size_t(t)]);
        s.classes.assign(names.begin(), names.end());
        if (numeric)  // numeric labels sort as numbers: 2 before 10
            std::sort(s.classes.begin(), s.classes.end(), [](const std::string& a, const std::string& b) {
                double x, y;
                parseNumber(a, x);
                parseNumber(b, y);
                return x < y;
            });
        if (s.classes.size() < 2)
            throw InputError(quoted(table.source) + ", column '" + target + "': a classification needs at least two "
                             "classes, found " + std::to_string(s.classes.size()));
    }
    return s;
}

TableData extract(const Table& table, const TableSpec& spec, bool dropMissing, bool withTarget) {
    std::vector<Feature> feats;
    for (const std::string& f : spec.features) feats.push_back(resolveFeature(table, f));
    withTarget = withTarget && !spec.target.empty();
    const int t = withTarget ? table.requireColumn(spec.target) : -1;
    std::map<std::string, int> classIndex;
    for (std::size_t k = 0; k < spec.classes.size(); ++k) classIndex[spec.classes[k]] = int(k);
    const int F = int(feats.size());

    TableData d;
    std::vector<float> x, y;
    x.reserve(std::size_t(table.rowCount()) * F);
    auto missing = [&](int r, int col, const std::string& what) {
        throw InputError(quoted(table.source) + " row " + std::to_string(table.lines[std::size_t(r)]) + ", column '" +
                         table.columns[std::size_t(col)] + "': " + what +
                         "; fill it in or skip incomplete rows (deepfield-cli: --drop-missing)");
    };
    for (int r = 0; r < table.rowCount(); ++r) {
        bool skip = false;
        std::vector<float> row(static_cast<std::size_t>(F));
        for (int k = 0; k < F && !skip; ++k) {
            const Feature& f = feats[std::size_t(k)];
            double v = table.number(r, f.column);
            int bad = std::isfinite(v) ? -1 : f.column;
            if (f.minus >= 0 && bad < 0) {
                const double w = table.number(r, f.minus);
                if (!std::isfinite(w)) bad = f.minus;
                v -= w;
            }
            if (bad >= 0) {
                if (!dropMissing) missing(r, bad, table.rows[std::size_t(r)][std::size_t(bad)].empty() ? "empty cell" : "not a finite number");
                skip = true;
            }
            row[std::size_t(k)] = float(v);
        }
        float label = 0;
        if (!skip && withTarget) {
            const std::string& cell = table.rows[std::size_t(r)][std::size_t(t)];
            if (spec.task == "classification") {
                if (cell.empty()) {
                    if (!dropMissing) missing(r, t, "empty class");
                    skip = true;
                } else {
                    const auto it = classIndex.find(cell);
                    if (it == classIndex.end()) {
                        std::string known;
                        for (const auto& c : spec.classes) known += (known.empty() ? "" : ", ") + c;
                        throw InputError(quoted(table.source) + " row " + std::to_string(table.lines[std::size_t(r)]) +
                                         ", column '" + spec.target + "': '" + cell + "' is not one of the classes (" +
                                         known + ")");
                    }
                    label = float(it->second);
                }
            } else {
                const double v = table.number(r, t);
                if (!std::isfinite(v)) {
                    if (!dropMissing) missing(r, t, cell.empty() ? "empty cell" : "not a finite number");
                    skip = true;
                }
                label = float(v);
            }
        }
        if (skip) {
            ++d.dropped;
            continue;
        }
        x.insert(x.end(), row.begin(), row.end());
        y.push_back(label);
        d.lines.push_back(table.lines[std::size_t(r)]);
    }
    const int n = int(y.size());
    d.inputs = Tensor::fromData({n, F}, x);
    d.targets = Tensor::fromData({n, 1}, y);
    return d;
}

}  // namespace deepfield
