// What an experiment of THEORY §8 declares, so that one runner trains it under every noise
// model: its model variants (the designed parametrisation and its baselines), each seed's
// problem (teacher, truth, design, mask, test set) and start, the job that trains one variant
// under one noise model, and what is observed along the way and at the end. Everything here
// is host code in double precision; the training itself is the shared per-seed step.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backend/training_job.hpp"
#include "experiment/experiment_settings.hpp"
#include "experiment/seed_draws.hpp"
#include "orbitmc/core/block_layout.hpp"
#include "orbitmc/training/train_rule.hpp"

namespace orbitmc {

struct Variant {
  std::string name;      // "network", "plain", "plain_l1", "hadamard", "cumsum", ...
  std::string role;      // "designed", "baseline", or "model" (an experiment with one variant)
  double eta = 0;        // learning rate
  RuntimeLayout layout;  // its parameters; blocks are the symmetry groups
  std::vector<std::string> block_labels;  // one per block ("unit 3", "column 2", "mode 0")
};

// A quantity logged at every log point, one value per label and seed.
struct SeriesSpec {
  std::string name;     // JSON key
  std::string caption;  // what the reader sees in it
  std::vector<std::string> labels;
  std::vector<double> reference;  // per label, the value to compare with (the truth); or empty
};

// "designed beats baseline" on a final metric (lower is better), seed by seed.
struct ComparisonSpec {
  std::string designed, baseline, metric;
};

class Experiment {
 public:
  // Reads the settings every experiment has: `steps` and `log_every`.
  explicit Experiment(const Settings& s)
      : steps_(static_cast<uint64_t>(s.integer_in("steps", 1, int64_t{1} << 40))),
        log_every_(static_cast<uint64_t>(s.integer_in("log_every", 1, int64_t{1} << 40))) {}
  virtual ~Experiment() = default;
  virtual std::vector<Variant> variants() const = 0;
  uint64_t steps() const { return steps_; }
  uint64_t log_every() const { return log_every_; }
  // Numbers in one seed's problem, and the problem itself.
  virtual size_t problem_words() const = 0;
  virtual void make_problem(SeedDraws& draws, double* problem) const = 0;
  // A seed's initial parameters for a variant (variant.layout.dim() numbers).
  virtual void init(const Variant& v, SeedDraws& draws, double* theta) const = 0;
  // The trainings of a variant under ctx.noise; problems points at ctx.seeds problems (a view:
  // the job copies what its trainings read).
  virtual std::unique_ptr<TrainingJob> job(const Variant& v, const JobContext& ctx,
                                           const double* problems) const = 0;
  // Experiment-specific series (the training loss, the block ratios and imbalances are logged
  // for every variant); one of them is the test metric of the training curves, test_series().
  // They are observed for every seed at every log point: each must cost at most about what the
  // training between two log points does.
  virtual std::vector<SeriesSpec> series(const Variant& v) const = 0;
  virtual void observe(const Variant& v, const float* theta, const double* problem,
                       double* out) const = 0;
  // The name of the series the page draws beside the training loss as the test metric (on data
  // the training does not see, or against the truth).
  virtual std::string test_series() const = 0;
  // Final metrics (lower is better for every one the comparisons use).
  virtual std::vector<std::string> metrics(const Variant& v) const = 0;
  virtual void final_metrics(const Variant& v, const float* theta, const double* problem,
                             double* out) const = 0;
  virtual std::vector<ComparisonSpec> comparisons() const { return {}; }

 private:
  uint64_t steps_, log_every_;
};

}  // namespace orbitmc
