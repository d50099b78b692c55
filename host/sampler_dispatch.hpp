// Turns a RunSpec into a concrete sampler object (model type × sampler type × precision) and
// hands it to a visitor: visitor(sampler). Both backends use this, so a spec selects the same
// instantiation on the CPU and the GPU.
#pragma once

#include "input_error.hpp"
#include "model_factory.hpp"

namespace orbitmc {

template <class S>
S make_sampler(const typename S::T* /*tag*/, const RunSpec& spec, const decltype(S::model)& model) {
  using T = typename S::T;
  S s{};
  s.model = model;
  s.p.beta = static_cast<T>(spec.beta);
  s.p.h = static_cast<T>(spec.h);
  s.p.kappa = static_cast<T>(spec.kappa);
  s.p.c = static_cast<T>(spec.c);
  s.p.bound = static_cast<T>(spec.bound);
  return s;
}

template <class Model, class Visitor>
void visit_sampler(const RunSpec& spec, const Model& model, Visitor&& visit) {
  using T = typename Model::Scalar;
  const T* tag = nullptr;
  switch (spec.sampler) {
    case SamplerKind::kAmbientEM:
      return visit(make_sampler<AmbientEM<Model>>(tag, spec, model));
    case SamplerKind::kAmbientLM:
      return visit(make_sampler<AmbientLM<Model>>(tag, spec, model));
    case SamplerKind::kAmbientMALA:
      return visit(make_sampler<AmbientMALA<Model>>(tag, spec, model));
    case SamplerKind::kConstrainedProjection:
      return visit(make_sampler<ConstrainedProjection<Model>>(tag, spec, model));
    case SamplerKind::kConstrainedMetropolis:
      return visit(make_sampler<ConstrainedMetropolis<Model>>(tag, spec, model));
    case SamplerKind::kNoiseCeiling:
      return visit(make_sampler<NoiseCeiling<Model>>(tag, spec, model));
  }
  bad_input("sampler", static_cast<int>(spec.sampler), "unknown sampler kind");
}

template <class T, class Visitor>
void visit_typed(const RunSpec& spec, Visitor&& visit) {
  bool found = false;
#define ORBITMC_TRY_MODEL(...)                                                \
  if (!found && ModelFactory<__VA_ARGS__>::matches(spec.model)) {             \
    found = true;                                                             \
    visit_sampler(spec, ModelFactory<__VA_ARGS__>::build(spec.model), visit); \
  }
  ORBITMC_FOR_EACH_MODEL(ORBITMC_TRY_MODEL, T)
#undef ORBITMC_TRY_MODEL
  if (!found)
    bad_input("model", spec.model.name,
              "no compiled-in instantiation matches (see `orbitmc models` for the sizes)");
}

// Calls visit(sampler) with the sampler the spec selects.
template <class Visitor>
void dispatch(const RunSpec& spec, Visitor&& visit) {
  if (spec.use_double)
    visit_typed<double>(spec, visit);
  else
    visit_typed<float>(spec, visit);
}

}  // namespace orbitmc
