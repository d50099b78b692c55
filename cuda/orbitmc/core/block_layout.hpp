// Sizes of a stack of blocks (THEORY §4): B blocks laid out one after another, then E free
// parameters that no group acts on (the value weights of attention). A block has L ≥ 2 factors
// u^0 ∈ R^{n_0}, …, u^{L−1} ∈ R^{n_{L−1}} stored one after another; every model of the paper has
// two, (u, v) = (u^0, u^1), and `block` and `hadamard` may have more ("L-factor blocks").
//
// A layout is either compiled in (FixedLayout: two factors whose sizes are constants, loops
// unroll, chains live in registers) or a run-time value (RuntimeLayout: any sizes, any number of
// factors up to kMaxFactors); per-chain code calls the same member functions on both, so it is
// written once. The two-factor names n(), m(), u(b, i), v(b, j) serve the models whose blocks
// have two factors; at(b, k, i) and factor_size(k) serve any number.
#pragma once

#include <initializer_list>
#include <stdexcept>
#include <type_traits>

#include "host_device.hpp"

namespace orbitmc {

template <int B, int N, int M, int E = 0>
struct FixedLayout {
  static constexpr bool kFixed = true;
  static constexpr int kDim = B * (N + M) + E;
  static constexpr int kBlocks = B;
  static constexpr int kMaxFactors = 2;
  static ORBITMC_HD constexpr int blocks() { return B; }
  static ORBITMC_HD constexpr int factors() { return 2; }
  static ORBITMC_HD constexpr int factor_size(int k) { return k == 0 ? N : M; }
  static ORBITMC_HD constexpr int n() { return N; }
  static ORBITMC_HD constexpr int m() { return M; }
  static ORBITMC_HD constexpr int block_dim() { return N + M; }
  static ORBITMC_HD constexpr int free_dim() { return E; }
  static ORBITMC_HD constexpr int dim() { return kDim; }
  static ORBITMC_HD constexpr int u(int b, int i) { return b * (N + M) + i; }
  static ORBITMC_HD constexpr int v(int b, int j) { return b * (N + M) + N + j; }
  static ORBITMC_HD constexpr int at(int b, int k, int i) { return k == 0 ? u(b, i) : v(b, i); }
  static ORBITMC_HD constexpr int free(int k) { return B * (N + M) + k; }
};

// Block b at offset b·(n_0 + … + n_{L−1}), factor k at offset n_0 + … + n_{k−1} inside it; the
// factor sizes are the same for every block. Trivially copyable: passed to kernels by value.
struct RuntimeLayout {
  static constexpr bool kFixed = false;
  static constexpr int kDim = 0;     // not known at compile time
  static constexpr int kBlocks = 0;  // not known at compile time
  // Depth bound: per-chain code keeps a few arrays of this many lanes per block.
  static constexpr int kMaxFactors = 8;

  int nb = 1;  // blocks
  int nf = 2;  // factors per block
  int ne = 0;  // free parameters
  int bd = 2;  // block dimension n_0 + … + n_{L−1} (kept, not recomputed: it is on every access)
  // start[k]: offset of factor k inside a block; start[k] = bd for k ≥ nf.
  int start[kMaxFactors + 1] = {0, 1, 2, 2, 2, 2, 2, 2, 2};

  RuntimeLayout() = default;
  // B blocks of two factors (u ∈ R^n, v ∈ R^m), then E free parameters.
  ORBITMC_HD RuntimeLayout(int blocks, int n, int m, int free_dim)
      : nb(blocks), nf(2), ne(free_dim), bd(n + m) {
    start[0] = 0;
    start[1] = n;
    for (int k = 2; k <= kMaxFactors; ++k) start[k] = n + m;
  }

  ORBITMC_HD int blocks() const { return nb; }
  ORBITMC_HD int factors() const { return nf; }
  ORBITMC_HD int factor_size(int k) const { return start[k + 1] - start[k]; }
  ORBITMC_HD int block_dim() const { return bd; }
  ORBITMC_HD int free_dim() const { return ne; }
  ORBITMC_HD int dim() const { return nb * bd + ne; }
  // Offset of element i of factor k of block b.
  ORBITMC_HD int at(int b, int k, int i) const { return b * bd + start[k] + i; }
  ORBITMC_HD int free(int k) const { return nb * bd + k; }
  // Two-factor names (factors u = u^0 and v = u^1).
  ORBITMC_HD int n() const { return start[1]; }
  ORBITMC_HD int m() const { return start[2] - start[1]; }
  ORBITMC_HD int u(int b, int i) const { return b * bd + i; }
  ORBITMC_HD int v(int b, int j) const { return b * bd + start[1] + j; }

  // B ≥ 0 blocks (0: only free parameters), 2 ≤ L ≤ kMaxFactors, every n_k ≥ 1, E ≥ 0.
  ORBITMC_HD bool valid() const {
    if (nb < 0 || nf < 2 || nf > kMaxFactors || ne < 0 || start[0] != 0) return false;
    for (int k = 0; k < nf; ++k)
      if (factor_size(k) < 1) return false;
    return start[nf] == bd;
  }
};

static_assert(std::is_trivially_copyable<RuntimeLayout>::value, "passed to kernels by value");

// A layout of `blocks` blocks of `factors` factors with sizes sizes[0..factors−1], then
// `free_dim` free parameters. Check valid() on the result: out-of-range counts give an invalid
// layout, and sizes are not read when the factor count is out of range (host and device; no
// exceptions on the device).
ORBITMC_HD inline RuntimeLayout make_factor_layout(int blocks, int factors, const int* sizes,
                                                   int free_dim) {
  RuntimeLayout l;
  l.nb = blocks;
  l.nf = factors;
  l.ne = free_dim;
  const bool in_range = factors >= 2 && factors <= RuntimeLayout::kMaxFactors;
  int offset = 0;
  l.start[0] = 0;
  for (int k = 0; k < RuntimeLayout::kMaxFactors; ++k) {
    if (in_range && k < factors) offset += sizes[k];
    l.start[k + 1] = offset;
  }
  l.bd = offset;
  return l;
}

// Host convenience: make_factor_layout(B, {n_0, …, n_{L−1}}, E); throws std::invalid_argument
// for sizes that valid() rejects.
inline RuntimeLayout make_factor_layout(int blocks, std::initializer_list<int> sizes,
                                        int free_dim = 0) {
  const int factors = static_cast<int>(sizes.size());
  RuntimeLayout l = make_factor_layout(blocks, factors, sizes.begin(), free_dim);
  if (!l.valid())
    throw std::invalid_argument(
        "make_factor_layout: need blocks >= 0, 2 <= factors <= 8, every factor size >= 1 and "
        "free_dim >= 0");
  return l;
}

// Host convenience: `blocks` blocks of `factors` scalar factors (a depth-L Hadamard product per
// block); an invalid layout for a factor count outside [2, kMaxFactors] (check valid()).
inline RuntimeLayout scalar_factor_layout(int blocks, int factors) {
  const int ones[RuntimeLayout::kMaxFactors] = {1, 1, 1, 1, 1, 1, 1, 1};
  return make_factor_layout(blocks, factors, ones, 0);
}

// The run-time layout with the sizes of any layout (for host code that needs values).
template <class L>
RuntimeLayout runtime_layout(const L& l) {
  RuntimeLayout r;
  r.nb = l.blocks();
  r.nf = l.factors();
  r.ne = l.free_dim();
  r.bd = l.block_dim();
  r.start[0] = 0;
  for (int k = 0; k < RuntimeLayout::kMaxFactors; ++k)
    r.start[k + 1] = r.start[k] + (k < l.factors() ? l.factor_size(k) : 0);
  return r;
}

}  // namespace orbitmc
