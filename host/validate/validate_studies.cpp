// Stiffness limit and balance-over-time studies, and the JSON of all three studies.
#include "validate/validate_studies.hpp"

#include <cmath>
#include <sstream>
#include <string>

#include "analysis/exponent_fit.hpp"
#include "analysis/goodness_of_fit.hpp"
#include "input_error.hpp"
#include "models/model_registry.hpp"
#include "run/run_engine.hpp"
#include "theory/theory_density.hpp"

namespace orbitmc {

namespace {

// Weighted least squares y = a + b x; returns a and its standard error.
void fit_intercept(const std::vector<double>& x, const std::vector<double>& y,
                   const std::vector<double>& err, double* a, double* a_err) {
  double s = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double w = 1.0 / (err[i] * err[i]);
    s += w;
    sx += w * x[i];
    sy += w * y[i];
    sxx += w * x[i] * x[i];
    sxy += w * x[i] * y[i];
  }
  const double det = s * sxx - sx * sx;
  *a = (sxx * sy - sx * sxy) / det;
  *a_err = std::sqrt(sxx / det);
}

std::string fmt(double v, int digits = 3) { return num(v, digits); }

// The words run_case uses for a sampler over the divergence budget, with the step it ran at.
std::string divergence_note(double frac, double budget, double h) {
  return "diverged chains " + fmt(100 * frac) + "% > " + fmt(100 * budget) + "% at h = " + fmt(h) +
         ": try a smaller step h or a smaller κ";
}

}  // namespace

StiffnessStudy run_stiffness_study(const CaseSpec& c, const SamplerRole& ambient,
                                   const std::vector<double>& reference_probs,
                                   const std::vector<uint64_t>& reference_counts,
                                   const std::string& against, Backend& backend) {
  StiffnessStudy study;
  study.against = against;
  study.chains = c.stiffness.chains;
  const bool theory = against == "theory";
  std::function<double(double, double)> logd;
  if (theory) logd = theory_log_density(ambient.spec);
  std::vector<double> inv_k, d, e;
  for (double kappa : c.stiffness.kappa) {
    RunSpec spec = ambient.spec;
    spec.kappa = kappa;
    spec.chains = c.stiffness.chains;
    spec.seed = derive_seed(spec.seed, "stiffness/" + std::to_string(kappa));
    EnsembleState st;
    run_to_end(backend, spec, st, RunControl{}, nullptr);
    const auto counts = in_range_bins(final_histograms(spec, st)[0]);
    StiffnessPoint p;
    p.kappa = kappa;
    if (theory && has_stiff_law(spec)) {
      const std::vector<double> at_kappa =
          law_bin_probabilities(sampler_log_density(spec), spec.observe[0]);
      p.reference_tv = 0;
      for (size_t b = 0; b < at_kappa.size(); ++b)
        p.reference_tv += 0.5 * std::fabs(at_kappa[b] - reference_probs[b]);
    }
    p.diverged = chain_totals(st).diverged;
    // Judged like a sampler of the case (validate_case.cpp): over the divergence budget the
    // surviving chains are a selected sample, so the point is reported, not tested.
    const double frac = static_cast<double>(p.diverged) / static_cast<double>(spec.chains);
    if (frac > c.max_diverged_fraction) {
      p.over_budget = true;
      p.tested = false;
      p.note = divergence_note(frac, c.max_diverged_fraction, spec.h);
    }
    double n_in = 0;
    for (auto n : counts) n_in += static_cast<double>(n);
    if (n_in == 0) {  // every chain diverged or ended outside the window: nothing to test
      p.tested = false;
      if (!p.over_budget) p.note = "no final state in the window: not tested";
    }
    if (!p.tested) {
      study.points.push_back(p);
      continue;
    }
    analysis::TestResult t;
    double n_eff = 0;
    if (theory) {
      t = analysis::chi2_gof(counts, reference_probs);
      p.tv = analysis::total_variation(counts, reference_probs);
      n_eff = n_in;
      const auto& h = spec.observe[0];
      const auto fit = analysis::fit_exponent(counts, h.lo, h.hi, logd, c.c_min, c.c_max);
      p.c_hat = fit.c_hat;
      p.c_err = fit.std_error;
    } else {
      t = analysis::chi2_two_sample(counts, reference_counts);
      p.tv = analysis::total_variation_two_sample(counts, reference_counts);
      double nb = 0;
      for (auto n : reference_counts) nb += static_cast<double>(n);
      n_eff = n_in * nb / (n_in + nb);
    }
    p.distance = (t.statistic - t.dof) / n_eff;
    p.distance_err = std::sqrt(2 * std::max(1.0, t.dof)) / n_eff;
    study.points.push_back(p);
    inv_k.push_back(1.0 / kappa);
    d.push_back(p.distance);
    e.push_back(p.distance_err);
  }
  if (inv_k.size() >= 2) {
    fit_intercept(inv_k, d, e, &study.extrapolated, &study.extrapolated_err);
    study.consistent_with_zero = std::fabs(study.extrapolated) <= 2 * study.extrapolated_err;
  } else {  // a line needs two points
    study.extrapolated = study.extrapolated_err = NAN;
    study.consistent_with_zero = false;
  }
  return study;
}

namespace {

BalanceTrace balance_trace(const CaseSpec& c, RunSpec spec, double kappa, Backend& backend) {
  BalanceTrace tr;
  tr.kappa = kappa;
  spec.kappa = kappa;
  spec.chains = c.balance.chains;
  spec.schedule = Schedule{0, 1, c.balance.steps};
  spec.seed = derive_seed(spec.seed, "balance/" + std::to_string(kappa));
  tr.chains = spec.chains;
  EnsembleState st;
  auto record = [&](double t) {
    // Every chain not diverged, in chain order (under MPI gathered from every rank's range).
    const auto v = final_imbalance(spec, st, 0);
    tr.t.push_back(t);
    if (v.size() < 2) {  // no mean or no standard error: written as null
      tr.mean.push_back(v.empty() ? NAN : v[0]);
      tr.se.push_back(NAN);
      return;
    }
    double m = 0, m2 = 0;
    for (double x : v) m += x;
    m /= static_cast<double>(v.size());
    for (double x : v) m2 += (x - m) * (x - m);
    tr.mean.push_back(m);
    tr.se.push_back(std::sqrt(m2 / (v.size() - 1.0) / v.size()));
  };
  backend.advance(spec, st, 1);  // initial states (one step in)
  record(spec.h);
  for (int r = 1; r <= c.balance.records; ++r) {
    const uint64_t to = c.balance.steps * r / c.balance.records;
    if (to > st.next_step) backend.advance(spec, st, to);
    record(spec.h * static_cast<double>(to));
  }
  // Judged like a sampler of the case: diverged chains leave the later means, which are then
  // over a selected sample.
  tr.diverged = chain_totals(st).diverged;
  const double frac = static_cast<double>(tr.diverged) / static_cast<double>(tr.chains);
  if (frac > c.max_diverged_fraction) {
    tr.over_budget = true;
    tr.note = divergence_note(frac, c.max_diverged_fraction, spec.h);
  }
  return tr;
}

}  // namespace

BalanceStudy run_balance_study(const CaseSpec& c, const SamplerRole& ambient, Backend& backend) {
  BalanceStudy b;
  // THEORY §7: the imbalance |u|² − |v|² of a block (n, m) drifts at 2(n − m)/β.
  const RuntimeLayout l = model_layout(ambient.spec.model);
  b.predicted_slope = 2.0 * (l.n() - l.m()) / ambient.spec.beta;
  b.free_run = balance_trace(c, ambient.spec, 0.0, backend);
  b.stiff_run = balance_trace(c, ambient.spec, ambient.spec.kappa, backend);
  b.initial = b.free_run.mean.front() - b.predicted_slope * b.free_run.t.front();
  return b;
}

nlohmann::json stiffness_json(const StiffnessStudy& s) {
  nlohmann::json j = {{"against", s.against},
                      {"chains", s.chains},
                      {"extrapolated", s.extrapolated},
                      {"extrapolated_err", s.extrapolated_err},
                      {"consistent_with_zero", s.consistent_with_zero}};
  // Arrays aligned with kappa; a point that was not tested has null distance, error and TV.
  bool any_fit = false;
  for (const auto& p : s.points) any_fit = any_fit || std::isfinite(p.c_hat);
  auto tested = [](const StiffnessPoint& p, double v) {
    return p.tested ? nlohmann::json(v) : nlohmann::json(nullptr);
  };
  for (const auto& p : s.points) {
    j["kappa"].push_back(p.kappa);
    j["distance"].push_back(tested(p, p.distance));
    j["distance_err"].push_back(tested(p, p.distance_err));
    j["tv"].push_back(tested(p, p.tv));
    if (std::isfinite(p.reference_tv)) j["reference_tv"].push_back(p.reference_tv);
    if (any_fit) {  // theory cases; a fit that did not run or failed is null
      j["c_hat"].push_back(tested(p, p.c_hat));
      j["c_err"].push_back(tested(p, p.c_err));
    }
    j["diverged"].push_back(p.diverged);
    j["tested"].push_back(p.tested);
    j["note"].push_back(p.note);
  }
  return j;
}

std::vector<std::string> stiffness_reasons(const StiffnessStudy& s) {
  std::vector<std::string> out;
  for (const auto& p : s.points)
    if (p.over_budget) out.push_back("stiffness study: κ = " + fmt(p.kappa) + ": " + p.note);
  return out;
}

std::vector<std::string> balance_reasons(const BalanceStudy& b) {
  std::vector<std::string> out;
  for (const BalanceTrace* t : {&b.free_run, &b.stiff_run})
    if (t->over_budget) out.push_back("balance study: κ = " + fmt(t->kappa) + " run: " + t->note);
  return out;
}

nlohmann::json balance_json(const BalanceStudy& b) {
  auto trace = [](const BalanceTrace& t) {
    return nlohmann::json{{"kappa", t.kappa}, {"t", t.t},           {"mean", t.mean},
                          {"se", t.se},       {"chains", t.chains}, {"diverged", t.diverged},
                          {"note", t.note}};
  };
  return {{"block", b.block},
          {"predicted_slope", b.predicted_slope},
          {"initial", b.initial},
          {"free", trace(b.free_run)},
          {"stiff", trace(b.stiff_run)}};
}

nlohmann::json scan_json(const analysis::CorrectionScan& s) {
  return {{"c", s.c},
          {"chi2", s.chi2},
          {"distance", s.distance},
          {"distance_err", s.distance_err},
          {"dof", s.dof},
          {"c_min", s.c_min},
          {"ci_lo", s.ci_lo},
          {"ci_hi", s.ci_hi},
          {"bracketed", s.bracketed}};
}

}  // namespace orbitmc
