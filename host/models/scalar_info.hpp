// Registration of model `scalar` (cuda/orbitmc/models/scalar.hpp): f = u·v, one (1, 1) block.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/model_info.hpp"
#include "orbitmc/models/scalar.hpp"

namespace orbitmc {

struct ScalarParams {
  double target = 1.0, width = 0.3;  // ℓ(w) = (w − target)² / (2 width²)
};

template <>
struct ModelInfo<ScalarModel> {
  using Params = ScalarParams;
  static constexpr const char* kName = "scalar";
  static constexpr const char* kHelp =
      "f = u*v with loss (u*v - target)^2 / (2 width^2); theory on a window away from 0";
  static constexpr bool kClosedForm = true;
  static void fields(JsonFields& f, Params& p) {
    p.width = f.number("width", p.width);
    p.target = f.number("target", p.target);
  }
  static Presets<Params> presets() { return {{"scalar", Params{}}}; }
  static ClosedFormLaw closed_form(const Params& p) {
    const double y = p.target, w = p.width;
    return {{1, 1},
            [=](double x) { return (x - y) * (x - y) / (2 * w * w); },
            y,
            "target",
            "target (in (w − y)²)"};
  }
  static void check(const Params&, const std::string&) {}
  static ModelScales scales(const Params& p) { return {p.width, 0}; }
  // w = u·v, whose magnitude is the σ of its (1, 1) block.
  static int sigma_coordinates(const Params&) { return 1; }
  static std::string coordinate_name(const Params&, int) { return "w = u·v"; }
  static int64_t data_words(const Params&) { return 0; }
  static RuntimeLayout layout(const Params&) { return {1, 1, 1, 0}; }
  static std::vector<double> data(const Params&, uint64_t) { return {}; }
  template <class T, class L>
  static ScalarModel<T, L> build(const Params& p, const L& l) {
    return {l, static_cast<T>(p.target), static_cast<T>(p.width)};
  }
};

}  // namespace orbitmc
