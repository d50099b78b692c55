// What a chain records as it runs: which steps are samples (burn-in, thinning), the bin of an
// orbit coordinate, and per-chain Welford moments split in two halves (for split R-hat and
// ESS). Shared by the CPU backend and the CUDA kernels so both observe the same steps.
#pragma once

#include "host_device.hpp"

namespace orbitmc {

constexpr int kMaxObserved = 4;  // orbit coordinates histogrammed per run

struct Schedule {
  uint64_t burn_in = 0;
  uint64_t thin = 1;
  uint64_t steps = 0;  // total steps, burn-in included

  ORBITMC_HD uint64_t samples() const { return steps > burn_in ? (steps - burn_in) / thin : 0; }
  // The first sampling time t >= t_min (t = step index + 1); the chain loop then advances it
  // by `thin`, so no division runs per step (64-bit division is slow on GPUs).
  ORBITMC_HD uint64_t first_sample_time(uint64_t t_min) const {
    const uint64_t first = burn_in + thin;
    if (t_min <= first) return first;
    return burn_in + (t_min - burn_in + thin - 1) / thin * thin;
  }
};

// Fixed-width bins on [lo, hi): index in [0, bins), −1 below, bins at or above (or NaN).
template <class T>
struct BinSpec {
  int coord = 0;
  int bins = 1;
  T lo = T(0);
  T hi = T(1);

  ORBITMC_HD int index(T v) const {
    if (!(v >= lo)) return v < lo ? -1 : bins;  // NaN lands in overflow
    const T f = (v - lo) / (hi - lo) * T(bins);
    return f >= T(bins) ? bins : static_cast<int>(f);
  }
  // Histogram slot of v: bins 0..bins-1, then underflow (bins) and overflow (bins + 1).
  ORBITMC_HD int slot(T v) const {
    const int i = index(v);
    return i < 0 ? bins : (i >= bins ? bins + 1 : i);
  }
};

template <class T>
struct ObservationSpec {
  int count = 0;  // number of observed coordinates (<= kMaxObserved)
  BinSpec<T> bin[kMaxObserved];
};

// Welford mean and sum of squared deviations, one per half of the sampling phase.
template <class T>
struct SplitMoments {
  T n[2] = {T(0), T(0)};
  T mean[2] = {T(0), T(0)};
  T m2[2] = {T(0), T(0)};

  // The half is a run-time value: branch to compile-time indices so that the moments stay in
  // registers on the GPU (a run-time index would move the arrays to local memory).
  ORBITMC_HD void add(int h, T v) {
    if (h)
      add_half<1>(v);
    else
      add_half<0>(v);
  }
  template <int H>
  ORBITMC_HD void add_half(T v) {
    n[H] += T(1);
    const T d = v - mean[H];
    mean[H] += d / n[H];
    m2[H] += d * (v - mean[H]);
  }
};

// The moments of one chain in an array of words: word w (n[0], n[1], mean[0], mean[1], m2[0],
// m2[1]) of coordinate k at base[(6k + w)·stride]. The CPU keeps a chain's words together
// (stride 1); the GPU keeps word arrays (stride = chains) so that a warp's accesses coalesce.
// The loops run to kMaxObserved with compile-time indices so the moments stay in registers.
constexpr int kMomentWords = 6;

template <class T, class W>
ORBITMC_HD ORBITMC_FORCEINLINE void load_moments(SplitMoments<T> (&mom)[kMaxObserved], int count,
                                                 const W* base, uint64_t stride) {
#pragma unroll
  for (int k = 0; k < kMaxObserved; ++k)
    if (k < count)
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        mom[k].n[h] = static_cast<T>(base[(k * kMomentWords + h) * stride]);
        mom[k].mean[h] = static_cast<T>(base[(k * kMomentWords + 2 + h) * stride]);
        mom[k].m2[h] = static_cast<T>(base[(k * kMomentWords + 4 + h) * stride]);
      }
}

template <class T, class W>
ORBITMC_HD ORBITMC_FORCEINLINE void store_moments(const SplitMoments<T> (&mom)[kMaxObserved],
                                                  int count, W* base, uint64_t stride) {
#pragma unroll
  for (int k = 0; k < kMaxObserved; ++k)
    if (k < count)
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        base[(k * kMomentWords + h) * stride] = static_cast<W>(mom[k].n[h]);
        base[(k * kMomentWords + 2 + h) * stride] = static_cast<W>(mom[k].mean[h]);
        base[(k * kMomentWords + 4 + h) * stride] = static_cast<W>(mom[k].m2[h]);
      }
}

}  // namespace orbitmc
