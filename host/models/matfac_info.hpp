// Registration of model `matfac` (cuda/orbitmc/models/matfac.hpp) and its target and mask.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/model_info.hpp"
#include "orbitmc/models/matfac.hpp"

namespace orbitmc {

struct MatfacParams {
  int rows = 3, cols = 3, rank = 2;  // target rows × cols of this rank
  double observed = 0.7;             // probability that an entry is observed
  double width = 0.3, ridge = 0.1;   // noise scale s of the loss; invariant ridge
};

template <>
struct ModelInfo<MatfacModel> {
  using Params = MatfacParams;
  static constexpr const char* kName = "matfac";
  static constexpr const char* kHelp =
      "matrix factorisation M = U V^T (rows x rank, cols x rank) with a masked least-squares "
      "loss plus the invariant ridge";
  static constexpr bool kClosedForm = false;
  static void fields(JsonFields& f, Params& p) {
    p.width = f.number("width", p.width);
    p.rows = f.size("rows", p.rows, 1);
    p.cols = f.size("cols", p.cols, 1);
    p.rank = f.size("rank", p.rank, 1);
    p.observed = f.number("observed", p.observed);
    p.ridge = read_ridge(f, p.ridge);
  }
  // matfac_3_3_2; matfac_20_20_20, the paper's P, Q (800 parameters; THEORY §8).
  static Presets<Params> presets() {
    return {{"matfac_3_3_2", Params{}}, {"matfac_20_20_20", {20, 20, 20, 0.2, 3.0, 0.1}}};
  }
  static ModelScales scales(const Params& p) { return {p.width, p.ridge}; }
  // The columns' σ_b, then the prediction of entry (0, 0).
  static int sigma_coordinates(const Params& p) { return p.rank; }
  static std::string coordinate_name(const Params& p, int k) {
    if (k < p.rank)
      return "σ of column pair " + std::to_string(k + 1) + " = |u_" + std::to_string(k + 1) +
             "|·|v_" + std::to_string(k + 1) + "|";
    return "entry M₁₁ of M = U Vᵀ";
  }
  static void check(const Params&, const std::string&) {}
  // Numbers in the data set, known before it is generated (for the size limit).
  static int64_t data_words(const Params& p) { return 2 * int64_t(p.rows) * p.cols; }
  static RuntimeLayout layout(const Params& p) { return {p.rank, p.rows, p.cols, 0}; }
  // Target U* V*ᵀ of rank `rank` with N(0, 1) factors (rows × cols), then the mask: each entry
  // observed with probability `observed`, entry (0, 0) always.
  static std::vector<double> data(const Params& p, uint64_t data_seed);
  template <class T, class L>
  static MatfacModel<T, L> build(const Params& p, const L& l) {
    return {l, static_cast<T>(p.width), static_cast<T>(p.ridge)};
  }
};

}  // namespace orbitmc
