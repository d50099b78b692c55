// LaneOps for xsimd batches: what per-chain code (orbitmc/core/host_device.hpp: the lane:: names)
// needs of a lane type when one batch holds one chain per lane. Each operation matches the CPU's
// scalar one (the C library on one float) to float rounding: the same formula, xsimd's vectorised
// log, exp and sincos in place of the C library's. Included only by the per-instruction-set
// translation units (lane_chains_<arch>.cpp).
#pragma once

#include <cstdint>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "orbitmc/core/host_device.hpp"

namespace orbitmc {

template <class T, class A>
struct LaneOps<xsimd::batch<T, A>, std::enable_if_t<std::is_floating_point<T>::value>> {
  using V = xsimd::batch<T, A>;
  using M = xsimd::batch_bool<T, A>;
  using I = xsimd::batch<int32_t, A>;
  static_assert(I::size == V::size, "index lanes must match value lanes (float only)");

  static V sqrt(const V& x) { return xsimd::sqrt(x); }
  static V rsqrt(const V& x) { return V(T(1)) / xsimd::sqrt(x); }  // as the host's 1/sqrtf
  static V log(const V& x) { return xsimd::log(x); }
  static V exp(const V& x) { return xsimd::exp(x); }
  static V fabs(const V& x) { return xsimd::abs(x); }
  static V floor(const V& x) { return xsimd::floor(x); }
  static void sincospi(const V& x, V* s, V* c) {
    const auto sc = xsimd::sincos(V(T(3.14159265358979323846)) * x);
    *s = sc.first;
    *c = sc.second;
  }
  static V select(const M& m, const V& a, const V& b) { return xsimd::select(m, a, b); }
  static V gather(const T* base, const V& at, int stride, int offset) {
    const I index = xsimd::batch_cast<int32_t>(at) * I(stride) + I(offset);
    return V::gather(base, index);
  }
};

template <class T, class A>
struct LaneOps<xsimd::batch_bool<T, A>> {
  static bool any(const xsimd::batch_bool<T, A>& m) { return xsimd::any(m); }
};

// Counters: one int32 per lane (the chains' uint32 counters, bit for bit).
template <class A>
struct LaneOps<xsimd::batch<int32_t, A>> {
  using U = xsimd::batch<int32_t, A>;
  static void count_where(U& counter, const xsimd::batch_bool<float, A>& m) {
    counter = xsimd::select(xsimd::bool_cast(m), counter + U(1), counter);
  }
  static void set_where(U& counter, const xsimd::batch_bool<float, A>& m, uint32_t v) {
    counter = xsimd::select(xsimd::bool_cast(m), U(static_cast<int32_t>(v)), counter);
  }
};

}  // namespace orbitmc
