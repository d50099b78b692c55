// Every model's host registration, gathered for the code that lists or builds models (case-file
// checks, `orbitmc models`, the dispatch, the harness). The list itself is
// ORBITMC_FOR_EACH_MODEL_TEMPLATE in cuda/orbitmc/catalog.hpp: one line per model.
#pragma once

#include <string>
#include <vector>

#include "models/attention_info.hpp"
#include "models/block_info.hpp"
#include "models/hadamard_info.hpp"
#include "models/matfac_info.hpp"
#include "models/relu_info.hpp"
#include "models/scalar_info.hpp"
#include "orbitmc/catalog.hpp"

namespace orbitmc {

// ModelInfo of a per-chain model type M<T, L>.
template <class Model>
struct info_of;
template <template <class, class> class M, class T, class L>
struct info_of<M<T, L>> {
  using type = ModelInfo<M>;
};

template <template <class, class> class M>
struct ModelTag {
  template <class T, class L>
  using type = M<T, L>;
};

// Calls f(ModelTag<M>{}) for the model named `name`; false when no model has that name.
template <class F>
bool with_model_template(const std::string& name, F&& f) {
  bool found = false;
#define ORBITMC_TRY_TEMPLATE(...)                        \
  if (!found && name == ModelInfo<__VA_ARGS__>::kName) { \
    found = true;                                        \
    f(ModelTag<__VA_ARGS__>{});                          \
  }
  ORBITMC_FOR_EACH_MODEL_TEMPLATE(ORBITMC_TRY_TEMPLATE)
#undef ORBITMC_TRY_TEMPLATE
  return found;
}

// Every model name, comma-separated (for help and error messages).
std::string model_names();
// One line per model: name and help (`orbitmc models`).
std::string model_catalogue();
// One line per size compiled into the register path (`orbitmc models`).
std::string compiled_sizes();
// True when the named model's orbit-coordinate law has a closed form (theory cases).
bool model_has_closed_form(const std::string& name);
// The closed-form law of a model with kClosedForm (InputError otherwise).
ClosedFormLaw model_closed_form(const ModelSpec& s);
// The run-time layout of a spec's model (InputError naming model.name for an unknown model).
RuntimeLayout model_layout(const ModelSpec& s);
// The model's data set in double (empty for models without one): s.data when it was read from
// a file, else generated from s.data_seed.
std::vector<double> model_data(const ModelSpec& s);
// Numbers in the model's data set (known before it is generated or read).
int64_t model_data_words(const ModelSpec& s);
// Number of orbit coordinates the model exposes.
int model_coordinate_count(const ModelSpec& s);
// "(blocks B of (n, m), E free)" for messages.
std::string describe_layout(const RuntimeLayout& l);

}  // namespace orbitmc
