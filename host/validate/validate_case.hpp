// Runs one validation case and judges it (THEORY §6): each sampler's final-state histograms
// against the reference density (theory cases) or against the reference sampler (comparison
// cases), the correction-exponent fit, and the divergence budget.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/exponent_fit.hpp"
#include "analysis/test_result.hpp"
#include "backend/backend.hpp"
#include "cases/case_file.hpp"
#include "run/run_engine.hpp"
#include "validate/validate_studies.hpp"

namespace orbitmc {

struct CoordResult {
  HistogramSpec hist;
  std::vector<uint64_t> final_counts;  // bins only
  uint64_t underflow = 0, overflow = 0;
  std::vector<uint64_t> pooled_counts;  // every sample after burn-in, thinned (bins only)
  double mean = 0, var = 0, rhat = 0, ess = 0;
  bool tested = false;
  analysis::TestResult chi2, ks;
  double tv = 0;
};

struct SamplerResult {
  SamplerRole role;
  std::vector<CoordResult> coords;
  uint64_t rejected = 0, failed = 0, diverged = 0;
  uint64_t nonfinite_observations = 0;  // of the diverged: frozen at a non-finite coordinate
  double seconds = 0;
  bool pass = true;
  std::string note;
  // Final coordinate-0 values and log det G of the non-diverged chains of this rank (kept for
  // the correction-scale scan of constrained samplers only, which reduces over the ranks).
  std::vector<double> final_x, final_log_det_g;
  // Theory cases, an ambient sampler of a two-factor block: the bin probabilities of coordinate
  // 0 under the stiff law at its own κ, which its tests use (empty: the case's reference_probs).
  std::vector<double> own_reference_probs;
};

struct CaseResult {
  CaseSpec spec;
  std::string backend;
  std::vector<SamplerResult> samplers;
  std::vector<double> reference_probs;  // theory cases: bin probabilities of coordinate 0, c = 1
  bool has_fit = false;
  analysis::ExponentFit fit;
  bool pass = true;
  std::vector<std::string> reasons;  // why the case failed
  double seconds = 0;
  bool has_stiffness = false, has_balance = false, has_scan = false;
  StiffnessStudy stiffness;
  BalanceStudy balance;
  analysis::CorrectionScan scan;
};

// Where a case stands: the states of the samplers already run (in case order) and the sampler
// in progress. run_case continues from it (resume) and keeps it up to date.
struct CaseProgress {
  std::vector<EnsembleState> finished;
  EnsembleState current;
};
// Called after every segment of a sampler run, for checkpoints.
using CheckpointFn = std::function<void(const CaseProgress&)>;

CaseResult run_case(const CaseSpec& c, Backend& backend, const RunControl& control,
                    CaseProgress* progress = nullptr, const CheckpointFn& checkpoint = {});
nlohmann::json case_result_json(const CaseResult& r);

}  // namespace orbitmc
