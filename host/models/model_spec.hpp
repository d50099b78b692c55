// A model as a case file, a preset or the CLI names it: the registered model's name, its own
// parameters (the ModelInfo<M>::Params of that model, held by value), and the data set's seed or
// file. Only the model's own registration (host/models/<model>_info.*) reads its parameters.
#pragma once

#include <any>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace orbitmc {

struct ModelSpec {
  std::string name = "block";  // a registered model (host/models/model_registry.hpp)
  // The model's parameters; empty: the model's defaults.
  std::any params;
  uint64_t data_seed = 1;
  // The data set read from a .npy file (case-file key data_file, resolved next to the case file)
  // instead of generated from data_seed; empty: generated.
  std::string data_file;
  std::shared_ptr<const std::vector<double>> data;

  // The parameters as P, the named model's Params (std::bad_any_cast for another model's),
  // made at their defaults first when none are set: for code that edits a preset.
  template <class P>
  P& edit() {
    if (!params.has_value()) params = P{};
    return std::any_cast<P&>(params);
  }
};

// The parameters of `s` as P (the defaults when none are set); std::bad_any_cast when they are
// another model's.
template <class P>
P params_as(const ModelSpec& s) {
  return s.params.has_value() ? std::any_cast<const P&>(s.params) : P{};
}

}  // namespace orbitmc
