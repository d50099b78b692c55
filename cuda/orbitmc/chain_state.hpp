// Per-chain state shared by every sampler: the position and the counters each sampler keeps
// (rejected proposals, failed projections, divergence). A diverged chain is frozen at its last
// finite state and excluded from the statistics by the backends.
#pragma once

#include "hd.hpp"

namespace orbitmc {

struct ChainCounters {
  uint32_t rejected = 0;  // Metropolis rejections (MALA, constrained Metropolis)
  uint32_t failed = 0;    // projections with no real root (step rejected)
  uint32_t diverged = 0;  // 1: the state became non-finite or left the bound;
                          // 2: an observed coordinate was non-finite (state kept)
};

// Accepts the candidate xn into x unless it is non-finite or outside |x_k| <= bound, in which
// case the chain is marked diverged and keeps its previous state.
template <class T, int D>
ORBITMC_HD ORBITMC_FORCEINLINE void commit_or_diverge(T (&x)[D], const T (&xn)[D], T bound,
                                                      ChainCounters& c) {
  bool ok = true;
#pragma unroll
  for (int k = 0; k < D; ++k) ok = ok && om::fabs(xn[k]) <= bound;  // NaN fails too
  if (ok) {
#pragma unroll
    for (int k = 0; k < D; ++k) x[k] = xn[k];
  } else {
    c.diverged = 1;
  }
}

// For samplers whose rejections keep the state (a NaN state would otherwise be "rejected"
// forever): marks the chain diverged and returns false when x is non-finite or out of bound.
template <class T, int D>
ORBITMC_HD ORBITMC_FORCEINLINE bool state_is_sane(const T (&x)[D], T bound, ChainCounters& c) {
  bool ok = true;
#pragma unroll
  for (int k = 0; k < D; ++k) ok = ok && om::fabs(x[k]) <= bound;
  if (!ok) c.diverged = 1;
  return ok;
}

}  // namespace orbitmc
