// deepfield-cli: the headless face of the engine for scripts, teachers and tests.
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "core/error.h"

using namespace deepfield;
using namespace deepfield::cli;

namespace {
void printUsage(std::ostream& out) {
    out << "usage: deepfield-cli <command> [options]\n\ncommands:\n";
    for (const Command& c : commands()) out << "  " << c.name << std::string(12 - std::string(c.name).size(), ' ') << c.summary << "\n";
    out << "\nRun 'deepfield-cli <command> --help' for a command's options (see README.md).\n";
}
}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> rest(argv + 1, argv + argc);
    if (rest.empty() || rest[0] == "--help" || rest[0] == "-h" || rest[0] == "help") {
        printUsage(rest.empty() ? std::cerr : std::cout);
        return rest.empty() ? 2 : 0;
    }
    const std::string name = rest[0];
    rest.erase(rest.begin());
    for (const Command& c : commands()) {
        if (name != c.name) continue;
        try {
            Args args(rest, c.flags);
            return c.run(args);
        } catch (const UsageError& e) {
            std::cerr << "deepfield-cli " << name << ": " << e.what() << "\n";
            return 2;
        } catch (const InputError& e) {
            std::cerr << "deepfield-cli " << name << ": " << e.what() << "\n";
            return 2;
        } catch (const ShapeError& e) {
            std::cerr << "deepfield-cli " << name << ": " << e.what() << "\n";
            return 2;
        } catch (const std::exception& e) {
            std::cerr << "deepfield-cli " << name << ": " << e.what() << "\n";
            return 1;
        }
    }
    std::cerr << "deepfield-cli: unknown command '" << name << "'\n";
    printUsage(std::cerr);
    return 2;
}
