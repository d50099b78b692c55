// Names, sizes and the field-by-field checks of a RunSpec.
#include "ensemble/run_spec.hpp"

#include <cmath>

#include "ensemble/sampler_dispatch.hpp"
#include "input_error.hpp"

namespace orbitmc {

namespace {
// Calls f(traits of sampler type S) for every registered sampler; the traits do not depend on
// the model, so any model type serves.
template <class F>
void for_each_sampler(F&& f) {
  using AnyModel = BlockSigmaModel<double, FixedLayout<1, 1, 1>>;
#define ORBITMC_VISIT_SAMPLER(...) f(__VA_ARGS__{});
  ORBITMC_FOR_EACH_SAMPLER(ORBITMC_VISIT_SAMPLER, AnyModel)
#undef ORBITMC_VISIT_SAMPLER
}
}  // namespace

const char* sampler_name(SamplerKind k) {
  const char* name = "unknown";
  for_each_sampler([&](auto s) {
    if (decltype(s)::kKind == k) name = decltype(s)::kName;
  });
  return name;
}

bool is_constrained(SamplerKind k) {
  bool c = false;
  for_each_sampler(
      [&](auto s) { c = c || (decltype(s)::kKind == k && decltype(s)::kConstrained); });
  return c;
}

bool is_exact(SamplerKind k) {
  bool e = false;
  for_each_sampler([&](auto s) { e = e || (decltype(s)::kKind == k && decltype(s)::kExact); });
  return e;
}

std::vector<SamplerKind> sampler_kinds() {
  std::vector<SamplerKind> out;
  for_each_sampler([&](auto s) { out.push_back(decltype(s)::kKind); });
  return out;
}

bool samples_a_law(SamplerKind k) {
  bool law = false;
  for_each_sampler(
      [&](auto s) { law = law || (decltype(s)::kKind == k && decltype(s)::kSamplesALaw); });
  return law;
}

std::vector<SamplerKind> law_sampler_kinds() {
  std::vector<SamplerKind> out;
  for (SamplerKind k : sampler_kinds())
    if (samples_a_law(k)) out.push_back(k);
  return out;
}

std::string sampler_names() {
  std::string out;
  for_each_sampler(
      [&](auto s) { out += (out.empty() ? "" : ", ") + std::string(decltype(s)::kName); });
  return out;
}

std::string sampler_catalogue() {
  std::string out;
  for_each_sampler([&](auto s) {
    out += std::string("  ") + decltype(s)::kName + ": " + decltype(s)::kHelp + "\n";
  });
  return out;
}

SamplerKind parse_sampler(const std::string& name, const std::string& field) {
  bool found = false;
  SamplerKind k{};
  for_each_sampler([&](auto s) {
    if (!found && name == decltype(s)::kName) {
      found = true;
      k = decltype(s)::kKind;
    }
  });
  if (!found) bad_input(field, name, "allowed: " + sampler_names());
  return k;
}

const char* path_name(ExecutionPath p) {
  return p == ExecutionPath::kRegister  ? "register"
         : p == ExecutionPath::kGeneral ? "general"
                                        : "auto";
}

int model_dimension(const ModelSpec& model) { return model_layout(model).dim(); }

namespace {
// Sizes every model must respect, whatever its shape: the state, the data set and a chain's
// scratch are indexed with int, and the memory check multiplies them by the chain count.
constexpr int64_t kMaxDimension = 1 << 20;
constexpr int64_t kMaxDataWords = 1 << 24;

}  // namespace

void check_run_spec_model(const ModelSpec& m, const std::string& w) {
  // The model's own checks first: they bound the products of sizes that its layout forms.
  check_model_params(m, w + "model.");
  const int64_t data = model_data_words(m);
  const RuntimeLayout l = model_layout(m);
  const int64_t dim =
      static_cast<int64_t>(l.blocks()) * (static_cast<int64_t>(l.n()) + l.m()) + l.free_dim();
  if (dim > kMaxDimension)
    bad_input(w + "model", describe_layout(l),
              "has " + std::to_string(dim) + " parameters per chain; at most " +
                  std::to_string(kMaxDimension));
  if (data > kMaxDataWords)
    bad_input(w + "model", m.name,
              "its data set would hold " + std::to_string(data) + " numbers; at most " +
                  std::to_string(kMaxDataWords));
}

void check_run_spec(const RunSpec& s, const std::string& where, const std::string& sampler_where) {
  const std::string w = where.empty() ? "" : where + ".";
  const std::string ws = sampler_where.empty() ? "" : sampler_where + ".";
  int ncoord = 0;
  try {
    check_run_spec_model(s.model, "");
    ncoord = model_coordinate_count(s.model);
  } catch (const InputError& e) {
    throw InputError(w + e.what());  // name the file the model came from
  }
  if (!(s.beta > 0) || !std::isfinite(s.beta))
    bad_input(w + "beta", s.beta, "must be finite and > 0");
  if (!(s.h > 0) || !std::isfinite(s.h)) bad_input(ws + "h", s.h, "step must be finite and > 0");
  if (!(s.kappa >= 0) || !std::isfinite(s.kappa))
    bad_input(ws + "kappa", s.kappa, "must be finite and >= 0");
  if (!std::isfinite(s.correction_scale))
    bad_input(ws + "c", s.correction_scale, "correction scale must be finite");
  const double max_bound = s.use_double ? 1e300 : 1e30;  // finite in the chains' precision
  if (!(s.bound > 0) || !(s.bound <= max_bound))
    bad_input(ws + "bound", s.bound, "must be in (0, " + num(max_bound) + "]");
  if (s.chains == 0) bad_input(w + "chains", s.chains, "must be >= 1");
  if (s.chains > 0xffffffffull) bad_input(w + "chains", s.chains, "must be < 2^32");
  if (s.schedule.thin == 0) bad_input(ws + "thin", s.schedule.thin, "must be >= 1");
  if (s.schedule.steps == 0) bad_input(ws + "steps", s.schedule.steps, "must be >= 1");
  if (s.schedule.burn_in >= s.schedule.steps)
    bad_input(ws + "burn_in", s.schedule.burn_in,
              "must be < steps (" + std::to_string(s.schedule.steps) + ")");
  const double width = model_scales(s.model).width;
  if (!(width > 0)) bad_input(w + "model.width", width, "must be > 0");
  if (!(s.init_sigma_lo > 0) || !(s.init_sigma_hi >= s.init_sigma_lo))
    bad_input(w + "init.sigma", num(s.init_sigma_lo) + ".." + num(s.init_sigma_hi),
              "need 0 < sigma_lo <= sigma_hi");
  if (s.observe.size() > static_cast<size_t>(kMaxObserved))
    bad_input(w + "observe", s.observe.size(), "at most 4 coordinates");
  for (size_t k = 0; k < s.observe.size(); ++k) {
    const auto& o = s.observe[k];
    const std::string f = w + "observe[" + std::to_string(k) + "]";
    if (o.coord < 0 || o.coord >= ncoord)
      bad_input(f + ".coord", o.coord,
                "model " + s.model.name + " has coordinates 0.." + std::to_string(ncoord - 1));
    if (o.bins < 1 || o.bins > 4096) bad_input(f + ".bins", o.bins, "must be in 1..4096");
    if (!(o.lo < o.hi) || !std::isfinite(o.lo) || !std::isfinite(o.hi))
      bad_input(f + ".range", "[" + num(o.lo) + ", " + num(o.hi) + "]",
                "need finite lo < hi (an empty bin range is not allowed)");
  }
}

}  // namespace orbitmc
