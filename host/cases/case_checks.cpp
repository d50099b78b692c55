// Up-front checks that a parsed case can be analysed (see case_checks.hpp). Each check mirrors
// one thing a later step needs: the chain arithmetic in the case's precision (a step forms
// σ² = |u|²|v|², (σ − σ0)²/width², κ·F·θ and β·ΔV), the reference quadrature of theory cases
// (validate_case.cpp run_case), the histogram bins (BinSpec in the chains' precision), the
// per-chain Welford moments (also in that precision) and the stiffness study
// (validate_studies.cpp), which re-runs the matching ambient sampler at every κ of its list.
#include "cases/case_checks.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <exception>
#include <sstream>
#include <string>

#include "analysis/factor_density.hpp"
#include "input_error.hpp"
#include "models/model_registry.hpp"
#include "theory/theory_density.hpp"

namespace orbitmc {

PrecisionLimits precision_limits(bool use_double) {
  // float: parameters up to 1e30, the limit `bound` already has (run_spec.cpp). FLT_MAX is
  // 3.4e38, so eight decades remain for the products one step forms (h·κ·F·θ, β·ΔV). Lengths
  // enter squared (σ² = |u|²|v|², (σ − σ0)², width²), so they stop at √1e30 = 1e15, and widths
  // at 1e-15 so that 1/width² stays <= 1e30. 1e-30 is far above FLT_MIN (1.2e-38): a positive
  // parameter and its reciprocal both stay normal numbers instead of flushing to 0 or inf.
  if (!use_double) return {"float", 1e30, 1e-30, 1e15, 1e-15, FLT_EPSILON, FLT_MAX};
  // double: the same reasoning over its range (DBL_MAX 1.8e308, DBL_MIN 2.2e-308).
  return {"double", 1e300, 1e-300, 1e150, 1e-150, DBL_EPSILON, DBL_MAX};
}

namespace {

// The ambient sampler the studies re-run: the first matching one (validate_case.cpp).
const SamplerRole* study_ambient(const CaseSpec& c) {
  for (const auto& r : c.samplers)
    if (r.expect == "match" && !is_constrained(r.spec.sampler)) return &r;
  return nullptr;
}

// The largest σ of a block the case names: where the chains start, the windows of observed σ
// coordinates and, for the closed-form models, the minimum of the loss. On the slice the chains
// concentrate around these, and the parts of a step scale with them.
double sigma_scale(const RunSpec& s) {
  const ModelSpec& m = s.model;
  double top = s.init_sigma_hi;
  for (const auto& o : s.observe)
    if (o.coord < model_sigma_coordinates(m))
      top = std::max({top, std::fabs(o.lo), std::fabs(o.hi)});
  if (model_has_closed_form(m.name)) top = std::max(top, std::fabs(model_closed_form(m).centre));
  return top;
}

std::string precision_note(const PrecisionLimits& lim) {
  return std::string(" for \"precision\": \"") + lim.name + "\"";
}

void check_length(const std::string& field, double v, const PrecisionLimits& lim,
                  const std::string& what) {
  if (!(std::fabs(v) <= lim.max_length))
    bad_input(field, v,
              what + " enters squared in the chains' arithmetic: need |value| <= " +
                  num(lim.max_length) + precision_note(lim));
}

// Magnitudes of the fields every sampler shares: representable, with their squares and
// reciprocals, in the chains' precision.
void check_shared_fields(const RunSpec& s, const std::string& w, const PrecisionLimits& lim) {
  const ModelSpec& m = s.model;
  const ModelScales scales = model_scales(m);
  if (!(s.beta >= lim.min_value && s.beta <= lim.max_value))
    bad_input(w + "beta", s.beta,
              "must be in [" + num(lim.min_value) + ", " + num(lim.max_value) + "]" +
                  precision_note(lim) + ": the chains form β·ΔV and sqrt(2h/β)");
  if (!(scales.width >= lim.min_length && scales.width <= lim.max_length))
    bad_input(w + "model.width", scales.width,
              "must be in [" + num(lim.min_length) + ", " + num(lim.max_length) + "]" +
                  precision_note(lim) +
                  ": the loss divides by width², which must neither underflow nor overflow");
  if (model_has_closed_form(m.name)) {
    const ClosedFormLaw law = model_closed_form(m);
    check_length(w + "model." + law.centre_key, law.centre, lim, law.centre_what);
  }
  if (!(scales.ridge <= lim.max_value))
    bad_input(w + "model.ridge", scales.ridge,
              "must be <= " + num(lim.max_value) + precision_note(lim));
  // A data set read from a file (npy_file.cpp refuses non-finite numbers) enters the loss
  // through (prediction − target)², so its numbers are lengths here: a float64 1e300 becomes
  // inf in a float run, and 1e20 squares past FLT_MAX; either way every chain diverges.
  if (m.data)
    for (size_t k = 0; k < m.data->size(); ++k)
      if (!(std::fabs((*m.data)[k]) <= lim.max_length))
        bad_input(w + "model.data_file", m.data_file,
                  "element " + std::to_string(k) + " (in C order) is " + num((*m.data)[k]) +
                      ": the data enter the loss squared, need |value| <= " + num(lim.max_length) +
                      precision_note(lim));
  if (!(s.init_sigma_hi <= lim.max_length))
    bad_input(w + "init.sigma_hi", s.init_sigma_hi,
              "σ enters squared (σ² = |u|²|v|²): need sigma_hi <= " + num(lim.max_length) +
                  precision_note(lim));
  if (!(s.init_sigma_lo >= lim.min_length))
    bad_input(w + "init.sigma_lo", s.init_sigma_lo,
              "σ² (= |u|²|v|²) must not underflow: need sigma_lo >= " + num(lim.min_length) +
                  precision_note(lim));
  for (size_t k = 0; k < s.observe.size(); ++k) {
    const HistogramSpec& o = s.observe[k];
    const std::string f = w + "observe[" + std::to_string(k) + "]";
    const std::string range = "[" + num(o.lo) + ", " + num(o.hi) + "]";
    const double edge = std::max(std::fabs(o.lo), std::fabs(o.hi));
    if (!(edge <= lim.max_length))
      bad_input(f + ".range", range,
                "the chains bin and square the coordinate (moments): need |lo|, |hi| <= " +
                    num(lim.max_length) + precision_note(lim));
    // A bin must be wide enough for the chains' coordinate to tell its edges apart: at least 8
    // representable steps at the window's largest edge (an edge then moves by at most 1/8 of a
    // bin through rounding), and no narrower than the smallest width (σ² of a narrower window
    // underflows). The bins of [lo, hi] are (hi − lo)/bins wide.
    const double floor = std::max(lim.min_length, 8 * lim.epsilon * edge);
    const double bin = (o.hi - o.lo) / o.bins;
    if (!(o.hi - o.lo >= floor))
      bad_input(f + ".range", range,
                "the window is narrower than the " + std::string(lim.name) +
                    " coordinate can resolve: need hi − lo >= " + num(floor));
    if (!(bin >= floor))
      bad_input(f + ".bins", o.bins,
                "bins of width " + num(bin) + " are narrower than the " + lim.name +
                    " coordinate can resolve on " + range +
                    ": need (hi − lo)/bins >= " + num(floor));
  }
}

// Scales of the closed-form losses ℓ = (σ − σ0)²/(2 width²) (scalar: w and target) over the
// σ the case names: the energy β·ℓ (MALA and the Metropolis sampler form β·ΔV; the reference
// density is exp(−β·ℓ)) and the force |∇L| ≈ |σ − σ0|/width²·√σ must be representable.
void check_loss_scale(const RunSpec& s, const std::string& w, const PrecisionLimits& lim) {
  const ModelSpec& m = s.model;
  if (!model_has_closed_form(m.name)) return;  // data-driven losses: no closed form
  const ClosedFormLaw law = model_closed_form(m);
  const double width = model_scales(m).width;
  const double sigma = sigma_scale(s);
  const double d = sigma + std::fabs(law.centre);  // bounds |σ − σ0| over the case's σ
  const double energy = d * d / (2 * width * width);
  const double force = d / (width * width) * std::sqrt(sigma);
  const std::string span =
      "for σ up to " + num(sigma) + " (init, observed windows, " + law.centre_key + ")";
  if (!(energy <= lim.max_value) || !(force <= lim.max_value))
    bad_input(w + "model.width", width,
              "the loss (x − centre)²/(2 width²) reaches " + num(energy) + " and its gradient " +
                  num(force) + " " + span + ", beyond " + num(lim.max_value) + precision_note(lim) +
                  ": widen model.width or narrow the windows");
  if (!(s.beta * energy <= lim.max_value))
    bad_input(w + "beta", s.beta,
              "beta times the loss reaches " + num(s.beta * energy) + " " + span + ", beyond " +
                  num(lim.max_value) + precision_note(lim) +
                  ": the reference density exp(−beta·ℓ) and the acceptance ratios cannot be "
                  "formed; lower beta");
}

// A sampler's own fields, and the bound that keeps its moments finite.
// `study_samples`: samples per chain of the studies that re-run this sampler (the balance runs
// record every step), 0 for none.
void check_sampler(const SamplerRole& r, const std::string& w, const PrecisionLimits& lim,
                   uint64_t study_samples) {
  const RunSpec& s = r.spec;
  const std::string ws = w + "samplers." + r.role + ".";
  if (!(s.h >= lim.min_value && s.h <= lim.max_value))
    bad_input(ws + "h", s.h,
              "must be in [" + num(lim.min_value) + ", " + num(lim.max_value) + "]" +
                  precision_note(lim));
  if (!(s.kappa <= lim.max_value))
    bad_input(ws + "kappa", s.kappa, "must be <= " + num(lim.max_value) + precision_note(lim));
  if (!(std::fabs(s.correction_scale) <= lim.max_value))
    bad_input(ws + "c", s.correction_scale,
              "must be in [-" + num(lim.max_value) + ", " + num(lim.max_value) + "]" +
                  precision_note(lim));
  if (!is_constrained(s.sampler)) {
    // The penalty (κ/2)F² with F = (|u|² − |v|²)/2 = O(σ) away from the slice.
    const double sigma = sigma_scale(s);
    if (!(s.kappa * sigma * sigma <= lim.max_value))
      bad_input(ws + "kappa", s.kappa,
                "the penalty κ·σ² reaches " + num(s.kappa * sigma * sigma) + " for σ up to " +
                    num(sigma) + ", beyond " + num(lim.max_value) + precision_note(lim));
  }
  // Each chain accumulates Welford moments of its observed coordinates in the chains' precision;
  // a chain may wander up to |θ_k| = bound before it counts as diverged, where a coordinate (a
  // product of two state vectors, σ ≤ √(n·m)·bound²; predictions carry the data too) reaches at
  // most 4·D·bound², and a half's sum of squared deviations at most samples·(2·that)². A
  // non-finite moment of a chain not marked diverged stops the analysis, so the bound must keep
  // it finite.
  const double samples =
      static_cast<double>(std::max<uint64_t>({1, s.schedule.samples(), study_samples}));
  const double dim = static_cast<double>(model_dimension(s.model));
  const double coord = 4 * dim * s.bound * s.bound;
  if (!(samples * 4 * coord * coord <= lim.largest)) {
    const double allowed = std::pow(lim.largest / (samples * 64 * dim * dim), 0.25);
    bad_input(ws + "bound", s.bound,
              "the observed coordinates of chains within the bound (up to " + num(coord) +
                  ") would overflow their " + lim.name + " moments over " + num(samples) +
                  " samples: need bound <= " + num(allowed));
  }
}

// Theory cases: the reference bin probabilities of coordinate 0 at c = 1, exactly as run_case
// computes them after sampling, must exist (finite, positive total). The quadrature is cheap, so
// it runs here; its failure is turned into bad input naming the field at fault.
void check_reference_density(const CaseSpec& c, const RunSpec& s, const std::string& w) {
  if (c.kind != "theory" || s.observe.empty()) return;
  const ModelSpec& m = s.model;
  const HistogramSpec& h = s.observe[0];
  const std::string f = w + "observe[0]";
  const std::string range = "[" + num(h.lo) + ", " + num(h.hi) + "]";
  if (h.lo < 0)
    bad_input(f + ".range", range,
              "theory cases compare σ (scalar: w) with the THEORY §4 density on σ >= 0: need "
              "lo >= 0");
  const ClosedFormLaw law = model_closed_form(m);
  const double a = analysis::factor_sigma_exponent(law.factors, 1.0);
  if (a <= -1 && h.lo == 0)
    bad_input(f + ".range", range,
              "the reference density ∝ σ^" + num(a) +
                  " near 0 is not integrable there (THEORY §4): compare on a window with lo > 0");
  const auto logd = theory_log_density(s);
  std::string why;
  try {
    const auto p = law_bin_probabilities(logd, h);
    double total = 0;
    bool finite = true;
    for (double q : p) {
      finite = finite && std::isfinite(q) && q >= 0;
      total += q;
    }
    if (finite && total > 0) return;
    why = "the bin probabilities are not finite";
  } catch (const std::exception& e) {
    why = e.what();
  }
  // Which field to name: a peak outside the window by its centre (first: a far window would
  // also make any peak look narrow against its bins); a peak narrower than a bin by beta (or
  // by the width when beta <= 1); anything else by the window.
  const std::string centre_field = "model." + law.centre_key;
  const double centre = law.centre;
  const double width = model_scales(m).width;
  const std::string params = "beta = " + num(s.beta) + ", model.width = " + num(width) + ", " +
                             centre_field + " = " + num(centre);
  const double peak = width / std::sqrt(s.beta);  // standard deviation of exp(−β·ℓ) in σ
  const double bin = (h.hi - h.lo) / h.bins;
  const std::string fails = "cannot be integrated over the bins of observe[0] (" + why + ")";
  if (centre < h.lo || centre > h.hi)
    bad_input(w + centre_field, centre,
              "the reference density (" + params + ") peaks outside the window " + range +
                  " of observe[0], falls too steeply across it and " + fails + ": move " +
                  centre_field + " into the window or the window towards it");
  if (peak < bin) {
    const std::string text = "the reference density exp(−beta·ℓ) (" + params +
                             ") is a peak of width model.width/√beta = " + num(peak) +
                             ", narrower than a bin (" + num(bin) + "), and " + fails +
                             ": lower beta or widen model.width";
    if (s.beta > 1) bad_input(w + "beta", s.beta, text);
    bad_input(w + "model.width", width, text);
  }
  bad_input(f + ".range", range + " in " + std::to_string(h.bins) + " bins",
            "the reference density (" + params + ") " + fails +
                ": choose a window where it is finite with positive mass");
}

void check_stiffness_study(const CaseSpec& c, const std::string& w, const PrecisionLimits& lim) {
  const SamplerRole* amb = study_ambient(c);
  if (!amb) return;  // no matching ambient sampler: the study does not run
  const double allowed = max_study_kappa(amb->spec);
  for (size_t i = 0; i < c.stiffness.kappa.size(); ++i) {
    const double k = c.stiffness.kappa[i];
    const std::string f = w + "stiffness.kappa[" + std::to_string(i) + "]";
    // The extrapolation fits in 1/κ with weights from 1/κ²: both must be finite.
    if (!(k >= lim.min_length && k <= lim.max_value))
      bad_input(f, k,
                "must be in [" + num(lim.min_length) + ", " + num(lim.max_value) + "]" +
                    precision_note(lim));
    if (!(k <= allowed)) {
      const double sigma = sigma_scale(amb->spec);
      bad_input(f, k,
                "the study re-runs samplers." + amb->role + " (h = " + num(amb->spec.h) +
                    ") at each κ, and its penalty's normal mode is unstable for h·κ·σ > 1 "
                    "(THEORY §3: h·κ·λ_max(G_F) < 2 with G_F = 2σ) at σ = " +
                    num(sigma) +
                    ", where its chains start, settle or are observed: need κ <= 1/(h·σ) = " +
                    num(1.0 / (amb->spec.h * sigma)) + ", or up to the sampler's own κ = " +
                    num(amb->spec.kappa) + "; or a smaller h");
    }
  }
}

}  // namespace

double max_study_kappa(const RunSpec& ambient) {
  // Along the normal of the slice the penalty (κ/2)F² has curvature κ·|∇F|² = κ·G_F = 2κσ for
  // a block (THEORY §3-4), so an Euler-type step (EM, LM, MALA's proposal) multiplies the
  // distance from the slice by 1 − 2hκσ: it grows for hκσ > 1, and every chain that reaches
  // such a σ diverges. σ is taken at the largest value the case names (sigma_scale). κ up to
  // the sampler's own is always allowed: the case runs that κ anyway, and its divergence is
  // judged by the divergence budget (tests/divergence_test.cpp runs such a sampler on purpose).
  return std::max(ambient.kappa, 1.0 / (ambient.h * sigma_scale(ambient)));
}

void check_case_analysable(const CaseSpec& c) {
  if (c.samplers.empty()) return;  // parse_case_text refuses such a case
  const std::string w = c.file + ".";
  // The model, β, precision, init and observations are the same for every role (case_file.cpp
  // copies them from one base); h, κ, c, bound and the schedule are the role's own.
  const RunSpec& base = c.samplers.front().spec;
  const PrecisionLimits lim = precision_limits(base.use_double);
  check_shared_fields(base, w, lim);
  check_loss_scale(base, w, lim);
  const SamplerRole* amb = study_ambient(c);
  for (const auto& r : c.samplers)
    check_sampler(r, w, lim, &r == amb && c.balance.enabled ? c.balance.steps : 0);
  check_reference_density(c, base, w);
  if (!c.stiffness.kappa.empty()) check_stiffness_study(c, w, lim);
}

}  // namespace orbitmc
