// Portability layer for per-chain code compiled by both nvcc and the host compiler:
// ORBITMC_HD marks functions callable on host and device, and om:: math wrappers pick the
// float or double C function by overload, so one formula serves both precisions.
#pragma once

#include <math.h>
#include <stdint.h>

#if defined(__CUDACC__)
#define ORBITMC_HD __host__ __device__
#define ORBITMC_FORCEINLINE __forceinline__
#else
#define ORBITMC_HD
#define ORBITMC_FORCEINLINE inline
#endif

namespace orbitmc {
namespace om {

ORBITMC_HD ORBITMC_FORCEINLINE float sqrt(float x) { return ::sqrtf(x); }
ORBITMC_HD ORBITMC_FORCEINLINE double sqrt(double x) { return ::sqrt(x); }
ORBITMC_HD ORBITMC_FORCEINLINE float log(float x) { return ::logf(x); }
ORBITMC_HD ORBITMC_FORCEINLINE double log(double x) { return ::log(x); }
ORBITMC_HD ORBITMC_FORCEINLINE float exp(float x) { return ::expf(x); }
ORBITMC_HD ORBITMC_FORCEINLINE double exp(double x) { return ::exp(x); }
ORBITMC_HD ORBITMC_FORCEINLINE float fabs(float x) { return ::fabsf(x); }
ORBITMC_HD ORBITMC_FORCEINLINE double fabs(double x) { return ::fabs(x); }
ORBITMC_HD ORBITMC_FORCEINLINE float sin(float x) { return ::sinf(x); }
ORBITMC_HD ORBITMC_FORCEINLINE double sin(double x) { return ::sin(x); }
ORBITMC_HD ORBITMC_FORCEINLINE float cos(float x) { return ::cosf(x); }
ORBITMC_HD ORBITMC_FORCEINLINE double cos(double x) { return ::cos(x); }
// 1/sqrt(x): one instruction on the device (CUDA's rsqrt, 2 ulp), a division on the host.
ORBITMC_HD ORBITMC_FORCEINLINE float rsqrt(float x) {
#if defined(__CUDA_ARCH__)
  return ::rsqrtf(x);
#else
  return 1.0f / ::sqrtf(x);
#endif
}
ORBITMC_HD ORBITMC_FORCEINLINE double rsqrt(double x) {
#if defined(__CUDA_ARCH__)
  return ::rsqrt(x);
#else
  return 1.0 / ::sqrt(x);
#endif
}
// sin(πx) and cos(πx) in one call, x ∈ [−1, 1] (the Box–Muller angle). On the device, float
// uses the hardware approximation (__sincosf: absolute error below 2^-21.4 on [−π, π], a few
// instructions instead of ~50 for the accurate sincospif; the noise kernel is bound by
// instruction issue), so a normal differs from the host's by at most ~4e-7·r — after scaling
// by sqrt(2h/β) well under an ulp of the chain state. The host evaluates sincos(πx).
ORBITMC_HD ORBITMC_FORCEINLINE void sincospi(float x, float* s, float* c) {
#if defined(__CUDA_ARCH__)
  __sincosf(3.14159265358979323846f * x, s, c);
#else
  ::sincosf(3.14159265358979323846f * x, s, c);
#endif
}
ORBITMC_HD ORBITMC_FORCEINLINE void sincospi(double x, double* s, double* c) {
#if defined(__CUDA_ARCH__)
  ::sincospi(x, s, c);
#else
  ::sincos(3.14159265358979323846 * x, s, c);
#endif
}
// Finite test that survives -ffast-math style flags: NaN and Inf both fail |x| <= max.
template <class T>
ORBITMC_HD ORBITMC_FORCEINLINE bool finite(T x) {
  return fabs(x) <= T(3.0e38);
}

}  // namespace om
}  // namespace orbitmc
