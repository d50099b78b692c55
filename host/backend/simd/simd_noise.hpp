// The chains' noise for a group of lanes at once: Philox4x32-10 and the Box–Muller
// transform of orbitmc/core/philox_noise.hpp evaluated on xsimd batches, one chain per lane. The
// Philox words are bit-identical to the scalar path's (Random123); the normals agree with it to
// float rounding (xsimd's vectorised log and sincos instead of the C library's). Included only by
// the per-instruction-set translation units (simd_noise_<arch>.cpp), each compiled for its arch.
#pragma once

#include <cstdint>
#include <xsimd/xsimd.hpp>

#include "orbitmc/core/philox_noise.hpp"

namespace orbitmc::simd {

template <class A>
struct NoiseLanes {
  using U32 = xsimd::batch<uint32_t, A>;
  using U64 = xsimd::batch<uint64_t, A>;
  using F = xsimd::batch<float, A>;
  static constexpr size_t kLanes = F::size;

  // hi and lo words of a·m for every lane (32 × 32 → 64 bits through the 64-bit lanes).
  static void mulhilo(const U32& a, uint32_t m, U32& hi, U32& lo) {
    const U64 w = xsimd::bitwise_cast<U64>(a);
    const U64 mask(0xffffffffull);
    const U64 even = (w & mask) * U64(m);
    const U64 odd = (w >> 32) * U64(m);
    lo = xsimd::bitwise_cast<U32>((even & mask) | (odd << 32));
    hi = xsimd::bitwise_cast<U32>((even >> 32) | (odd & ~mask));
  }

  // Philox4x32-10 (Salmon et al. 2011, as Random123 computes it) with the counter layout of
  // philox_bits: {chain, step_lo, step_hi, stream << 24 | word}.
  static void philox(NoiseKey key, uint32_t stream, const U32& chain, uint64_t step, uint32_t word,
                     U32 out[4]) {
    U32 c0 = chain, c1(static_cast<uint32_t>(step)), c2(static_cast<uint32_t>(step >> 32)),
        c3((stream << 24) | (word & 0xffffffu));
    uint32_t k0 = static_cast<uint32_t>(key.seed), k1 = static_cast<uint32_t>(key.seed >> 32);
    for (int round = 0; round < 10; ++round) {
      U32 hi0, lo0, hi1, lo1;
      mulhilo(c0, 0xD2511F53u, hi0, lo0);
      mulhilo(c2, 0xCD9E8D57u, hi1, lo1);
      const U32 n0 = hi1 ^ c1 ^ U32(k0), n2 = hi0 ^ c3 ^ U32(k1);
      c0 = n0;
      c1 = lo1;
      c2 = n2;
      c3 = lo0;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
  }

  // Random123's u01<float> (in (0, 1]) and uneg11<float> (in [−1, 1]) of every lane.
  static F u01(const U32& x) {
    // x·2^-32 + 2^-33, the conversion through a float of the unsigned value as Random123 does.
    const F hi = xsimd::batch_cast<float>(xsimd::bitwise_cast<xsimd::batch<int32_t, A>>(x >> 16));
    const F lo =
        xsimd::batch_cast<float>(xsimd::bitwise_cast<xsimd::batch<int32_t, A>>(x & U32(0xffffu)));
    const F value = xsimd::fma(hi, F(65536.0f), lo);  // exact below 2^24, rounded once above
    return xsimd::fma(value, F(1.0f / 4294967296.0f), F(0.5f / 4294967296.0f));
  }
  static F uneg11(const U32& x) {
    const F v = xsimd::batch_cast<float>(xsimd::bitwise_cast<xsimd::batch<int32_t, A>>(x));
    return xsimd::fma(v, F(1.0f / 2147483648.0f), F(0.5f / 2147483648.0f));
  }

  // Box–Muller on the word pairs (x0, x1) of every lane, as box_muller<float>.
  static void box_muller(const U32& x0, const U32& x1, F& z0, F& z1) {
    const F r = xsimd::sqrt(F(-2.0f) * xsimd::log(u01(x1)));
    const auto sc = xsimd::sincos(F(3.14159265358979323846f) * uneg11(x0));
    z0 = r * sc.first;
    z1 = r * sc.second;
  }

  // out[j·kLanes + l] = Philox word j of chain first + l at (stream, step, word), j < 4.
  static void philox_words(NoiseKey key, uint32_t stream, uint32_t first, uint64_t step,
                           uint32_t word, uint32_t* out) {
    alignas(64) uint32_t ids[kLanes];
    for (size_t l = 0; l < kLanes; ++l) ids[l] = first + static_cast<uint32_t>(l);
    U32 b[4];
    philox(key, stream, U32::load_aligned(ids), step, word, b);
    for (int j = 0; j < 4; ++j) b[j].store_unaligned(out + j * kLanes);
  }

  // out[k·kLanes + l] = normal k of chain first + l for (stream, step), k < d: the numbers
  // normals(key, stream, first + l, step, d, ·) gives, lane by lane.
  static void normals(NoiseKey key, uint32_t stream, uint32_t first, uint64_t step, int d,
                      float* out) {
    alignas(64) uint32_t ids[kLanes];
    for (size_t l = 0; l < kLanes; ++l) ids[l] = first + static_cast<uint32_t>(l);
    const U32 chain = U32::load_aligned(ids);
    for (int w = 0; w < (d + 3) / 4; ++w) {
      U32 b[4];
      philox(key, stream, chain, step, static_cast<uint32_t>(w), b);
      F z[4];
      box_muller(b[0], b[1], z[0], z[1]);
      box_muller(b[2], b[3], z[2], z[3]);
      for (int j = 0; j < 4 && 4 * w + j < d; ++j)
        z[j].store_unaligned(out + static_cast<size_t>(4 * w + j) * kLanes);
    }
  }
};

}  // namespace orbitmc::simd
