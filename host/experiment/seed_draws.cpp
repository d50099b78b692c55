// Host draws of a training's problem and start: Philox words, Box–Muller normals.
#include "experiment/seed_draws.hpp"

#include "orbitmc/core/philox_noise.hpp"

namespace orbitmc {

uint32_t SeedDraws::next_word() {
  if (used_ == 4) {
    const auto b = philox_bits(NoiseKey{seed_}, kStreamProblem, index_, purpose_, call_++);
    for (int j = 0; j < 4; ++j) words_[j] = b[j];
    used_ = 0;
  }
  return words_[used_++];
}

double SeedDraws::uniform() { return r123::u01<double>(next_word()); }

double SeedDraws::normal() {
  const uint32_t x0 = next_word(), x1 = next_word();
  double z0, z1;
  box_muller<double>(x0, x1, z0, z1);
  return z0;
}

}  // namespace orbitmc
