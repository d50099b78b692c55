// What a model registration uses to generate a data set on the host: the project's data noise
// (Philox on kStreamData, so a data set is the same on every machine and backend) and a
// uniform draw from it.
#pragma once

#include <cstdint>
#include <vector>

namespace orbitmc {

// Standard normal number `index` of the data set drawn from `seed`.
double data_normal(uint64_t seed, uint32_t index);
// Uniform in (0, 1) from data_normal (its normal CDF), so every data set uses one stream.
double data_uniform(uint64_t seed, uint32_t index);

// The piecewise-constant signal of THEORY §8, experiment 5: values 1.0, −1.5, 0.5, 2.0 over
// segments of 50, 70, 40 and 40 out of 200, stretched to `length`.
std::vector<double> piecewise_signal(int length);

}  // namespace orbitmc
