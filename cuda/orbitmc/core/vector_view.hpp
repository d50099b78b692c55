// How per-chain code sees a vector of one chain (its state, a gradient, a scratch vector): any
// type with operator[] and + offset. A plain pointer serves the CPU and the GPU's register path
// (arrays in registers); Strided<T> serves the GPU's general path, where component k of chain i
// lives at base[k·chains + i] so that a warp's accesses coalesce. Models, geometry and samplers
// are templates on the view, so the same formulas run on every path.
#pragma once

#include <type_traits>
#include <utility>

#include "host_device.hpp"

namespace orbitmc {

template <class T>
struct Strided {
  T* base;
  uint64_t stride;
  ORBITMC_HD ORBITMC_FORCEINLINE T& operator[](int k) const {
    return base[static_cast<uint64_t>(k) * stride];
  }
  ORBITMC_HD ORBITMC_FORCEINLINE Strided operator+(int k) const {
    return {base + static_cast<uint64_t>(k) * stride, stride};
  }
};

// The element type of a view (T for T*, const T* and Strided<T>).
template <class V>
using elem_t = std::remove_cv_t<std::remove_reference_t<decltype(std::declval<V>()[0])>>;

}  // namespace orbitmc
