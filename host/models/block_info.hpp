// Registration of model `block` (cuda/orbitmc/models/block_sigma.hpp): one block of two or more
// factors whose loss depends on σ only, the closed-form case.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/model_info.hpp"
#include "orbitmc/models/block_sigma.hpp"

namespace orbitmc {

struct BlockParams {
  std::vector<int> factors = {1, 3};  // sizes n_1, …, n_L (two: u ∈ R^n, v ∈ R^m)
  double sigma0 = 1.0, width = 0.3;   // ℓ(σ) = (σ − sigma0)² / (2 width²)
};

template <>
struct ModelInfo<BlockSigmaModel> {
  using Params = BlockParams;
  static constexpr const char* kName = "block";
  static constexpr const char* kHelp =
      "one block of factors u^1..u^L (sizes n, m for two, or factors: [n_1, ..., n_L] for L up "
      "to 8), loss (sigma - sigma0)^2 / (2 width^2) of sigma = |u^1|...|u^L| only: the "
      "closed-form case";
  static constexpr bool kClosedForm = true;  // theory cases may use it
  // Two factors are written n, m (and reported so); any number as factors: [n_1, ..., n_L].
  static void fields(JsonFields& f, Params& p) {
    const bool listed = f.has("factors") || p.factors.size() != 2;
    const std::vector<int> sizes =
        f.sizes("factors", p.factors, 1, 2, RuntimeLayout::kMaxFactors, listed);
    const int n = f.size("n", p.factors[0], 1, !listed);
    const int m = f.size("m", p.factors.size() > 1 ? p.factors[1] : 1, 1, !listed);
    if (f.has("factors") && (f.has("n") || f.has("m")))
      bad_input(f.field("factors"), "given with n or m",
                "give the factor sizes either as factors: [n_1, ..., n_L] or as n and m");
    p.factors = listed ? sizes : std::vector<int>{n, m};
    p.sigma0 = f.number("sigma0", p.sigma0);
    p.width = f.number("width", p.width);
  }
  // block_N_M… for the sizes the tests and benchmarks use: two factors, and depth 3 and 4.
  static Presets<Params> presets() {
    Presets<Params> out;
    for (const std::vector<int>& sizes : {std::vector<int>{1, 1},
                                          {1, 2},
                                          {1, 3},
                                          {2, 2},
                                          {2, 3},
                                          {3, 3},
                                          {2, 4},
                                          {4, 7},
                                          {1, 1, 1},
                                          {1, 2, 2},
                                          {2, 2, 3},
                                          {1, 1, 1, 1}}) {
      std::string name = "block";
      for (int n : sizes) name += "_" + std::to_string(n);
      out.push_back({name, Params{sizes}});
    }
    return out;
  }
  static ClosedFormLaw closed_form(const Params& p) {
    const double s0 = p.sigma0, w = p.width;
    return {p.factors, [=](double x) { return (x - s0) * (x - s0) / (2 * w * w); }, s0, "sigma0",
            "σ0 (in (σ − σ0)²)"};
  }
  static void check(const Params&, const std::string&) {}
  static ModelScales scales(const Params& p) { return {p.width, 0}; }
  static int sigma_coordinates(const Params&) { return 1; }
  static std::string coordinate_name(const Params& p, int) {
    if (p.factors.size() == 2) return "σ = |u|·|v|";
    return "σ = |u¹|⋯|u^" + std::to_string(p.factors.size()) + "|";
  }
  static int64_t data_words(const Params&) { return 0; }
  static RuntimeLayout layout(const Params& p) {
    return make_factor_layout(1, static_cast<int>(p.factors.size()), p.factors.data(), 0);
  }
  static std::vector<double> data(const Params&, uint64_t) { return {}; }
  template <class T, class L>
  static BlockSigmaModel<T, L> build(const Params& p, const L& l) {
    return {l, static_cast<T>(p.sigma0), static_cast<T>(p.width)};
  }
};

}  // namespace orbitmc
