// Sizes of a stack of rank-one blocks (THEORY §4): B blocks laid out one after another, block b
// = (u ∈ R^N, v ∈ R^M) at offset b·(N+M), then E free parameters that no group acts on (the
// value weights of attention). Every model of the paper is such a stack. A layout is either
// compiled in (FixedLayout: its sizes are constants, loops unroll, chains live in registers) or
// a run-time value (RuntimeLayout: any size); per-chain code calls the same member functions on
// both, so it is written once.
#pragma once

#include "host_device.hpp"

namespace orbitmc {

template <int B, int N, int M, int E = 0>
struct FixedLayout {
  static constexpr bool kFixed = true;
  static constexpr int kDim = B * (N + M) + E;
  static constexpr int kBlocks = B;
  static ORBITMC_HD constexpr int blocks() { return B; }
  static ORBITMC_HD constexpr int n() { return N; }
  static ORBITMC_HD constexpr int m() { return M; }
  static ORBITMC_HD constexpr int block_dim() { return N + M; }
  static ORBITMC_HD constexpr int free_dim() { return E; }
  static ORBITMC_HD constexpr int dim() { return kDim; }
  static ORBITMC_HD constexpr int u(int b, int i) { return b * (N + M) + i; }
  static ORBITMC_HD constexpr int v(int b, int j) { return b * (N + M) + N + j; }
  static ORBITMC_HD constexpr int free(int k) { return B * (N + M) + k; }
};

struct RuntimeLayout {
  static constexpr bool kFixed = false;
  static constexpr int kDim = 0;     // not known at compile time
  static constexpr int kBlocks = 0;  // not known at compile time
  int nb = 1, nn = 1, nm = 1, ne = 0;
  ORBITMC_HD int blocks() const { return nb; }
  ORBITMC_HD int n() const { return nn; }
  ORBITMC_HD int m() const { return nm; }
  ORBITMC_HD int block_dim() const { return nn + nm; }
  ORBITMC_HD int free_dim() const { return ne; }
  ORBITMC_HD int dim() const { return nb * (nn + nm) + ne; }
  ORBITMC_HD int u(int b, int i) const { return b * (nn + nm) + i; }
  ORBITMC_HD int v(int b, int j) const { return b * (nn + nm) + nn + j; }
  ORBITMC_HD int free(int k) const { return nb * (nn + nm) + k; }
};

// The run-time layout with the sizes of any layout (for host code that needs values).
template <class L>
RuntimeLayout runtime_layout(const L& l) {
  return RuntimeLayout{l.blocks(), l.n(), l.m(), l.free_dim()};
}

}  // namespace orbitmc
