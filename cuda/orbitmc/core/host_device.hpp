// Portability layer for per-chain code compiled by both nvcc and the host compiler:
// ORBITMC_HD marks functions callable on host and device, and lane:: math wrappers pick the
// float or double C function by overload, so one formula serves both precisions.
//
// Lanes: per-chain code computes on a lane type V, a float or double (one chain: the GPU and the
// CPU's scalar path) or a SIMD batch holding one chain per lane (the CPU's vector path). A
// comparison of lanes gives a mask (bool for one chain). A choice that depends on a chain's
// values is written lane::select(mask, a, b), and counters grow through lane::count_where, so that
// every lane of a batch runs the same instructions. For a batch type these forward to
// LaneOps<V>, which the vector path specialises (host/backend/simd/lane_ops.hpp); nvcc only
// ever instantiates the scalar overloads.
#pragma once

#include <math.h>
#include <stdint.h>

#include <type_traits>
#include <utility>

#if defined(__CUDACC__)
#define ORBITMC_HD __host__ __device__
#define ORBITMC_FORCEINLINE __forceinline__
#else
#define ORBITMC_HD
#define ORBITMC_FORCEINLINE inline
#endif

namespace orbitmc {
namespace lane {

ORBITMC_HD ORBITMC_FORCEINLINE float sqrt(float x) { return ::sqrtf(x); }
ORBITMC_HD ORBITMC_FORCEINLINE double sqrt(double x) { return ::sqrt(x); }
ORBITMC_HD ORBITMC_FORCEINLINE float log(float x) { return ::logf(x); }
ORBITMC_HD ORBITMC_FORCEINLINE double log(double x) { return ::log(x); }
ORBITMC_HD ORBITMC_FORCEINLINE float exp(float x) { return ::expf(x); }
ORBITMC_HD ORBITMC_FORCEINLINE double exp(double x) { return ::exp(x); }
ORBITMC_HD ORBITMC_FORCEINLINE float floor(float x) { return ::floorf(x); }
ORBITMC_HD ORBITMC_FORCEINLINE double floor(double x) { return ::floor(x); }
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
template <class T, std::enable_if_t<std::is_arithmetic<T>::value, int> = 0>
ORBITMC_HD ORBITMC_FORCEINLINE bool finite(T x) {
  return fabs(x) <= T(3.0e38);
}

// One chain: a mask is a bool.
template <class T, std::enable_if_t<std::is_arithmetic<T>::value, int> = 0>
ORBITMC_HD ORBITMC_FORCEINLINE T select(bool m, T a, T b) {
  return m ? a : b;
}
ORBITMC_HD ORBITMC_FORCEINLINE bool any(bool m) { return m; }
// base[at·stride + offset], at a whole number held in T (exact below 2^24 in float).
template <class T>
ORBITMC_HD ORBITMC_FORCEINLINE T gather(const T* base, T at, int stride, int offset) {
  return base[static_cast<int>(at) * stride + offset];
}
ORBITMC_HD ORBITMC_FORCEINLINE void count_where(uint32_t& counter, bool m) {
  counter += m ? 1u : 0u;
}
ORBITMC_HD ORBITMC_FORCEINLINE void set_where(uint32_t& counter, bool m, uint32_t v) {
  if (m) counter = v;
}

}  // namespace lane

// Operations on a batch of lanes, specialised by a vector backend for its batch and mask types.
template <class V, class Enable = void>
struct LaneOps;

// The mask type of lane type V (what V < V gives).
template <class V>
using mask_t = decltype(std::declval<V>() < std::declval<V>());

namespace lane {

// The same names for batches (host only: the CPU's vector path).
template <class V>
using if_batch = std::enable_if_t<!std::is_arithmetic<V>::value, int>;

template <class V, if_batch<V> = 0>
ORBITMC_FORCEINLINE V sqrt(const V& x) {
  return LaneOps<V>::sqrt(x);
}
template <class V, if_batch<V> = 0>
ORBITMC_FORCEINLINE V rsqrt(const V& x) {
  return LaneOps<V>::rsqrt(x);
}
template <class V, if_batch<V> = 0>
ORBITMC_FORCEINLINE V log(const V& x) {
  return LaneOps<V>::log(x);
}
template <class V, if_batch<V> = 0>
ORBITMC_FORCEINLINE V exp(const V& x) {
  return LaneOps<V>::exp(x);
}
template <class V, if_batch<V> = 0>
ORBITMC_FORCEINLINE V fabs(const V& x) {
  return LaneOps<V>::fabs(x);
}
template <class V, if_batch<V> = 0>
ORBITMC_FORCEINLINE V floor(const V& x) {
  return LaneOps<V>::floor(x);
}
template <class T, class V, if_batch<V> = 0>
ORBITMC_FORCEINLINE V gather(const T* base, const V& at, int stride, int offset) {
  return LaneOps<V>::gather(base, at, stride, offset);
}
template <class V, if_batch<V> = 0>
ORBITMC_FORCEINLINE void sincospi(const V& x, V* s, V* c) {
  LaneOps<V>::sincospi(x, s, c);
}
template <class V, if_batch<V> = 0>
ORBITMC_FORCEINLINE auto finite(const V& x) {
  return fabs(x) <= V(3.0e38f);
}
template <class M, class V, if_batch<V> = 0>
ORBITMC_FORCEINLINE V select(const M& m, const V& a, const V& b) {
  return LaneOps<V>::select(m, a, b);
}
template <class M, if_batch<M> = 0>
ORBITMC_FORCEINLINE bool any(const M& m) {
  return LaneOps<M>::any(m);
}
template <class U, class M, if_batch<U> = 0>
ORBITMC_FORCEINLINE void count_where(U& counter, const M& m) {
  LaneOps<U>::count_where(counter, m);
}
template <class U, class M, if_batch<U> = 0>
ORBITMC_FORCEINLINE void set_where(U& counter, const M& m, uint32_t v) {
  LaneOps<U>::set_where(counter, m, v);
}

}  // namespace lane
}  // namespace orbitmc
