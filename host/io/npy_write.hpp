// Writes a NumPy .npy file (format 1.0, little-endian, C order) atomically: the final states
// and problems of an experiment (`--save-states`), for analysis in NumPy and for the test that
// checks the trainings against an independent NumPy implementation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace orbitmc {

void write_npy(const std::string& path, const std::vector<float>& data,
               const std::vector<uint64_t>& shape);
void write_npy(const std::string& path, const std::vector<double>& data,
               const std::vector<uint64_t>& shape);

}  // namespace orbitmc
