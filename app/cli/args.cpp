#include "args.h"

#include <cstdlib>

namespace deepfield::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& flags) {
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a.rfind("--", 0) != 0 || a.size() == 2) {
            positional_.push_back(a);
            continue;
        }
        std::string name = a.substr(2), value;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        } else if (flags.count(name)) {
            value = "1";
        } else {
            if (i + 1 >= argv.size()) throw UsageError("option --" + name + " needs a value");
            value = argv[++i];
        }
        if (options_.count(name)) throw UsageError("option --" + name + " is given twice");
        if (flags.count(name)) flags_.insert(name);
        options_[name] = value;
    }
}

bool Args::has(const std::string& name) {
    used_.insert(name);
    return options_.count(name) > 0;
}

std::string Args::get(const std::string& name) {
    if (!has(name)) throw UsageError("missing required option --" + name);
    return options_.at(name);
}

std::string Args::get(const std::string& name, const std::string& fallback) {
    return has(name) ? options_.at(name) : fallback;
}

int Args::getInt(const std::string& name, int fallback, int min) {
    if (!has(name)) return fallback;
    const std::string& v = options_.at(name);
    char* end = nullptr;
    const long x = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || x < min || x > 1000000000L)
        throw UsageError("option --" + name + " must be an integer ≥ " + std::to_string(min) + ", got '" + v + "'");
    return int(x);
}

double Args::getDouble(const std::string& name, double fallback) {
    if (!has(name)) return fallback;
    const std::string& v = options_.at(name);
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end) throw UsageError("option --" + name + " must be a number, got '" + v + "'");
    return x;
}

bool Args::flag(const std::string& name) { return has(name); }

std::vector<std::string> Args::getList(const std::string& name) {
    std::vector<std::string> out;
    if (!has(name)) return out;
    std::string item;
    for (char c : options_.at(name) + ",") {
        if (c == ',') {
            if (!item.empty()) out.push_back(item);
            item.clear();
        } else {
            item += c;
        }
    }
    return out;
}

void Args::finish() const {
    for (const auto& [name, value] : options_)
        if (!used_.count(name)) throw UsageError("unknown option --" + name + " for this command");
    (void)flags_;
}

}  // namespace deepfield::cli
