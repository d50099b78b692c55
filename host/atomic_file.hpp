// Writes a file atomically (write a temporary beside it, then rename), so a reader or a killed
// run never sees a half-written report or checkpoint.
#pragma once

#include <string>

namespace orbitmc {

void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace orbitmc
