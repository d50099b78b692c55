// Registration of model `block` (cuda/orbitmc/models/block_sigma.hpp): one rank-one block whose
// loss depends on σ only, the closed-form case.
#pragma once

#include <cstdint>
#include <vector>

#include "models/model_info.hpp"
#include "orbitmc/models/block_sigma.hpp"

namespace orbitmc {

struct BlockParams {
  int n = 1, m = 3;                  // u ∈ R^n, v ∈ R^m
  double sigma0 = 1.0, width = 0.3;  // ℓ(σ) = (σ − sigma0)² / (2 width²)
};

template <>
struct ModelInfo<BlockSigmaModel> {
  using Params = BlockParams;
  static constexpr const char* kName = "block";
  static constexpr const char* kHelp =
      "one rank-one block (u in R^n, v in R^m), loss (sigma - sigma0)^2 / (2 width^2) of "
      "sigma = |u||v| only: the closed-form case";
  static constexpr bool kClosedForm = true;  // theory cases may use it
  static void fields(JsonFields& f, Params& p) {
    p.n = f.size("n", p.n, 1);
    p.m = f.size("m", p.m, 1);
    p.sigma0 = f.number("sigma0", p.sigma0);
    p.width = f.number("width", p.width);
  }
  // block_N_M for the sizes the tests and benchmarks use.
  static Presets<Params> presets() {
    Presets<Params> out;
    for (auto nm :
         {std::pair<int, int>{1, 1}, {1, 2}, {1, 3}, {2, 2}, {2, 3}, {3, 3}, {2, 4}, {4, 7}})
      out.push_back({"block_" + std::to_string(nm.first) + "_" + std::to_string(nm.second),
                     Params{nm.first, nm.second}});
    return out;
  }
  static ClosedFormLaw closed_form(const Params& p) {
    const double s0 = p.sigma0, w = p.width;
    return {p.n, p.m,      [=](double x) { return (x - s0) * (x - s0) / (2 * w * w); },
            s0,  "sigma0", "σ0 (in (σ − σ0)²)"};
  }
  static void check(const Params&, const std::string&) {}
  static ModelScales scales(const Params& p) { return {p.width, 0}; }
  static int sigma_coordinates(const Params&) { return 1; }
  static int64_t data_words(const Params&) { return 0; }
  static RuntimeLayout layout(const Params& p) { return {1, p.n, p.m, 0}; }
  static std::vector<double> data(const Params&, uint64_t) { return {}; }
  template <class T, class L>
  static BlockSigmaModel<T, L> build(const Params& p, const L& l) {
    return {l, static_cast<T>(p.sigma0), static_cast<T>(p.width)};
  }
};

}  // namespace orbitmc
