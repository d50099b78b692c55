// Registration of model `scalar` (cuda/orbitmc/models/scalar.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "models/model_info.hpp"
#include "orbitmc/models/scalar.hpp"

namespace orbitmc {

template <>
struct ModelInfo<ScalarModel> {
  static constexpr const char* kName = "scalar";
  static constexpr const char* kHelp =
      "f = u*v with loss (u*v - target)^2 / (2 width^2); theory on a window away from 0. "
      "Keys: target, width";
  static constexpr bool kClosedForm = true;
  static ClosedFormLaw closed_form(const ModelSpec& s) {
    const double y = s.target, w = s.width;
    return {1, 1, [=](double x) { return (x - y) * (x - y) / (2 * w * w); }};
  }
  static void check(const ModelSpec&, const std::string&) {}
  // Numbers in the data set, known before it is generated (for the size limit).
  static int64_t data_words(const ModelSpec&) { return 0; }
  static RuntimeLayout layout(const ModelSpec&) { return {1, 1, 1, 0}; }
  static std::vector<double> data(const ModelSpec&) { return {}; }
  template <class T, class L>
  static ScalarModel<T, L> build(const ModelSpec& s, const L& l) {
    return {l, static_cast<T>(s.target), static_cast<T>(s.width)};
  }
};

}  // namespace orbitmc
