// Validation of one case: run every sampler, compute its statistics, decide the verdict.
#include "validate/validate_case.hpp"

#include <chrono>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "analysis/convergence.hpp"
#include "analysis/goodness_of_fit.hpp"
#include "analysis/reference_density.hpp"
#include "analysis/test_result.hpp"
#include "input_error.hpp"
#include "models/model_registry.hpp"
#include "parallel/ranks.hpp"
#include "profile_range.hpp"
#include "theory/theory_density.hpp"

namespace orbitmc {

namespace {

bool has_samples(const CoordResult& cr) {
  for (auto n : cr.final_counts)
    if (n) return true;
  return false;
}

// Runs (or finishes) one sampler from `st`, which is empty for a fresh run. Under MPI `st` is
// this rank's range of chains; every number of the result is the whole ensemble's.
SamplerResult run_sampler(const SamplerRole& role, Backend& backend, const RunControl& control,
                          bool keep_finals, EnsembleState& st) {
  SamplerResult r;
  r.role = role;
  const RunSpec& spec = role.spec;
  if (!st.initialised() || st.next_step < spec.schedule.steps)
    run_to_end(backend, spec, st, control, &r.seconds);
  ProfileRange range("reduction");
  const ChainTotals totals = chain_totals(st);
  r.rejected = totals.rejected;
  r.failed = totals.failed;
  r.diverged = totals.diverged;
  r.nonfinite_observations = totals.nonfinite;
  const auto finals = final_histograms(spec, st);
  if (keep_finals) {
    r.final_x = final_coordinate(spec, st, 0);
    r.final_log_det_g = final_log_det_gram(spec, st);
  }
  for (size_t k = 0; k < spec.observe.size(); ++k) {
    CoordResult cr;
    cr.hist = spec.observe[k];
    const int bins = cr.hist.bins;
    cr.final_counts = in_range_bins(finals[k]);
    cr.underflow = finals[k][bins];
    cr.overflow = finals[k][bins + 1];
    cr.pooled_counts = in_range_bins(pooled_histogram(st, static_cast<int>(k)));
    const analysis::HalfSums sums = split_half_sums(st, static_cast<int>(k));
    const analysis::ChainMoments total = sums.pooled();
    cr.mean = total.mean;
    cr.var = total.n > 1 ? total.m2 / (total.n - 1) : 0.0;
    cr.rhat = sums.halves >= 2 ? analysis::split_rhat(sums) : NAN;
    cr.ess = sums.halves >= 2 ? analysis::ess_between_chains(sums) : NAN;
    r.coords.push_back(cr);
  }
  return r;
}

std::string fmt(double v, int digits = 3) { return num(v, digits); }

// The ambient sampler that matches (studies re-run it), and the constrained one that matches.
const SamplerResult* find_matching(const CaseResult& r, bool constrained) {
  for (const auto& s : r.samplers)
    if (s.role.expect == "match" && is_constrained(s.role.spec.sampler) == constrained) return &s;
  return nullptr;
}

void run_studies(const CaseSpec& c, Backend& backend, CaseResult& res) {
  const SamplerResult* amb = find_matching(res, false);
  const SamplerResult* con = find_matching(res, true);
  if (amb && !has_samples(amb->coords[0])) return;  // nothing to compare the studies with
  if (con && !has_samples(con->coords[0])) con = nullptr;
  if (amb && !c.stiffness.kappa.empty()) {
    const bool theory = c.kind == "theory";
    if (theory || con) {
      res.stiffness =
          run_stiffness_study(c, amb->role, res.reference_probs,
                              theory ? std::vector<uint64_t>{} : con->coords[0].final_counts,
                              theory ? "theory" : con->role.role, backend);
      res.has_stiffness = true;
      // A study run over the divergence budget fails the case like a divergent sampler.
      for (auto& why : stiffness_reasons(res.stiffness)) res.reasons.push_back(std::move(why));
    }
  }
  if (amb && c.balance.enabled) {
    res.balance = run_balance_study(c, amb->role, backend);
    res.has_balance = true;
    for (auto& why : balance_reasons(res.balance)) res.reasons.push_back(std::move(why));
  }
  if (amb && c.c_scan.enabled) {
    std::vector<analysis::ScanSource> sources;
    // Each rank holds its chains' final values; the scan reduces over the ranks.
    for (const auto& s : res.samplers)
      if (is_constrained(s.role.spec.sampler) && s.diverged < s.role.spec.chains)
        sources.push_back({s.role.spec.correction_scale, s.final_x, s.final_log_det_g});
    if (!sources.empty()) {
      const auto& h = amb->coords[0].hist;
      const analysis::ScanReduce over_ranks{[](std::vector<double>& v) { parallel::max_all(v); },
                                            [](std::vector<int64_t>& v) { parallel::sum_all(v); }};
      res.scan = analysis::scan_correction(amb->coords[0].final_counts, h.lo, h.hi, sources,
                                           c.c_scan.from, c.c_scan.to, c.c_scan.step, over_ranks);
      res.has_scan = true;
    }
  }
}

}  // namespace

CaseResult run_case(const CaseSpec& c, Backend& backend, const RunControl& control,
                    CaseProgress* progress, const CheckpointFn& checkpoint) {
  const auto t0 = std::chrono::steady_clock::now();
  CaseResult res;
  res.spec = c;
  res.backend = backend.name();
  CaseProgress local;
  CaseProgress& prog = progress ? *progress : local;
  for (size_t i = 0; i < c.samplers.size(); ++i) {
    const SamplerRole& role = c.samplers[i];
    RunControl rc = control;
    rc.label = c.name + "/" + role.role;
    if (checkpoint)
      rc.on_state = [&](const EnsembleState& s) {
        if (&s != &prog.current) prog.current = s;
        checkpoint(prog);
      };
    // A sampler already finished before an interruption is only post-processed.
    EnsembleState& st = i < prog.finished.size() ? prog.finished[i] : prog.current;
    const bool keep = c.c_scan.enabled && is_constrained(role.spec.sampler);
    res.samplers.push_back(run_sampler(role, backend, rc, keep, st));
    if (i >= prog.finished.size()) {
      prog.finished.push_back(std::move(prog.current));
      prog.current = EnsembleState{};
    }
  }

  {  // the tests of the case: host-side reduction of the samples
    ProfileRange range("reduction");
    const SamplerResult* ref = nullptr;
    for (const auto& s : res.samplers)
      if (s.role.role == c.reference) ref = &s;

    if (c.kind == "theory") {
      const RunSpec& spec = c.samplers.front().spec;
      res.reference_probs = law_bin_probabilities(theory_log_density(spec), spec.observe[0]);
    }

    for (auto& s : res.samplers) {
      const bool is_ref = c.kind == "comparison" && &s == ref;
      double min_p = 1.0;
      for (size_t k = 0; k < s.coords.size(); ++k) {
        auto& cr = s.coords[k];
        // Every chain diverged or left the range: nothing to test, and nothing passes.
        if (!has_samples(cr) ||
            (c.kind == "comparison" && !is_ref && !has_samples(ref->coords[k]))) {
          min_p = 0;
          continue;
        }
        if (c.kind == "theory") {
          if (k != 0) continue;
          // An ambient sampler is exact for its own target: its law at its κ, not the κ → ∞
          // one (they differ near σ = 0 by more than a test of 10⁵ chains tolerates).
          if (has_stiff_law(s.role.spec))
            s.own_reference_probs =
                law_bin_probabilities(sampler_log_density(s.role.spec), s.role.spec.observe[0]);
          const std::vector<double>& probs =
              s.own_reference_probs.empty() ? res.reference_probs : s.own_reference_probs;
          cr.chi2 = analysis::chi2_gof(cr.final_counts, probs);
          cr.ks = analysis::ks_binned(cr.final_counts, probs);
          cr.tv = analysis::total_variation(cr.final_counts, probs);
        } else {
          if (is_ref) continue;
          cr.chi2 = analysis::chi2_two_sample(cr.final_counts, ref->coords[k].final_counts);
          cr.ks = analysis::ks_two_sample(cr.final_counts, ref->coords[k].final_counts);
          cr.tv =
              analysis::total_variation_two_sample(cr.final_counts, ref->coords[k].final_counts);
        }
        cr.tested = true;
        min_p = std::min(min_p, analysis::combined_p_value(cr.chi2, cr.ks));
      }
      const double frac = static_cast<double>(s.diverged) / static_cast<double>(s.role.spec.chains);
      if (frac > c.max_diverged_fraction) {
        s.pass = false;
        s.note = "diverged chains " + fmt(100 * frac) + "% > " +
                 fmt(100 * c.max_diverged_fraction) + "%: try a smaller step h";
      } else if (is_ref) {
        s.note = "reference";
      } else if (s.role.expect == "match") {
        s.pass = min_p >= c.alpha;
        s.note = s.pass ? "agrees" : "disagrees (min p " + fmt(min_p) + " < " + fmt(c.alpha) + ")";
      } else {
        s.pass = min_p < c.control_alpha;
        s.note = s.pass ? "rejected, as it must be"
                        : "not rejected (min p " + fmt(min_p) + " >= " + fmt(c.control_alpha) + ")";
      }
      if (!s.pass) res.reasons.push_back(s.role.role + ": " + s.note);
    }

    if (c.kind == "theory" && c.fit_exponent && ref && has_samples(ref->coords[0])) {
      const auto& h = ref->coords[0].hist;
      res.fit =
          // The interval at level 1 − alpha, like every other test of the case (a 95 % interval
          // would fail a correct sampler in one case of twenty); in the family of the law the
          // sampler samples (an ambient one: its law at κ, so that ĉ = 1 at the truth).
          analysis::fit_exponent(ref->coords[0].final_counts, h.lo, h.hi,
                                 sampler_log_density(ref->role.spec), c.c_min, c.c_max,
                                 1.0 - c.alpha);
      res.has_fit = true;
      const bool ok =
          res.fit.converged && res.fit.ci_lo <= 1.0 && 1.0 <= res.fit.ci_hi && res.fit.ci_lo > 0.0;
      if (!ok)
        res.reasons.push_back("exponent fit: c = " + fmt(res.fit.c_hat) + " [" +
                              fmt(res.fit.ci_lo) + ", " + fmt(res.fit.ci_hi) + "] (" +
                              fmt(100 * (1 - c.alpha), 4) +
                              "% interval) must contain 1 and exclude 0");
    }
  }
  run_studies(c, backend, res);
  res.pass = res.reasons.empty();
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

nlohmann::json case_result_json(const CaseResult& r) {
  using nlohmann::json;
  json j;
  j["name"] = r.spec.name;
  j["title"] = r.spec.title;
  if (!r.spec.rhat_note.empty()) j["rhat_note"] = r.spec.rhat_note;
  j["kind"] = r.spec.kind;
  j["file"] = r.spec.file;
  j["backend"] = r.backend;
  j["seed"] = r.spec.seed;
  j["alpha"] = r.spec.alpha;
  j["control_alpha"] = r.spec.control_alpha;
  j["pass"] = r.pass;
  j["reasons"] = r.reasons;
  j["wall_seconds"] = r.seconds;
  const ModelSpec& m = r.spec.samplers.front().spec.model;
  j["model"] = model_json(m);
  j["beta"] = r.spec.samplers.front().spec.beta;
  if (!r.reference_probs.empty()) j["reference_probs"] = r.reference_probs;
  if (r.has_fit)
    j["exponent_fit"] = {{"c_hat", r.fit.c_hat},         {"level", 1.0 - r.spec.alpha},
                         {"std_error", r.fit.std_error}, {"ci_lo", r.fit.ci_lo},
                         {"ci_hi", r.fit.ci_hi},         {"converged", r.fit.converged},
                         {"sampler", r.spec.reference}};
  if (r.has_stiffness) j["stiffness"] = stiffness_json(r.stiffness);
  if (r.has_balance) j["balance"] = balance_json(r.balance);
  if (r.has_scan) j["c_scan"] = scan_json(r.scan);
  if (r.spec.kind == "comparison") j["reference"] = r.spec.reference;
  j["samplers"] = json::array();
  for (const auto& s : r.samplers) {
    const RunSpec& p = s.role.spec;
    json js = {
        {"role", s.role.role},
        {"expect", s.role.expect},
        {"kind", sampler_name(p.sampler)},
        {"precision", p.use_double ? "double" : "float"},
        {"h", p.h},
        {"kappa", p.kappa},
        {"c", p.correction_scale},
        {"beta", p.beta},
        {"seed", p.seed},
        {"chains", p.chains},
        {"steps", p.schedule.steps},
        {"burn_in", p.schedule.burn_in},
        {"thin", p.schedule.thin},
        {"rejected", s.rejected},
        {"failed_projections", s.failed},
        {"diverged", s.diverged},
        {"nonfinite_observations", s.nonfinite_observations},
        {"pass", s.pass},
        {"note", s.note},
        {"seconds", s.seconds},
        {"chain_steps_per_second",
         s.seconds > 0 ? static_cast<double>(p.chains) * p.schedule.steps / s.seconds : 0.0}};
    // An ambient sampler tested against its own law at κ (the page draws and reads it).
    if (!s.own_reference_probs.empty()) js["reference_probs"] = s.own_reference_probs;
    js["coords"] = json::array();
    for (const auto& cr : s.coords) {
      json jc = {{"coord", cr.hist.coord},
                 {"name", model_coordinate_name(p.model, cr.hist.coord)},
                 {"lo", cr.hist.lo},
                 {"hi", cr.hist.hi},
                 {"bins", cr.hist.bins},
                 {"final_counts", cr.final_counts},
                 {"underflow", cr.underflow},
                 {"overflow", cr.overflow},
                 {"pooled_counts", cr.pooled_counts},
                 {"mean", cr.mean},
                 {"var", cr.var},
                 {"rhat", std::isfinite(cr.rhat) ? json(cr.rhat) : json(nullptr)},
                 {"ess", std::isfinite(cr.ess) ? json(cr.ess) : json(nullptr)}};
      if (cr.tested)
        jc["test"] = {{"against", r.spec.kind != "theory"         ? r.spec.reference
                                  : s.own_reference_probs.empty() ? "theory"
                                                                  : "theory at its kappa"},
                      {"chi2", cr.chi2.statistic},
                      {"chi2_dof", cr.chi2.dof},
                      {"p_chi2", cr.chi2.p_value},
                      {"ks", cr.ks.statistic},
                      {"p_ks", cr.ks.p_value},
                      {"tv", cr.tv}};
      js["coords"].push_back(jc);
    }
    j["samplers"].push_back(js);
  }
  return j;
}

}  // namespace orbitmc
