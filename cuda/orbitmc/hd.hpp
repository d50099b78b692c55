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
// sin and cos of one argument in one call (glibc's sincos on the host, CUDA's on the device).
ORBITMC_HD ORBITMC_FORCEINLINE void sincos(float x, float* s, float* c) { ::sincosf(x, s, c); }
ORBITMC_HD ORBITMC_FORCEINLINE void sincos(double x, double* s, double* c) { ::sincos(x, s, c); }
// Finite test that survives -ffast-math style flags: NaN and Inf both fail |x| <= max.
template <class T>
ORBITMC_HD ORBITMC_FORCEINLINE bool finite(T x) {
  return fabs(x) <= T(3.0e38);
}

}  // namespace om
}  // namespace orbitmc
