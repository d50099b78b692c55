// Per-chain state shared by every sampler: the position and the counters each sampler keeps
// (rejected proposals, failed projections, divergence). A diverged chain is frozen at its last
// finite state and excluded from the statistics by the backends.
#pragma once

#include "hd.hpp"
#include "vector_view.hpp"

namespace orbitmc {

struct ChainCounters {
  uint32_t rejected = 0;  // Metropolis rejections (MALA, constrained Metropolis)
  uint32_t failed = 0;    // projections with no real root (step rejected)
  uint32_t diverged = 0;  // 1: the state became non-finite or left the bound;
                          // 2: an observed coordinate was non-finite (state kept)
};

// Accepts the candidate xn (d components) into x unless it is non-finite or outside
// |x_k| <= bound, in which case the chain is marked diverged and keeps its previous state.
template <class X, class Y, class T>
ORBITMC_HD ORBITMC_FORCEINLINE void commit_or_diverge(int d, X x, const Y& xn, T bound,
                                                      ChainCounters& c) {
  bool ok = true;
#pragma unroll
  for (int k = 0; k < d; ++k) ok = ok && om::fabs(xn[k]) <= bound;  // NaN fails too
  if (ok) {
#pragma unroll
    for (int k = 0; k < d; ++k) x[k] = xn[k];
  } else {
    c.diverged = 1;
  }
}

// For samplers whose rejections keep the state (a NaN state would otherwise be "rejected"
// forever): marks the chain diverged and returns false when x is non-finite or out of bound.
template <class X, class T>
ORBITMC_HD ORBITMC_FORCEINLINE bool state_is_sane(int d, const X& x, T bound, ChainCounters& c) {
  bool ok = true;
#pragma unroll
  for (int k = 0; k < d; ++k) ok = ok && om::fabs(x[k]) <= bound;
  if (!ok) c.diverged = 1;
  return ok;
}

// A chain's scratch vectors and its model's scratch words. RegisterWork holds them in arrays
// sized at compile time (the register path: they stay in registers); ViewWork is a view on
// memory the backend lays out (the general path: any size). A sampler asks for kVectors
// vectors of the model's dimension.
template <class T, int D, int NV, int MS>
struct RegisterWork {
  T v[NV][D];
  T mws[MS > 0 ? MS : 1];
  ORBITMC_HD ORBITMC_FORCEINLINE T* vec(int i) { return v[i]; }
  ORBITMC_HD ORBITMC_FORCEINLINE T* model_ws() { return mws; }
};

template <class V>
struct ViewWork {
  V base;  // nvec vectors of dim words, then the model's scratch
  int dim;
  int nvec;
  ORBITMC_HD ORBITMC_FORCEINLINE V vec(int i) const { return base + i * dim; }
  ORBITMC_HD ORBITMC_FORCEINLINE V model_ws() const { return base + nvec * dim; }
};

}  // namespace orbitmc
