// The host side of a model: ModelInfo<M> is specialised once per model template M (in
// host/models/<model>_info.hpp). It owns every fact about the model that is not per-chain math:
//   kName, kHelp, kClosedForm        name, help text, whether its law of σ has a closed form
//   Params                           its parameters, with their defaults
//   fields(JsonFields&, p)           reads p's fields from a case file, each key checked, with
//                                    p's values as the defaults; the same reads list its keys
//                                    and write p to a report
//   presets()                        named sizes for the tests and benchmarks
//   check(p, where)                  range checks beyond parse's (products of sizes)
//   layout(p), scales(p)             its blocks and free parameters; its loss scale and ridge
//   sigma_coordinates(p)             how many of its first orbit coordinates are block scales σ
//   coordinate_name(p, k)            what orbit coordinate k is, for reports and pages
//   data_words(p), data(p, seed)     its data set (generated on the host, in double)
//   build<T>(p, layout)              the per-chain struct
//   closed_form(p)                   (kClosedForm only) the loss as a function of σ
// model_registry.hpp reaches them by name; nothing else switches on a model's name.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "input_error.hpp"
#include "io/json_fields.hpp"
#include "models/model_spec.hpp"
#include "orbitmc/core/block_layout.hpp"

namespace orbitmc {

template <template <class, class> class M>
struct ModelInfo;

// What a closed-form model (kClosedForm) tells the theory (THEORY §4): its loss depends on one
// block with factor sizes `factors` ((n, m) for two) only through the orbit coordinate, loss(σ),
// least at σ = centre; the case checks name the centre's key and say what it is.
struct ClosedFormLaw {
  std::vector<int> factors = {1, 1};
  std::function<double(double)> loss;
  double centre = 0;
  std::string centre_key;   // "sigma0"
  std::string centre_what;  // "σ0 (in (σ − σ0)²)"
};

// The loss scales every model has, for the checks of a run's magnitudes: the width s that
// divides squared residuals, and the invariant ridge ρ (0 for a model without one).
struct ModelScales {
  double width = 1;
  double ridge = 0;
};

// The invariant ridge ρ of a model that has one: a number >= 0.
inline double read_ridge(JsonFields& f, double dflt) {
  const double ridge = f.number("ridge", dflt);
  if (!(ridge >= 0)) bad_input(f.field("ridge"), ridge, "must be >= 0");
  return ridge;
}

// A named size of a model (model_preset in model_registry.hpp).
template <class Params>
using Presets = std::vector<std::pair<std::string, Params>>;

}  // namespace orbitmc
