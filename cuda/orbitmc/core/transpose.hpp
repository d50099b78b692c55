// Rows ↔ columns on the host: the one copy between seed-major arrays (seed i's values at
// i·width, as the host keeps them) and component-major ones (component k of every seed at
// k·seeds, as the GPU keeps them so that a warp's accesses coalesce), or a column taken out of a
// table of rows. Host-only, but here so that the kernels' drivers and host code share it.
#pragma once

#include <stdint.h>

namespace orbitmc {

// out[k·rows + i] = To(in[i·stride + k]) for every row i < rows and column k < cols: the first
// cols values of each row of `in` (stride apart, stride ≥ cols) become the rows of `out`. In
// tiles, so that both sides stay in cache when a million rows are turned.
template <class To, class From>
void transpose(const From* in, uint64_t rows, uint64_t cols, uint64_t stride, To* out) {
  constexpr uint64_t kTile = 64;
  for (uint64_t i0 = 0; i0 < rows; i0 += kTile) {
    const uint64_t i1 = rows < i0 + kTile ? rows : i0 + kTile;
    for (uint64_t k0 = 0; k0 < cols; k0 += kTile) {
      const uint64_t k1 = cols < k0 + kTile ? cols : k0 + kTile;
      for (uint64_t k = k0; k < k1; ++k)
        for (uint64_t i = i0; i < i1; ++i) out[k * rows + i] = static_cast<To>(in[i * stride + k]);
    }
  }
}

// A whole table: `in` is rows × cols, `out` becomes cols × rows.
template <class To, class From>
void transpose(const From* in, uint64_t rows, uint64_t cols, To* out) {
  transpose(in, rows, cols, cols, out);
}

}  // namespace orbitmc
