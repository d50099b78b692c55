// The chains' noise when a batch holds one chain per lane: the overloads of normals, uniform01
// and uniform01x4 (orbitmc/core/philox_noise.hpp) for a batch of chain indices, LaneChains.
// Per-chain code calls these names unqualified with its chain argument, so argument-dependent
// lookup picks these for LaneChains and the scalar ones for a uint32_t. Philox words are
// bit-identical to Random123's; the transforms are simd_noise.hpp's.
#pragma once

#include <cstdint>
#include <xsimd/xsimd.hpp>

#include "backend/simd/simd_noise.hpp"
#include "orbitmc/core/philox_noise.hpp"

namespace orbitmc {

template <class A>
struct LaneChains {
  xsimd::batch<uint32_t, A> index;
};

template <class A, class V>
void normals(NoiseKey key, uint32_t stream, const LaneChains<A>& chain, uint64_t step, int d,
             V out) {
  using N = simd::NoiseLanes<A>;
  for (int w = 0; w < (d + 3) / 4; ++w) {
    typename N::U32 b[4];
    N::philox(key, stream, chain.index, step, static_cast<uint32_t>(w), b);
    typename N::F z[4];
    N::box_muller(b[0], b[1], z[0], z[1]);
    N::box_muller(b[2], b[3], z[2], z[3]);
    for (int j = 0; j < 4 && 4 * w + j < d; ++j) out[4 * w + j] = z[j];
  }
}

template <class T, class A>
void uniform01x4(NoiseKey key, uint32_t stream, const LaneChains<A>& chain, uint64_t step,
                 uint32_t word, xsimd::batch<T, A> (&out)[4]) {
  static_assert(std::is_same<T, float>::value, "lanes hold floats");
  using N = simd::NoiseLanes<A>;
  typename N::U32 b[4];
  N::philox(key, stream, chain.index, step, word, b);
  for (int j = 0; j < 4; ++j) out[j] = N::u01(b[j]);
}

template <class T, class A>
xsimd::batch<T, A> uniform01(NoiseKey key, uint32_t stream, const LaneChains<A>& chain,
                             uint64_t step, uint32_t word = 0) {
  static_assert(std::is_same<T, float>::value, "lanes hold floats");
  using N = simd::NoiseLanes<A>;
  typename N::U32 b[4];
  N::philox(key, stream, chain.index, step, word, b);
  return N::u01(b[0]);
}

}  // namespace orbitmc
