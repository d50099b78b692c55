// Counter-based noise: every random number is a pure function of (seed, stream, chain, step,
// word), computed by Random123's Philox4x32-10, so a chain draws the same numbers on the CPU
// and the GPU, whatever the thread count or launch shape. No generator state is stored.
// Per-chain code calls these with the chain's index; the CPU's vector path passes a batch of
// indices instead (LaneChains) and finds its overloads of normals, uniform01 and uniform01x4
// by argument-dependent lookup (host/backend/simd/lane_noise.hpp).
//
// Counter layout: ctr = {chain, step_lo, step_hi, stream << 24 | word}, key = {seed_lo, seed_hi}.
// Normal transform (documented, tested): Box–Muller on one Philox output pair (x0, x1):
//   r = sqrt(-2 log U1), U1 = u01(x1) in (0, 1];  phi = pi * V0, V0 = uneg11(x0) in [-1, 1];
//   z0 = r sin(phi), z1 = r cos(phi).
// Each Philox call yields 4 normals; word w gives normals 4w..4w+3.
#pragma once

// On the device, Random123's default 32-bit mulhilo widens to a 64-bit product, and nvcc 13
// follows each IMAD.WIDE with two dead instructions (a zero add of the high word): 40 of the
// ~100 instructions of a Philox call. Its __umulhi variant compiles to the single IMAD.WIDE per
// multiply. Both compute the same exact product, so the stream is unchanged (the GPU test
// GpuNoise compares device bits with the host's).
#if defined(__CUDA_ARCH__)
#if defined(_philox_dot_h_) || defined(R123_USE_64BIT)
#error "Random123 was included before orbitmc/core/philox_noise.hpp: include this header instead"
#endif
#define R123_USE_64BIT 0
#define R123_USE_MULHILO32_MULHI_INTRIN 1
#define R123_MULHILO32_MULHI_INTRIN __umulhi
#endif
#include <Random123/philox.h>

#include <Random123/uniform.hpp>

#include "host_device.hpp"
#include "vector_view.hpp"

namespace orbitmc {

// Independent purposes of randomness: every stream id of the project, in one place.
enum NoiseStream : uint32_t {
  kStreamLangevin = 0,  // Gaussian increments R_n
  kStreamAccept = 1,    // Metropolis accept/reject uniforms
  kStreamInit = 2,      // initial states
  kStreamData = 3,      // data sets of the models (chain = index / 2, step 0), drawn on the host
  kStreamBatch = 4,     // a chain's per-step data: fresh minibatch, drawn points, kept entries
  kStreamProblem = 5,   // an experiment training's problem and start (chain = seed, step =
                        // purpose), drawn on the host
};

struct NoiseKey {
  uint64_t seed;
};

ORBITMC_HD ORBITMC_FORCEINLINE r123::Philox4x32::ctr_type philox_bits(NoiseKey key, uint32_t stream,
                                                                      uint32_t chain, uint64_t step,
                                                                      uint32_t word) {
  r123::Philox4x32 rng;
  r123::Philox4x32::ctr_type ctr = {{chain, static_cast<uint32_t>(step),
                                     static_cast<uint32_t>(step >> 32),
                                     (stream << 24) | (word & 0xffffffu)}};
  r123::Philox4x32::key_type k = {
      {static_cast<uint32_t>(key.seed), static_cast<uint32_t>(key.seed >> 32)}};
  return rng(ctr, k);
}

// Box–Muller on one pair of 32-bit words (see the file comment).
template <class T>
ORBITMC_HD ORBITMC_FORCEINLINE void box_muller(uint32_t x0, uint32_t x1, T& z0, T& z1) {
  const T r = lane::sqrt(T(-2) * lane::log(r123::u01<T>(x1)));
  T sn, cs;
  lane::sincospi(r123::uneg11<T>(x0), &sn, &cs);
  z0 = r * sn;
  z1 = r * cs;
}

// Fills out[0..d) with independent N(0, 1) draws for (stream, chain, step): normal 4w + j comes
// from word w, whatever d is, so a size known at compile time (the loop unrolls) and the same
// size at run time draw the same numbers.
template <class V>
ORBITMC_HD ORBITMC_FORCEINLINE void normals(NoiseKey key, uint32_t stream, uint32_t chain,
                                            uint64_t step, int d, V out) {
  using T = elem_t<V>;
#pragma unroll
  for (int w = 0; w < (d + 3) / 4; ++w) {
    const auto b = philox_bits(key, stream, chain, step, static_cast<uint32_t>(w));
    T z[4];
    box_muller<T>(b[0], b[1], z[0], z[1]);
    box_muller<T>(b[2], b[3], z[2], z[3]);
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      if (4 * w + j < d) out[4 * w + j] = z[j];
    }
  }
}
template <class T, int D>
ORBITMC_HD ORBITMC_FORCEINLINE void normals(NoiseKey key, uint32_t stream, uint32_t chain,
                                            uint64_t step, T (&out)[D]) {
  normals(key, stream, chain, step, D, static_cast<T*>(out));
}

// The four uniforms in (0, 1] of one Philox call (stream, chain, step, word).
template <class T>
ORBITMC_HD ORBITMC_FORCEINLINE void uniform01x4(NoiseKey key, uint32_t stream, uint32_t chain,
                                                uint64_t step, uint32_t word, T (&out)[4]) {
  const auto b = philox_bits(key, stream, chain, step, word);
#pragma unroll
  for (int j = 0; j < 4; ++j) out[j] = r123::u01<T>(b[j]);
}

// One uniform in (0, 1] for (stream, chain, step, word).
template <class T>
ORBITMC_HD ORBITMC_FORCEINLINE T uniform01(NoiseKey key, uint32_t stream, uint32_t chain,
                                           uint64_t step, uint32_t word = 0) {
  return r123::u01<T>(philox_bits(key, stream, chain, step, word)[0]);
}

}  // namespace orbitmc
