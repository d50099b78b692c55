// Registration of model `relu` (cuda/orbitmc/models/relu.hpp) and its teacher data set.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/model_info.hpp"
#include "orbitmc/models/relu.hpp"

namespace orbitmc {

struct ReluParams {
  int units = 3, input_dim = 3, points = 8;
  int batch = 0;  // 0: the fixed data set of `points`; > 0: a fresh minibatch of this many per step
  double width = 0.3, ridge = 0.1;  // noise scale s of the loss; invariant ridge (ρ/2) Σ_b σ_b²
};

template <>
struct ModelInfo<ReluModel> {
  using Params = ReluParams;
  static constexpr const char* kName = "relu";
  static constexpr const char* kHelp =
      "shallow ReLU network f(x) = sum_j a_j relu(w_j . x) with a teacher network, least squares "
      "plus the invariant ridge, on a fixed data set of `points` or (batch > 0) a fresh "
      "minibatch of `batch` points every step";
  static constexpr bool kClosedForm = false;
  static void fields(JsonFields& f, Params& p);
  // relu_3_3; relu_16_3, the paper's network (64 parameters); relu_16_3_batch8, the same with a
  // fresh minibatch of 8 points per step (THEORY §8, experiment 1).
  static Presets<Params> presets() {
    return {{"relu_3_3", {3, 3, 8, 0, 1.5, 1.0}},
            {"relu_16_3", {16, 3, 8, 0, 1.5, 1.0}},
            {"relu_16_3_batch8", {16, 3, 8, 8, 1.5, 1.0}}};
  }
  static ModelScales scales(const Params& p) { return {p.width, p.ridge}; }
  // The units' σ_b, then (fixed data set) the prediction at the first point.
  static int sigma_coordinates(const Params& p) { return p.units; }
  static std::string coordinate_name(const Params& p, int k) {
    if (k < p.units)
      return "σ of unit " + std::to_string(k + 1) + " = |a_" + std::to_string(k + 1) + "|·|w_" +
             std::to_string(k + 1) + "|";
    return "prediction f(x₁) at the first data point";
  }
  // batch: at most 2^16 points per step (a chain's scratch holds the minibatch).
  static void check(const Params& p, const std::string& where);
  // Numbers in the data set, known before it is generated (for the size limit).
  static int64_t data_words(const Params& p) {
    return (p.batch > 0 ? int64_t(p.units) : int64_t(p.points)) * (int64_t(p.input_dim) + 1);
  }
  static RuntimeLayout layout(const Params& p) { return {p.units, 1, p.input_dim, 0}; }
  // Teacher network with unit weights N(0, 1) (a: units, then w: units × input_dim). A fixed
  // data set is inputs N(0, I), targets teacher(x) + 0.1·N(0, 1): x (points × input_dim), then
  // y (points). With minibatches the data set is the teacher's weights (a, then w); the chains
  // draw the points.
  static std::vector<double> data(const Params& p, uint64_t data_seed);
  template <class T, class L>
  static ReluModel<T, L> build(const Params& p, const L& l) {
    return {l, p.points, static_cast<T>(p.width), static_cast<T>(p.ridge), p.batch};
  }
};

}  // namespace orbitmc
