// Run-time choice of the SIMD noise kernel and of the chains' vector path (GCC's
// __builtin_cpu_supports).
#include "backend/simd/simd_noise_dispatch.hpp"

#include <cstdlib>

#include "backend/simd/lane_dispatch.hpp"
#include "input_error.hpp"

namespace orbitmc::simd {

#if ORBITMC_HAVE_XSIMD
void normals_sse2(NoiseKey, uint32_t, uint32_t, uint64_t, int, float*);
void normals_avx2(NoiseKey, uint32_t, uint32_t, uint64_t, int, float*);
void normals_avx512(NoiseKey, uint32_t, uint32_t, uint64_t, int, float*);
size_t lanes_sse2();
size_t lanes_avx2();
size_t lanes_avx512();
void philox_sse2(NoiseKey, uint32_t, uint32_t, uint64_t, uint32_t, uint32_t*);
void philox_avx2(NoiseKey, uint32_t, uint32_t, uint64_t, uint32_t, uint32_t*);
void philox_avx512(NoiseKey, uint32_t, uint32_t, uint64_t, uint32_t, uint32_t*);
#endif

std::vector<NoiseKernel> available_noise_kernels() {
  std::vector<NoiseKernel> out;
#if ORBITMC_HAVE_XSIMD && (defined(__x86_64__) || defined(__i386__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    out.push_back({"avx512", lanes_avx512(), normals_avx512, philox_avx512});
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    out.push_back({"avx2", lanes_avx2(), normals_avx2, philox_avx2});
  if (__builtin_cpu_supports("sse2"))
    out.push_back({"sse2", lanes_sse2(), normals_sse2, philox_sse2});
#endif
  return out;
}

const NoiseKernel* chosen_noise_kernel() {
  static const std::vector<NoiseKernel> kernels = available_noise_kernels();
  const char* env = std::getenv("ORBITMC_SIMD");
  const std::string want = env ? env : "";
  if (want.empty()) return kernels.empty() ? nullptr : &kernels.front();
  if (want == "scalar") return nullptr;
  for (const NoiseKernel& k : kernels)
    if (want == k.arch) return &k;
  std::string have = "scalar";
  for (const NoiseKernel& k : kernels) have += std::string(", ") + k.arch;
  bad_input("ORBITMC_SIMD", want, "this build and CPU offer: " + have);
}

}  // namespace orbitmc::simd

namespace orbitmc::simd {

namespace {
LanePath lane_path_of(const NoiseKernel* k) {
  const std::string arch = k ? k->arch : "";
  if (arch == "avx512") return LanePath::kAvx512;
  if (arch == "avx2") return LanePath::kAvx2;
  return LanePath::kScalar;
}
}  // namespace

LanePath chosen_lane_path() { return lane_path_of(chosen_noise_kernel()); }

std::vector<LanePath> available_lane_paths() {
  std::vector<LanePath> out;
  for (const NoiseKernel& k : available_noise_kernels())
    if (lane_path_of(&k) != LanePath::kScalar) out.push_back(lane_path_of(&k));
  return out;
}

int lane_count(LanePath path) {
  return path == LanePath::kAvx512 ? 16 : path == LanePath::kAvx2 ? 8 : 0;
}

const char* lane_name(LanePath path) {
  return path == LanePath::kAvx512 ? "avx512" : path == LanePath::kAvx2 ? "avx2" : "scalar";
}

}  // namespace orbitmc::simd
