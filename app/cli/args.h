#pragma once
// Command-line arguments: "--name value" options, "--flag" switches and positionals.
// Every option a command reads is marked used; finish() rejects the rest, so a typo
// gets a clear error instead of being ignored.
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace deepfield::cli {

// A wrong argument: printed as one line, exit code 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Args {
public:
    // argv after the command name. `flags` lists the options that take no value.
    Args(const std::vector<std::string>& argv, const std::set<std::string>& flags);

    bool has(const std::string& name);
    std::string get(const std::string& name);  // required: UsageError when missing
    std::string get(const std::string& name, const std::string& fallback);
    int getInt(const std::string& name, int fallback, int min = 0);
    double getDouble(const std::string& name, double fallback);
    bool flag(const std::string& name);
    std::vector<std::string> getList(const std::string& name);  // comma-separated
    const std::vector<std::string>& positional() const { return positional_; }
    // Throws UsageError naming the first option no command read.
    void finish() const;

private:
    std::map<std::string, std::string> options_;
    std::set<std::string> flags_, used_;
    std::vector<std::string> positional_;
};

}  // namespace deepfield::cli
