// Every model's host registration, gathered for the code that lists or builds models (case-file
// checks, `orbitmc models`, the dispatch, the harness). The list itself is
// ORBITMC_FOR_EACH_MODEL_TEMPLATE in cuda/orbitmc/catalog.hpp: one line per model.
#pragma once

#include <nlohmann/json.hpp>
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

// The ModelInfo of tag ModelTag<M>.
template <class Tag>
using info_of_tag = typename info_of<typename Tag::template type<double, RuntimeLayout>>::type;

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
// The names of the models with a closed form, comma-separated.
std::string closed_form_model_names();

// The model object of a case file (at `where`, e.g. "cases/a.json.model"): its name, then its
// own keys as its registration reads them (an unknown key is refused before any value), then
// data_seed and data_file.
ModelSpec parse_model(const nlohmann::json& j, const std::string& where);
// The model's name, its own parameters and its data seed as JSON (for reports).
nlohmann::json model_json(const ModelSpec& s);
// A named size of some model (its registration's presets()); InputError for an unknown name.
ModelSpec model_preset(const std::string& name);
// Every preset's name, model by model in registration order.
std::vector<std::string> model_preset_names();

// Checks of the model's own parameters beyond parsing (products of sizes), naming fields
// `where`KEY; InputError naming `where`name for an unknown model.
void check_model_params(const ModelSpec& s, const std::string& where);
// The closed-form law of a model with kClosedForm (InputError otherwise).
ClosedFormLaw model_closed_form(const ModelSpec& s);
// The run-time layout of a spec's model (InputError naming model.name for an unknown model).
RuntimeLayout model_layout(const ModelSpec& s);
// The width of its loss and its ridge.
ModelScales model_scales(const ModelSpec& s);
// How many of the model's first orbit coordinates are block scales σ (signed for hadamard's
// coefficients and the scalar's w, whose magnitudes are).
int model_sigma_coordinates(const ModelSpec& s);
// What orbit coordinate k of the model is ("σ of unit 2 = |a_2|·|w_2|"), for reports.
std::string model_coordinate_name(const ModelSpec& s, int k);
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
