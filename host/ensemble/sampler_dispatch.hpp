// Turns a RunSpec into a concrete sampler object (model × layout × sampler × precision) and its
// data set, and hands both to a visitor: visit(sampler, data). The register path (a size of
// ORBITMC_FOR_EACH_FIXED_MODEL) is chosen when the run's sizes match one and spec.path allows
// it; every other size runs on the general path (RuntimeLayout). Both backends use this, so a
// spec selects the same instantiation on the CPU and the GPU. The sampler's model points at
// `data` (host memory, valid during the visit); the CUDA backend re-points it at its upload.
#pragma once

#include <vector>

#include "ensemble/run_spec.hpp"
#include "input_error.hpp"
#include "models/model_registry.hpp"

namespace orbitmc {

template <class S>
S make_sampler(const RunSpec& spec, const decltype(S::model)& model) {
  using T = typename S::T;
  S s{};
  s.model = model;
  s.p.beta = static_cast<T>(spec.beta);
  s.p.h = static_cast<T>(spec.h);
  s.p.kappa = static_cast<T>(spec.kappa);
  s.p.correction_scale = static_cast<T>(spec.correction_scale);
  s.p.bound = static_cast<T>(spec.bound);
  return s;
}

template <class Model, class Visitor>
void visit_sampler(const RunSpec& spec, const Model& model,
                   const std::vector<typename Model::Scalar>& data, Visitor&& visit) {
  Model m = model;
  m.data = data.empty() ? nullptr : data.data();
#define ORBITMC_TRY_SAMPLER(...) \
  if (spec.sampler == __VA_ARGS__::kKind) return visit(make_sampler<__VA_ARGS__>(spec, m), data);
  ORBITMC_FOR_EACH_SAMPLER(ORBITMC_TRY_SAMPLER, Model)
#undef ORBITMC_TRY_SAMPLER
  bad_input("sampler", static_cast<int>(spec.sampler), "unknown sampler kind");
}

// True when the compiled-in model type Model has the spec's model name and sizes.
template <class Model>
bool fixed_size_matches(const ModelSpec& s) {
  using Info = typename info_of<Model>::type;
  using L = typename Model::Layout;
  if (s.name != Info::kName) return false;
  const RuntimeLayout l = Info::layout(params_as<typename Info::Params>(s));
  return l.factors() == 2 && l.blocks() == L::blocks() && l.n() == L::n() && l.m() == L::m() &&
         l.free_dim() == L::free_dim();
}

template <class T, class Visitor>
void visit_typed(const RunSpec& spec, Visitor&& visit) {
  const std::vector<double> words = model_data(spec.model);
  const std::vector<T> data(words.begin(), words.end());
  bool found = false;
  if (spec.path != ExecutionPath::kGeneral) {
#define ORBITMC_TRY_FIXED(...)                                                               \
  if (!found && fixed_size_matches<__VA_ARGS__>(spec.model)) {                               \
    using Info = typename info_of<__VA_ARGS__>::type;                                        \
    const auto model = Info::template build<T>(params_as<typename Info::Params>(spec.model), \
                                               typename __VA_ARGS__::Layout{});              \
    /* Run-time scratch (e.g. a minibatch) that the registers cannot hold: general path */   \
    if (model.scratch_words() <= __VA_ARGS__::kScratch) {                                    \
      found = true;                                                                          \
      visit_sampler(spec, model, data, visit);                                               \
    }                                                                                        \
  }
    ORBITMC_FOR_EACH_FIXED_MODEL(ORBITMC_TRY_FIXED, T)
#undef ORBITMC_TRY_FIXED
  }
  if (found) return;
  if (spec.path == ExecutionPath::kRegister)
    bad_input("path", "register",
              "no compiled-in size matches model " + spec.model.name + " " +
                  describe_layout(model_layout(spec.model)) + " (use auto or general)");
  const bool known = with_model_template(spec.model.name, [&](auto tag) {
    using M = typename decltype(tag)::template type<T, RuntimeLayout>;
    using Info = typename info_of<M>::type;
    const auto params = params_as<typename Info::Params>(spec.model);
    visit_sampler(spec, Info::template build<T>(params, Info::layout(params)), data, visit);
  });
  if (!known) bad_input("model.name", spec.model.name, "allowed: " + model_names());
}

// Calls visit(sampler, data) with the sampler the spec selects.
template <class Visitor>
void dispatch(const RunSpec& spec, Visitor&& visit) {
  if (spec.use_double)
    visit_typed<double>(spec, visit);
  else
    visit_typed<float>(spec, visit);
}

}  // namespace orbitmc
