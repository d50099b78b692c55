// Registration of model `block` (cuda/orbitmc/models/block_sigma.hpp): name, help, layout,
// parameters and checks.
#pragma once

#include <cstdint>
#include <vector>

#include "models/model_info.hpp"
#include "orbitmc/models/block_sigma.hpp"

namespace orbitmc {

template <>
struct ModelInfo<BlockSigmaModel> {
  static constexpr const char* kName = "block";
  static constexpr const char* kHelp =
      "one rank-one block (u in R^n, v in R^m), loss (sigma - sigma0)^2 / (2 width^2) of "
      "sigma = |u||v| only: the closed-form case. Keys: n, m, sigma0, width";
  static constexpr bool kClosedForm = true;  // theory cases may use it
  static ClosedFormLaw closed_form(const ModelSpec& s) {
    const double s0 = s.sigma0, w = s.width;
    return {s.n, s.m, [=](double x) { return (x - s0) * (x - s0) / (2 * w * w); }};
  }
  static void check(const ModelSpec&, const std::string&) {}
  // Numbers in the data set, known before it is generated (for the size limit).
  static int64_t data_words(const ModelSpec&) { return 0; }
  static RuntimeLayout layout(const ModelSpec& s) { return {1, s.n, s.m, 0}; }
  static std::vector<double> data(const ModelSpec&) { return {}; }
  template <class T, class L>
  static BlockSigmaModel<T, L> build(const ModelSpec& s, const L& l) {
    return {l, static_cast<T>(s.sigma0), static_cast<T>(s.width)};
  }
};

}  // namespace orbitmc
