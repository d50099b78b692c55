// Plain description of one sampler run: the model and its parameters, the sampler, the chains,
// the schedule and what to observe. Built from a case file or from CLI flags; consumed by the
// backends through the dispatch in sampler_dispatch.hpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/model_spec.hpp"
#include "orbitmc/core/observation.hpp"
#include "orbitmc/samplers/sampler_params.hpp"

namespace orbitmc {

// Which compiled code runs a spec: auto picks the register path when the sizes are compiled in
// (orbitmc/catalog.hpp), else the general path; the other two force one (tests, benchmarks).
enum class ExecutionPath : int { kAuto = 0, kRegister = 1, kGeneral = 2 };

struct HistogramSpec {
  int coord = 0;
  double lo = 0.0, hi = 1.0;
  int bins = 50;
};

struct RunSpec {
  ModelSpec model;
  SamplerKind sampler = SamplerKind::kAmbientEM;
  double beta = 1.0, h = 1e-3, kappa = 0.0, bound = 1e6;
  double correction_scale = 1.0;  // c: the constrained samplers' V = L + c/(2β) log det G
  bool use_double = false;
  uint64_t chains = 1000;
  uint64_t seed = 1;
  Schedule schedule;
  double init_sigma_lo = 0.5, init_sigma_hi = 1.5;
  std::vector<HistogramSpec> observe;
  int threads = 0;  // CPU threads; 0: all hardware threads
  ExecutionPath path = ExecutionPath::kAuto;
};

// From the samplers' own registrations (kName, kHelp, kConstrained, kExact in each sampler's
// header, listed by ORBITMC_FOR_EACH_SAMPLER):
const char* sampler_name(SamplerKind k);
// True for the samplers that move on the slice (projection, constrained Metropolis).
bool is_constrained(SamplerKind k);
// True for the samplers that are unbiased for any step (MALA, constrained Metropolis).
bool is_exact(SamplerKind k);
// Every registered sampler, in registration order (ORBITMC_FOR_EACH_SAMPLER).
std::vector<SamplerKind> sampler_kinds();
// False only for the benchmark's noise ceiling.
bool samples_a_law(SamplerKind k);
// The samplers that sample a law (every one but the benchmark's noise ceiling): the lists the
// statistical and determinism suites walk.
std::vector<SamplerKind> law_sampler_kinds();
// Every sampler name, comma-separated; one help line per sampler.
std::string sampler_names();
std::string sampler_catalogue();
// Parses a sampler name; throws InputError naming `field` otherwise.
SamplerKind parse_sampler(const std::string& name, const std::string& field);
// Checks every field of the spec (β > 0, finite h > 0, κ ≥ 0, chains > 0, bins ≥ 1, lo < hi,
// model sizes within limits, …); throws InputError naming the field, prefixed by `where` for the
// model, ensemble and observation fields and by `sampler_where` for the sampler's own fields.
void check_run_spec(const RunSpec& spec, const std::string& where,
                    const std::string& sampler_where);
// Checks a model's name, sizes (parameters per chain, data-set size) and its own fields;
// throws InputError naming the field, prefixed by `where`.
void check_run_spec_model(const ModelSpec& model, const std::string& where);
// Number of parameters of one chain (the model's dimension).
int model_dimension(const ModelSpec& model);
// "auto", "register" or "general" (benchmark output).
const char* path_name(ExecutionPath p);

}  // namespace orbitmc
