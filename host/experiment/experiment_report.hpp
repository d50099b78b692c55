// experiment.json (schema in host/experiment/README.md) and the printed summary of an
// experiment ensemble.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "experiment/experiment_result.hpp"
#include "experiment/experiment_spec.hpp"

namespace orbitmc {

// The report's head: what ran, before any result. test_series: the series the training curves
// draw as the test metric.
nlohmann::json experiment_head(const ExperimentSpec& spec, size_t runs_planned,
                               const std::string& test_series);
nlohmann::json run_json(const RunResult& r);
nlohmann::json comparison_json(const ComparisonResult& c);

// One line per run (median and 5–95 % range of each final metric, and the balance verdict),
// then one per comparison.
std::vector<std::string> summary_lines(const std::string& experiment,
                                       const std::vector<RunResult>& runs,
                                       const std::vector<ComparisonResult>& comparisons);
// "balances", "balances partly", "keeps its imbalance" or "moves away from balance", from the
// median mean |D_b| at the start and at the end (end/start < 0.5, < 0.9, < 1.1, else).
std::string balance_verdict(const BalanceCheck& b);
// log(|D| end / |D| start) per step: the geometric rate at which the imbalance shrinks (< 0).
double imbalance_rate(const BalanceCheck& b);
// gd, sgd: whether D changed over the run as Σ η²(|g_u|² − |g_v|²) predicts. "does not hold"
// when some step missed by more than 1e-6 of |u|² + |v|² (float rounding leaves ~1.2e-7: a
// wrong gradient would show here); "rounding drift" when every step holds to rounding but the
// missed parts add up beyond 5 rounding walks (and 1e-3 of the change): float32 rounding that does
// not average out moves D (matcomp at the paper's settings: the same in a NumPy float32 run, gone
// in float64); else "holds" when the predicted change is above 5 rounding walks, "holds to
// rounding" when it is not (the η² term is too small to see in float at this step size);
// "undetermined" when every seed diverged.
std::string identity_verdict(const BalanceCheck& b);

}  // namespace orbitmc
