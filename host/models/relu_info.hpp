// Registration of model `relu` (cuda/orbitmc/models/relu.hpp) and its teacher data set.
#pragma once

#include <cstdint>
#include <vector>

#include "models/model_info.hpp"
#include "orbitmc/models/relu.hpp"

namespace orbitmc {

template <>
struct ModelInfo<ReluModel> {
  static constexpr const char* kName = "relu";
  static constexpr const char* kHelp =
      "shallow ReLU network f(x) = sum_j a_j relu(w_j . x) with a teacher network, least squares "
      "plus the invariant ridge, on a fixed data set of `points` or (batch > 0) a fresh "
      "minibatch of `batch` points every step. Keys: units, input_dim, points, batch, width, "
      "ridge, data_seed";
  static constexpr bool kClosedForm = false;
  // batch: at most 2^16 points per step (a chain's scratch holds the minibatch).
  static void check(const ModelSpec& s, const std::string& where);
  // Numbers in the data set, known before it is generated (for the size limit).
  static int64_t data_words(const ModelSpec& s) {
    return (s.batch > 0 ? int64_t(s.units) : int64_t(s.points)) * (int64_t(s.input_dim) + 1);
  }
  static RuntimeLayout layout(const ModelSpec& s) { return {s.units, 1, s.input_dim, 0}; }
  // Teacher network with unit weights N(0, 1) (a: units, then w: units × input_dim). A fixed
  // data set is inputs N(0, I), targets teacher(x) + 0.1·N(0, 1): x (points × input_dim), then
  // y (points). With minibatches the data set is the teacher's weights (a, then w); the chains
  // draw the points.
  static std::vector<double> data(const ModelSpec& s);
  template <class T, class L>
  static ReluModel<T, L> build(const ModelSpec& s, const L& l) {
    return {l, s.points, static_cast<T>(s.width), static_cast<T>(s.ridge), s.batch};
  }
};

}  // namespace orbitmc
