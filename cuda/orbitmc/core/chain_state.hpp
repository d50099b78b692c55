// Per-chain state shared by every sampler: the position and the counters each sampler keeps
// (rejected proposals, failed projections, divergence). A diverged chain is frozen at its last
// finite state and excluded from the statistics by the backends.
#pragma once

#include "host_device.hpp"
#include "vector_view.hpp"

namespace orbitmc {

// The counters of one chain (U = uint32_t), or of a batch of chains (one per lane).
template <class U>
struct Counters {
  U rejected = U(0);  // Metropolis rejections (MALA, constrained Metropolis)
  U failed = U(0);    // projections with no real root (step rejected)
  U diverged = U(0);  // 1: the state became non-finite or left the bound;
                      // 2: an observed coordinate was non-finite (state kept)
};
using ChainCounters = Counters<uint32_t>;

// Whether every component of x is finite and within |x_k| <= bound (NaN fails too).
template <class X, class T>
ORBITMC_HD ORBITMC_FORCEINLINE mask_t<elem_t<X>> within_bound(int d, const X& x, T bound) {
  using V = elem_t<X>;
  mask_t<V> ok = lane::fabs(x[0]) <= V(bound);
#pragma unroll
  for (int k = 1; k < d; ++k) ok = ok & (lane::fabs(x[k]) <= V(bound));
  return ok;
}

// Accepts the candidate xn (d components) into x where `take` holds, unless it is non-finite
// or outside |x_k| <= bound; there the chain is marked diverged and keeps its previous state.
// Returns where x became xn.
template <class X, class Y, class T, class C, class M>
ORBITMC_HD ORBITMC_FORCEINLINE M commit_or_diverge(int d, X x, const Y& xn, T bound, C& c,
                                                   const M& take) {
  const auto ok = within_bound(d, xn, bound);
  const M commit = take & ok;
  if (lane::any(commit)) {
#pragma unroll
    for (int k = 0; k < d; ++k) x[k] = lane::select(commit, xn[k], x[k]);
  }
  lane::set_where(c.diverged, take & !ok, 1u);
  return commit;
}
template <class X, class Y, class T, class C>
ORBITMC_HD ORBITMC_FORCEINLINE void commit_or_diverge(int d, X x, const Y& xn, T bound, C& c) {
  commit_or_diverge(d, x, xn, bound, c, mask_t<elem_t<X>>(true));
}

// For samplers whose rejections keep the state (a NaN state would otherwise be "rejected"
// forever): where `m` holds, marks the chain diverged when x is non-finite or out of bound;
// returns m and the state is sane.
template <class X, class T, class C, class M>
ORBITMC_HD ORBITMC_FORCEINLINE M state_is_sane(int d, const X& x, T bound, C& c, const M& m) {
  const auto ok = within_bound(d, x, bound);
  lane::set_where(c.diverged, m & !ok, 1u);
  return m & ok;
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
