// The SIMD noise kernel for avx512 (compiled with that instruction set only here; see
// simd_noise_dispatch.cpp). Only templates on the arch are instantiated in this file, so no
// inline function compiled for avx512 can stand in for the baseline one elsewhere.
#include "backend/simd/simd_noise.hpp"

namespace orbitmc::simd {

void normals_avx512(NoiseKey key, uint32_t stream, uint32_t first, uint64_t step, int d,
                    float* out) {
  NoiseLanes<xsimd::avx512bw>::normals(key, stream, first, step, d, out);
}
size_t lanes_avx512() { return NoiseLanes<xsimd::avx512bw>::kLanes; }
void philox_avx512(NoiseKey key, uint32_t stream, uint32_t first, uint64_t step, uint32_t word,
                   uint32_t* out) {
  NoiseLanes<xsimd::avx512bw>::philox_words(key, stream, first, step, word, out);
}

}  // namespace orbitmc::simd
