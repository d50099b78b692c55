// Validation case files (JSON, in validation/): what a case runs and how it is judged.
// Parsing is strict: an unknown key, a wrong type or a bad value is an InputError naming the
// file, the field, the value and what is allowed. validation/README.md documents the schema.
#pragma once

#include <string>
#include <vector>

#include "ensemble/run_spec.hpp"

namespace orbitmc {

struct SamplerRole {
  std::string role;    // e.g. ambient, corrected, uncorrected
  std::string expect;  // "match": must agree with the theory / reference; "reject": must not
  RunSpec spec;
};

struct CaseSpec {
  std::string file;
  std::string name;
  std::string title;
  // Why this case's chains may keep a large R-hat and why its tests stay valid (the page shows
  // it under a sampler table whose R-hat is high); empty: the page's general note.
  std::string rhat_note;
  std::string kind;  // "theory": against THEORY §4 densities; "comparison": against `reference`
  std::string reference = "ambient";  // comparison cases: the role the others are compared with
  std::vector<SamplerRole> samplers;
  uint64_t seed = 1;  // each role runs with derive_seed(seed, role): independent noise
  uint64_t chains = 0, quick_chains = 0;
  bool fit_exponent = false;
  double c_min = -2.0, c_max = 2.5;
  double alpha = 1e-3;          // a matching sampler passes when every p-value >= alpha
  double control_alpha = 1e-6;  // a control is rejected when some p-value < control_alpha
  double max_diverged_fraction = 0.01;

  // Optional studies (issue: validation reports). Empty kappa list: no stiffness study.
  struct Stiffness {
    std::vector<double> kappa;  // ambient sampler re-run at each κ
    uint64_t chains = 0, quick_chains = 0;
  } stiffness;
  struct Balance {  // along-orbit coordinate over time, free (κ = 0) and stiff ambient runs
    bool enabled = false;
    uint64_t chains = 0, quick_chains = 0;
    uint64_t steps = 0;
    int records = 20;
  } balance;
  struct Scan {  // correction-scale scan by reweighting the constrained samples
    bool enabled = false;
    double from = -1.0, to = 3.0, step = 0.02;
  } c_scan;
};

// Overrides from the command line, applied after parsing.
struct CaseOverrides {
  bool quick = false;
  bool has_correction_scale = false;
  double correction_scale = 1.0;  // applied to the constrained samplers expected to match
  uint64_t chains = 0;            // 0: the case's own
  uint64_t seed = 0;              // 0: the case's own
  int threads = 0;
  // Refinement K >= 1: every Langevin sampler takes steps h/K, K times as many (same physical
  // time), with the penalty κ·K (same h·κ, so the same stability), shrinking both the
  // discretisation and the stiffness bias as sample sizes grow (e.g. on a GPU). Metropolis
  // samplers are exact and keep their settings.
  uint64_t refine = 1;
  // Longer runs L >= 1: every sampler takes L times the steps (burn-in and thinning too) at
  // the same step size, for ensembles large enough to resolve slow relaxation.
  uint64_t longer = 1;
};

// GPU scale: 10^6 chains per case, steps h/8 (penalty 8κ) and four times the time. At that size
// the tests resolve the O(h) bias and slow relaxation of the default settings (see
// tests/gpu_backend_test.cpp for the CPU runs that chose these numbers).
constexpr uint64_t kGpuScaleChains = 1000000, kGpuScaleRefine = 8, kGpuScaleLonger = 4;
inline void apply_gpu_scale(CaseOverrides& o) {
  o.chains = kGpuScaleChains;
  o.refine = kGpuScaleRefine;
  o.longer = kGpuScaleLonger;
}

CaseSpec parse_case_text(const std::string& text, const std::string& file);
CaseSpec load_case_file(const std::string& path);
void apply_overrides(CaseSpec& c, const CaseOverrides& o);
// Applies a refinement factor k to one Langevin run (see CaseOverrides::refine).
void refine(RunSpec& spec, uint64_t k);
void lengthen(RunSpec& spec, uint64_t l);
// Seed of one role's chains: splitmix64 of the case seed and the role name, so samplers of one
// case draw independent noise (equal seeds would correlate their samples).
uint64_t derive_seed(uint64_t seed, const std::string& role);
// The file model.data_file names, resolved against the folder of the case file that names it
// (empty when none).
std::string data_file_path(const ModelSpec& m, const std::string& case_file);
// Case files of a folder, sorted by name.
std::vector<std::string> list_case_files(const std::string& dir);

}  // namespace orbitmc
