// Reads a model's data set from a NumPy .npy file (format versions 1–3): little-endian float64
// or float32, C order, any shape whose size is the number of words the model expects. Strict:
// anything else is an InputError naming the field, the file and what is allowed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace orbitmc {

// The numbers of the .npy file at `path` (in double), which must hold exactly `expected` of
// them. `field` names the case-file key in messages.
std::vector<double> read_npy_words(const std::string& path, int64_t expected,
                                   const std::string& field);

}  // namespace orbitmc
