// Data-set noise for the model factory: the chains' Philox on its own stream.
#include "model_factory.hpp"

namespace orbitmc {

double data_normal(uint64_t seed, uint32_t index) {
  constexpr uint32_t kStreamData = 3;
  double z0, z1;
  const auto b = philox_bits(NoiseKey{seed}, kStreamData, index / 2, 0, 0);
  box_muller<double>(b[0], b[1], z0, z1);
  return index % 2 == 0 ? z0 : z1;
}

}  // namespace orbitmc
