// Choosing the SIMD noise kernel at run time: every instruction set compiled in (SSE2, AVX2,
// AVX-512 when xsimd was found at build time) that this CPU supports, the widest first.
// ORBITMC_SIMD=scalar|sse2|avx2|avx512 forces one (scalar: none), so every path can be tested
// on one machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "orbitmc/core/philox_noise.hpp"

namespace orbitmc::simd {

struct NoiseKernel {
  const char* arch;  // "sse2", "avx2", "avx512"
  size_t lanes;      // chains per call
  // out[k·lanes + l] = normal k of chain first + l for (stream, step), k < d.
  void (*normals)(NoiseKey key, uint32_t stream, uint32_t first, uint64_t step, int d, float* out);
  // out[j·lanes + l] = Philox word j (< 4) of chain first + l at (stream, step, word).
  void (*philox)(NoiseKey key, uint32_t stream, uint32_t first, uint64_t step, uint32_t word,
                 uint32_t* out);
};

// The kernels compiled in that this CPU can run, widest first.
std::vector<NoiseKernel> available_noise_kernels();
// The one to use: the widest, or the one ORBITMC_SIMD names (nullptr for "scalar" or when none
// is compiled in). An unknown or unsupported ORBITMC_SIMD is an InputError naming it.
const NoiseKernel* chosen_noise_kernel();

}  // namespace orbitmc::simd
