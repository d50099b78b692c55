// Sizes of a stack of L-factor blocks (THEORY §4, "L-factor blocks"): B blocks laid out one
// after another, block b = (u^0 ∈ R^{n_0}, …, u^{L−1} ∈ R^{n_{L−1}}) at offset b·(n_0 + … +
// n_{L−1}), factor k at offset n_0 + … + n_{k−1} inside its block, then E free parameters that no
// group acts on. The factor sizes are the same for every block. For L = 2 this is exactly
// RuntimeLayout's memory order (u then v per block), so a two-factor stack can be handed to
// block_geometry.hpp unchanged (two_factor()).
//
// A run-time value (any sizes up to kMaxFactors factors), trivially copyable so that it is
// passed to kernels by value. Factors are numbered from 0; per-chain code sizes its per-block
// scratch arrays by kMaxFactors, so a compiled-in variant only has to supply the same members.
#pragma once

#include <initializer_list>
#include <stdexcept>
#include <type_traits>

#include "block_layout.hpp"
#include "host_device.hpp"

namespace orbitmc {

struct FactorLayout {
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

  ORBITMC_HD int blocks() const { return nb; }
  ORBITMC_HD int factors() const { return nf; }
  ORBITMC_HD int factor_size(int k) const { return start[k + 1] - start[k]; }
  ORBITMC_HD int factor_offset(int k) const { return start[k]; }
  ORBITMC_HD int block_dim() const { return bd; }
  ORBITMC_HD int free_dim() const { return ne; }
  ORBITMC_HD int dim() const { return nb * bd + ne; }
  // Offset of element i of factor k of block b.
  ORBITMC_HD int at(int b, int k, int i) const { return b * bd + start[k] + i; }
  ORBITMC_HD int free(int k) const { return nb * bd + k; }

  // At least one block, 2 ≤ L ≤ kMaxFactors, every n_k ≥ 1, E ≥ 0.
  ORBITMC_HD bool valid() const {
    if (nb < 1 || nf < 2 || nf > kMaxFactors || ne < 0 || start[0] != 0) return false;
    for (int k = 0; k < nf; ++k)
      if (factor_size(k) < 1) return false;
    return start[nf] == bd;
  }

  // The same memory as a two-factor RuntimeLayout (meaningful for L = 2 only).
  ORBITMC_HD RuntimeLayout two_factor() const {
    return RuntimeLayout{nb, factor_size(0), factor_size(1), ne};
  }
};

static_assert(std::is_trivially_copyable<FactorLayout>::value, "passed to kernels by value");

// A layout of `blocks` blocks of `factors` factors with sizes sizes[0..factors−1], then
// `free_dim` free parameters. Check valid() on the result: out-of-range counts give an invalid
// layout, and sizes are not read when the factor count is out of range (host and device; no
// exceptions on the device).
ORBITMC_HD inline FactorLayout make_factor_layout(int blocks, int factors, const int* sizes,
                                                  int free_dim) {
  FactorLayout l;
  l.nb = blocks;
  l.nf = factors;
  l.ne = free_dim;
  const bool in_range = factors >= 2 && factors <= FactorLayout::kMaxFactors;
  int offset = 0;
  l.start[0] = 0;
  for (int k = 0; k < FactorLayout::kMaxFactors; ++k) {
    if (in_range && k < factors) offset += sizes[k];
    l.start[k + 1] = offset;
  }
  l.bd = offset;
  return l;
}

// Host convenience: make_factor_layout(B, {n_0, …, n_{L−1}}, E); throws std::invalid_argument
// for sizes that valid() rejects.
inline FactorLayout make_factor_layout(int blocks, std::initializer_list<int> sizes,
                                       int free_dim = 0) {
  const int factors = static_cast<int>(sizes.size());
  FactorLayout l = make_factor_layout(blocks, factors, sizes.begin(), free_dim);
  if (!l.valid())
    throw std::invalid_argument(
        "make_factor_layout: need blocks >= 1, 2 <= factors <= 8, every factor size >= 1 and "
        "free_dim >= 0");
  return l;
}

}  // namespace orbitmc
