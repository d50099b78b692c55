// Data-set noise for the model registrations: the chains' Philox on its own stream.
#include "models/model_data.hpp"

#include <cmath>

#include "orbitmc/philox_noise.hpp"

namespace orbitmc {

double data_normal(uint64_t seed, uint32_t index) {
  double z0, z1;
  const auto b = philox_bits(NoiseKey{seed}, kStreamData, index / 2, 0, 0);
  box_muller<double>(b[0], b[1], z0, z1);
  return index % 2 == 0 ? z0 : z1;
}

double data_uniform(uint64_t seed, uint32_t index) {
  return 0.5 * std::erfc(-data_normal(seed, index) / std::sqrt(2.0));
}

}  // namespace orbitmc
