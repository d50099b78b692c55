// Registration of model `hadamard` (cuda/orbitmc/models/hadamard.hpp) and its design matrices
// (THEORY §8, experiments 4 and 5).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/model_info.hpp"
#include "orbitmc/models/hadamard.hpp"

namespace orbitmc {

struct HadamardParams {
  int coefficients = 8, points = 8;
  std::string basis = "identity";   // identity | cumsum | cosine
  double width = 0.3, ridge = 0.1;  // noise scale s of the loss; ridge (ρ/2)|c|²
  int depth = 2;                    // factors per coefficient: c = u^1 ⊙ … ⊙ u^depth
};

template <>
struct ModelInfo<HadamardModel> {
  using Params = HadamardParams;
  static constexpr const char* kName = "hadamard";
  static constexpr const char* kHelp =
      "coefficients c = u (.) v (or u^1 (.) ... (.) u^depth, depth 2 to 8), signal w = B c with "
      "B = identity, cumsum or cosine synthesis, least squares on `points` observations plus the "
      "ridge (ridge/2)|c|^2";
  static constexpr bool kClosedForm = false;
  static void fields(JsonFields& f, Params& p) {
    p.width = f.number("width", p.width);
    p.points = f.size("points", p.points, 1);
    p.coefficients = f.size("coefficients", p.coefficients, 1);
    p.basis = f.string("basis", p.basis);
    p.ridge = read_ridge(f, p.ridge);
    // Reported only when it is not the two-factor default (reports of depth 2 stay as they were).
    p.depth = f.size("depth", p.depth, 2, p.depth != 2);
  }
  // hadamard_8_identity; hadamard_64_cosine (experiment 4); hadamard_200_cumsum (experiment 5);
  // hadamard_8_identity_depth3 (three factors per coefficient).
  // The cumulative-sum design is stiff: |DᵀD|/s² stays ~10³ at 200 with width 3.
  static Presets<Params> presets() {
    return {{"hadamard_8_identity", {8, 12, "identity", 3.0, 1.0}},
            {"hadamard_64_cosine", {64, 32, "cosine", 3.0, 1.0}},
            {"hadamard_200_cumsum", {200, 60, "cumsum", 3.0, 1.0}},
            {"hadamard_8_identity_depth3", {8, 12, "identity", 3.0, 1.0, 3}}};
  }
  static ModelScales scales(const Params& p) { return {p.width, p.ridge}; }
  // The coefficients c_b = u_b v_b (|c_b| = σ_b), then the data term.
  static int sigma_coordinates(const Params& p) { return p.coefficients; }
  static std::string coordinate_name(const Params& p, int k) {
    if (k < p.coefficients)
      return "coefficient c_" + std::to_string(k + 1) +
             (p.depth == 2 ? " = u·v" : " (product of " + std::to_string(p.depth) + " factors)");
    return "data term |D c − y|² / points";
  }
  // basis must be identity, cumsum or cosine (field `where`.basis); depth at most 8.
  static void check(const Params& p, const std::string& where);
  // Numbers in the data set, known before it is generated (for the size limit).
  static int64_t data_words(const Params& p) {
    return int64_t(p.points) * (int64_t(p.coefficients) + 1);
  }
  static RuntimeLayout layout(const Params& p) {
    return scalar_factor_layout(p.coefficients, p.depth);
  }
  // The design D = A·B (points × coefficients) and the targets y = D c* + 0.1·N(0, 1):
  // cosine: A_ik = cos(2π k t_i), t_i ~ U(0, 1), c* with 3 non-zero entries at k ≥ 1 of
  //         magnitude U(1, 2) and random sign (experiment 4);
  // cumsum: A = N(0, 1)/sqrt(points), B the cumulative sum, B c* piecewise constant with the
  //         segments of experiment 5 stretched to the length;
  // identity: A = N(0, 1)/sqrt(points), c* sparse as for cosine.
  static std::vector<double> data(const Params& p, uint64_t data_seed);
  template <class T, class L>
  static HadamardModel<T, L> build(const Params& p, const L& l) {
    return {l, p.points, static_cast<T>(p.width), static_cast<T>(p.ridge)};
  }
};

}  // namespace orbitmc
