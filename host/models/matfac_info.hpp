// Registration of model `matfac` (cuda/orbitmc/models/matfac.hpp) and its target and mask.
#pragma once

#include <cstdint>
#include <vector>

#include "models/model_info.hpp"
#include "orbitmc/models/matfac.hpp"

namespace orbitmc {

template <>
struct ModelInfo<MatfacModel> {
  static constexpr const char* kName = "matfac";
  static constexpr const char* kHelp =
      "matrix factorisation M = U V^T (rows x rank, cols x rank) with a masked least-squares "
      "loss plus the invariant ridge. Keys: rows, cols, rank, observed, width, ridge, data_seed";
  static constexpr bool kClosedForm = false;
  static void check(const ModelSpec&, const std::string&) {}
  // Numbers in the data set, known before it is generated (for the size limit).
  static int64_t data_words(const ModelSpec& s) { return 2 * int64_t(s.rows) * s.cols; }
  static RuntimeLayout layout(const ModelSpec& s) { return {s.rank, s.rows, s.cols, 0}; }
  // Target U* V*ᵀ of rank `rank` with N(0, 1) factors (rows × cols), then the mask: each entry
  // observed with probability `observed`, entry (0, 0) always.
  static std::vector<double> data(const ModelSpec& s);
  template <class T, class L>
  static MatfacModel<T, L> build(const ModelSpec& s, const L& l) {
    return {l, static_cast<T>(s.width), static_cast<T>(s.ridge)};
  }
};

}  // namespace orbitmc
