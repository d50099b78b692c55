// JSON and text for experiment ensembles.
#include "experiment/experiment_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace orbitmc {
namespace {

using nlohmann::json;

json number(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

std::string fmt(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3g", x);
  return b;
}

}  // namespace

json experiment_head(const ExperimentSpec& spec, size_t runs_planned,
                     const std::string& test_series) {
  json noise = json::array();
  for (NoiseModel n : spec.noises) noise.push_back(noise_name(n));
  return {{"schema", "orbitmc.experiment/1"},
          {"experiment", spec.name},
          {"settings", spec.settings.values()},
          {"seeds", spec.seeds},
          {"seed", spec.seed},
          {"seed_offset", spec.seed_offset},
          {"noise", noise},
          {"beta", spec.beta},
          {"backend", spec.backend},
          {"precision", "float"},
          {"command", spec.command_line},
          {"version", ORBITMC_VERSION},
          {"complete", false},
          {"runs_planned", runs_planned},
          {"test_series", test_series},
          {"runs", json::array()},
          {"comparisons", json::array()},
          {"summary", json::array()}};
}

json run_json(const RunResult& r) {
  json series = json::array();
  for (const SeriesTrace& s : r.series) {
    json med = json::array(), lo = json::array(), hi = json::array();
    for (const auto& at : s.at) {
      json m = json::array(), l = json::array(), h = json::array();
      for (const auto& b : at) {
        m.push_back(number(b.median));
        l.push_back(number(b.q05));
        h.push_back(number(b.q95));
      }
      med.push_back(m);
      lo.push_back(l);
      hi.push_back(h);
    }
    series.push_back({{"name", s.name},
                      {"caption", s.caption},
                      {"labels", s.labels},
                      {"reference", s.reference},
                      {"median", med},
                      {"q05", lo},
                      {"q95", hi}});
  }
  json metrics = json::array();
  for (const MetricValues& m : r.metrics) {
    json per = json::array();
    for (double x : m.per_seed) per.push_back(number(x));
    metrics.push_back({{"name", m.name},
                       {"median", number(m.band.median)},
                       {"q05", number(m.band.q05)},
                       {"q95", number(m.band.q95)},
                       {"count", m.band.count},
                       {"per_seed", per}});
  }
  const BalanceCheck& b = r.balance;
  json balance = nullptr;
  if (b.has_blocks) {
    balance = {{"distance_start", number(b.distance_start)},
               {"distance_end", number(b.distance_end)},
               {"imbalance_start", number(b.imbalance_start)},
               {"imbalance_end", number(b.imbalance_end)},
               {"imbalance_rate_per_step", number(imbalance_rate(b))},
               {"verdict", balance_verdict(b)}};
    if (r.noise == "langevin")
      balance["drift_per_step"] = {{"mean", number(b.drift_mean)},
                                   {"se", number(b.drift_se)},
                                   {"expected", number(b.drift_expected)}};
    else {
      balance["identity_max_relative_deviation"] = number(b.identity_max_relative);
      balance["identity_over_run"] = {{"predicted_change", number(b.change_predicted)},
                                      {"missed", number(b.change_missed)},
                                      {"rounding_walk", number(b.rounding_walk)},
                                      {"verdict", identity_verdict(b)}};
    }
  }
  return {{"variant", r.variant}, {"role", r.role},       {"noise", r.noise},
          {"eta", r.eta},         {"seeds", r.seeds},     {"diverged", r.diverged},
          {"steps", r.steps},     {"seconds", r.seconds}, {"log_steps", r.log_steps},
          {"series", series},     {"metrics", metrics},   {"balance", balance}};
}

json comparison_json(const ComparisonResult& c) {
  return {{"designed", c.designed},
          {"baseline", c.baseline},
          {"metric", c.metric},
          {"noise", c.noise},
          {"wins", c.wins},
          {"trials", c.trials},
          {"fraction", c.trials ? json(double(c.wins) / c.trials) : json(nullptr)},
          {"ci95", {c.ci.lo, c.ci.hi}}};
}

double imbalance_rate(const BalanceCheck& b) {
  if (!(b.imbalance_start > 0 && b.imbalance_end > 0) || b.steps == 0) return NAN;
  return std::log(b.imbalance_end / b.imbalance_start) / static_cast<double>(b.steps);
}

std::string balance_verdict(const BalanceCheck& b) {
  if (!(b.imbalance_start > 0) || !std::isfinite(b.imbalance_end)) return "undetermined";
  const double f = b.imbalance_end / b.imbalance_start;
  return f < 0.5   ? "balances"
         : f < 0.9 ? "balances partly"
         : f < 1.1 ? "keeps its imbalance"
                   : "moves away from balance";
}

std::string identity_verdict(const BalanceCheck& b) {
  if (!std::isfinite(b.change_predicted)) return "undetermined";
  if (!(b.identity_max_relative <= 1e-6)) return "does not hold";
  const double floor = 5 * b.rounding_walk;
  if (!(b.change_missed <= std::max(floor, 1e-3 * b.change_predicted))) return "rounding drift";
  return b.change_predicted > floor ? "holds" : "holds to rounding";
}

std::vector<std::string> summary_lines(const std::string& experiment,
                                       const std::vector<RunResult>& runs,
                                       const std::vector<ComparisonResult>& comparisons) {
  // Every term of the lines below, once (docs/THEORY.md §7 and its glossary say more).
  std::vector<std::string> out = {
      "legend: METRIC m [a, b] = median over seeds [5 %, 95 % quantiles]; |D| = mean over "
      "blocks of the imbalance ||u|^2 - |v|^2|, median over seeds, start -> end (xF = end/start: "
      "below 0.5 balances, 0.5-0.9 balances partly, 0.9-1.1 keeps its imbalance); |log ratio| = "
      "mean |log(|u|/|v|)|; identity = the per-step identity D' - D = eta^2(|g_u|^2 - |g_v|^2): "
      "holds (the run's change is explained), holds to rounding (the change is below float "
      "rounding), rounding drift (more is missed than rounding explains), does not hold; "
      "langevin drift = mean change of D per step +- its standard error against theory "
      "2 eta (n - m)/beta, agrees within 3 se; beats = lower metric, seed by seed"};
  for (const RunResult& r : runs) {
    std::string line = experiment + " " + r.variant + " " + r.noise + ":";
    for (const MetricValues& m : r.metrics)
      line += " " + m.name + " " + fmt(m.band.median) + " [" + fmt(m.band.q05) + ", " +
              fmt(m.band.q95) + "];";
    const BalanceCheck& b = r.balance;
    if (b.has_blocks) {
      line += " |D| " + fmt(b.imbalance_start) + " -> " + fmt(b.imbalance_end) + " (x" +
              fmt(b.imbalance_end / b.imbalance_start) + " in " + std::to_string(b.steps) +
              " steps: " + balance_verdict(b) + "); |log ratio| " + fmt(b.distance_start) + " -> " +
              fmt(b.distance_end) + ";";
      if (r.noise == "langevin") {
        const double off = std::fabs(b.drift_mean - b.drift_expected) / b.drift_se;
        line += " drift/step " + fmt(b.drift_mean) + " +- " + fmt(b.drift_se) + " (theory " +
                fmt(b.drift_expected) + ", " + fmt(off) + " se off: " +
                (off <= 3             ? "agrees"
                 : std::isfinite(off) ? "differs"
                                      : "undetermined") +
                ");";
      } else
        line += " identity " + identity_verdict(b) + " (change " + fmt(b.change_predicted) +
                ", missed " + fmt(b.change_missed) + ", rounding " + fmt(b.rounding_walk) +
                "; per step <= " + fmt(b.identity_max_relative) + ");";
    }
    line += " diverged " + std::to_string(r.diverged) + "/" + std::to_string(r.seeds);
    out.push_back(line);
  }
  for (const ComparisonResult& c : comparisons) {
    const double f = c.trials ? double(c.wins) / c.trials : NAN;
    out.push_back(experiment + " " + c.noise + ": " + c.designed + " beats " + c.baseline + " on " +
                  c.metric + " in " + std::to_string(c.wins) + "/" + std::to_string(c.trials) +
                  " seeds (fraction " + fmt(f) + ", 95% CI [" + fmt(c.ci.lo) + ", " + fmt(c.ci.hi) +
                  "])");
  }
  return out;
}

}  // namespace orbitmc
