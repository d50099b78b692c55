// Stiffness limit and balance-over-time studies, and the JSON of all three studies.
#include "validate_studies.hpp"

#include <cmath>

#include "analysis/exponent_fit.hpp"
#include "analysis/goodness_of_fit.hpp"
#include "run_engine.hpp"
#include "validate_case.hpp"

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
    analysis::TestResult t;
    double n_eff = 0;
    if (theory) {
      t = analysis::chi2_gof(counts, reference_probs);
      p.tv = analysis::total_variation(counts, reference_probs);
      for (auto n : counts) n_eff += static_cast<double>(n);
      const auto& h = spec.observe[0];
      const auto fit = analysis::fit_exponent(counts, h.lo, h.hi, logd, c.c_min, c.c_max);
      p.c_hat = fit.c_hat;
      p.c_err = fit.std_error;
    } else {
      t = analysis::chi2_two_sample(counts, reference_counts);
      p.tv = analysis::total_variation_two_sample(counts, reference_counts);
      double na = 0, nb = 0;
      for (auto n : counts) na += static_cast<double>(n);
      for (auto n : reference_counts) nb += static_cast<double>(n);
      n_eff = na * nb / (na + nb);
    }
    p.distance = (t.statistic - t.dof) / n_eff;
    p.distance_err = std::sqrt(2 * std::max(1.0, t.dof)) / n_eff;
    study.points.push_back(p);
    inv_k.push_back(1.0 / kappa);
    d.push_back(p.distance);
    e.push_back(p.distance_err);
  }
  fit_intercept(inv_k, d, e, &study.extrapolated, &study.extrapolated_err);
  study.consistent_with_zero = std::fabs(study.extrapolated) <= 2 * study.extrapolated_err;
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
  EnsembleState st;
  auto record = [&](double t) {
    const auto v = final_imbalance(spec, st, 0);
    double m = 0, m2 = 0;
    for (double x : v) m += x;
    m /= static_cast<double>(v.size());
    for (double x : v) m2 += (x - m) * (x - m);
    tr.t.push_back(t);
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
  return tr;
}

}  // namespace

BalanceStudy run_balance_study(const CaseSpec& c, const SamplerRole& ambient, Backend& backend) {
  BalanceStudy b;
  const ModelSpec& m = ambient.spec.model;
  int n = 1, mm = 1;
  if (m.name == "block") n = m.n, mm = m.m;
  if (m.name == "relu") n = 1, mm = m.input_dim;
  if (m.name == "matfac") n = m.rows, mm = m.cols;
  b.predicted_slope = 2.0 * (n - mm) / ambient.spec.beta;
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
  for (const auto& p : s.points) {
    j["kappa"].push_back(p.kappa);
    j["distance"].push_back(p.distance);
    j["distance_err"].push_back(p.distance_err);
    j["tv"].push_back(p.tv);
    if (std::isfinite(p.c_hat)) {
      j["c_hat"].push_back(p.c_hat);
      j["c_err"].push_back(p.c_err);
    }
  }
  return j;
}

nlohmann::json balance_json(const BalanceStudy& b) {
  auto trace = [](const BalanceTrace& t) {
    return nlohmann::json{{"kappa", t.kappa}, {"t", t.t}, {"mean", t.mean}, {"se", t.se}};
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
