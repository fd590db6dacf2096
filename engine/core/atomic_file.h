#pragma once
#include <string>

namespace deepfield {

// Writes bytes to path through a temporary file in the same folder and a rename, so a
// crash mid-write never leaves a half-written file in place of the old one.
void writeFileAtomically(const std::string& path, const std::string& bytes);
std::string readFile(const std::string& path);  // throws InputError naming the file

}  // namespace deepfield
