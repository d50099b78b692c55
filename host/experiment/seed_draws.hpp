// The randomness of one training that is drawn on the host: its problem (teacher, truth,
// design, mask, test set) and its initial parameters. Philox on stream kStreamProblem, keyed by
// the experiment's seed, with counter (global seed index, purpose, word): a training's draws
// depend on its own index only, never on the ensemble size, the thread count or the backend,
// and --seed-offset continues an ensemble. Each purpose has its own counter, so drawing more for
// one never shifts another.
#pragma once

#include <cstdint>

namespace orbitmc {

enum class DrawPurpose : uint32_t { kProblem = 0, kInit = 1 };

class SeedDraws {
 public:
  SeedDraws(uint64_t seed, uint32_t seed_index, DrawPurpose purpose)
      : seed_(seed), index_(seed_index), purpose_(static_cast<uint32_t>(purpose)) {}
  double normal();   // the next N(0, 1)
  double uniform();  // the next U(0, 1), in (0, 1]

 private:
  uint32_t next_word();
  uint64_t seed_;
  uint32_t index_, purpose_;
  uint32_t words_[4] = {0, 0, 0, 0};
  uint32_t call_ = 0;  // Philox calls made
  int used_ = 4;       // words of words_ consumed
};

}  // namespace orbitmc
