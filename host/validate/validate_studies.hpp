// The studies a validation report shows beside the verdict (THEORY §6.4, §3, §7): the stiffness
// limit of the ambient sampler, the correction-scale scan, and the balance coordinate over time.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/correction_scan.hpp"
#include "backend/backend.hpp"
#include "cases/case_file.hpp"

namespace orbitmc {

struct StiffnessPoint {
  double kappa = 0;
  double distance = 0, distance_err = 0;  // (χ² − dof)/N_eff and its null standard error
  double tv = 0;
  double c_hat = NAN, c_err = NAN;  // theory cases: exponent fit at this κ
  // Theory cases of a two-factor block: the total variation between the ambient law at this κ
  // and the κ → ∞ law over the window's bins (docs/THEORY.md §4): how far the exact reference
  // at κ is from the theorem's, shrinking as κ grows. NaN elsewhere.
  double reference_tv = NAN;
  // A run at this κ is judged like a sampler of the case: more than max_diverged_fraction of
  // diverged chains fails the case (over_budget); then, or when no final state is in the window,
  // the point is not tested (tested = false, left out of the extrapolation) and `note` says why.
  uint64_t diverged = 0;
  bool tested = true, over_budget = false;
  std::string note;
};

struct StiffnessStudy {
  std::string against;  // "theory" or the role compared with
  uint64_t chains = 0;
  std::vector<StiffnessPoint> points;
  // Weighted fit distance = a + b/κ over the tested points, at 1/κ = 0; NaN (and not
  // consistent) with fewer than two tested points.
  double extrapolated = 0, extrapolated_err = 0;
  bool consistent_with_zero = false;  // |a| <= 2 SE
};

struct BalanceTrace {
  double kappa = 0;
  std::vector<double> t, mean, se;    // mean and se over the chains not diverged (NaN below two)
  uint64_t chains = 0, diverged = 0;  // diverged by the end of the run
  bool over_budget = false;           // diverged > max_diverged_fraction of the chains
  std::string note;
};

struct BalanceStudy {
  int block = 0;
  double predicted_slope = 0;  // 2 (n − m) / β: Itô drift of |u|² − |v|² under isotropic noise
  double initial = 0;
  BalanceTrace free_run, stiff_run;
};

// Re-runs `ambient` at each κ of the case and compares the final histogram of coordinate 0
// with the reference probabilities (theory) or the reference counts (comparison).
StiffnessStudy run_stiffness_study(const CaseSpec& c, const SamplerRole& ambient,
                                   const std::vector<double>& reference_probs,
                                   const std::vector<uint64_t>& reference_counts,
                                   const std::string& against, Backend& backend);

BalanceStudy run_balance_study(const CaseSpec& c, const SamplerRole& ambient, Backend& backend);

// The reasons a study fails its case (one line per run over the divergence budget), in the
// words run_case uses for a divergent sampler.
std::vector<std::string> stiffness_reasons(const StiffnessStudy& s);
std::vector<std::string> balance_reasons(const BalanceStudy& b);

nlohmann::json stiffness_json(const StiffnessStudy& s);
nlohmann::json balance_json(const BalanceStudy& b);
nlohmann::json scan_json(const analysis::CorrectionScan& s);

}  // namespace orbitmc
