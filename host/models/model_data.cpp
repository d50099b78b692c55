// Data-set noise for the model registrations: the chains' Philox on its own stream.
#include "models/model_data.hpp"

#include <cmath>

#include "orbitmc/core/philox_noise.hpp"

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

std::vector<double> piecewise_signal(int length) {
  const double value[] = {1.0, -1.5, 0.5, 2.0};
  const double end[] = {50, 120, 160, 200};  // cumulative segment ends out of 200
  std::vector<double> w(length);
  for (int i = 0; i < length; ++i) {
    const double at = (i + 0.5) * 200.0 / length;
    int seg = 0;
    while (seg < 3 && at >= end[seg]) ++seg;
    w[i] = value[seg];
  }
  return w;
}

}  // namespace orbitmc
