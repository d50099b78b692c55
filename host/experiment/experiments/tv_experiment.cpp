// Experiment `tv` (THEORY §8, 5; the paper's Fig. 6): recover a piecewise-constant signal
// s ∈ R^length (segments (1.0, 50), (−1.5, 70), (0.5, 40), (2.0, 40), stretched to the length)
// from `measurements` y = A s + 0.1·N(0, 1), A = N(0, 1)/sqrt(measurements), drawn per seed.
// Two parametrisations on the same seeds: plain w ~ N(0, 10⁻⁸) (learning rate 0.01), and the
// designed w = cumsum(w₁ ⊙ w₂), w₁, w₂ ~ N(0, 0.3²) (learning rate 10⁻³), whose bias favours
// few jumps. Loss: the mean squared error over the measurements (sgd: `batch` rows drawn with
// replacement each step). Metrics: reconstruction MSE and total variation Σ|w_{i+1} − w_i|.
// Setting `depth` (default 2): the designed increments as products of that many factors,
// w = cumsum(w₁ ⊙ … ⊙ w_depth), a stronger pull to few jumps (THEORY §4, "L-factor blocks").
#include <cmath>

#include "experiment/experiment_data.hpp"
#include "experiment/experiments.hpp"
#include "models/model_data.hpp"
#include "orbitmc/models/hadamard.hpp"

namespace orbitmc {
namespace {

class TvExperiment : public Experiment {
 public:
  explicit TvExperiment(const Settings& s)
      : Experiment(s),
        n_(static_cast<int>(s.integer_in("length", 2, 1 << 16))),
        rows_(static_cast<int>(s.integer_in("measurements", 1, 1 << 16))),
        batch_(static_cast<int>(s.integer_in("batch", 1, 1 << 16))),
        noise_(s.non_negative("label_noise")),
        plain_sd_(s.positive("plain_init_sd")),
        designed_sd_(s.positive("designed_init_sd")),
        eta_plain_(s.positive("eta_plain")),
        eta_designed_(s.positive("eta_designed")),
        depth_(static_cast<int>(s.integer_in("depth", 2, RuntimeLayout::kMaxFactors))),
        truth_(piecewise_signal(n_)) {
    check_seed_size("length/measurements", double(rows_) * (n_ + 1), 2.0 * n_);
  }

  std::vector<Variant> variants() const override {
    Variant cum{"cumsum", "designed", eta_designed_, hadamard_layout(n_, depth_), {}};
    for (int i = 0; i < n_; ++i) cum.block_labels.push_back("i = " + std::to_string(i));
    return {Variant{"plain", "baseline", eta_plain_, hadamard_layout(n_, 0), {}}, cum};
  }

  // A (rows × length, row-major), then y (rows).
  size_t problem_words() const override { return static_cast<size_t>(rows_) * (n_ + 1); }
  void make_problem(SeedDraws& d, double* pr) const override {
    const double scale = 1 / std::sqrt(static_cast<double>(rows_));
    for (size_t k = 0; k < static_cast<size_t>(rows_) * n_; ++k) pr[k] = scale * d.normal();
    for (int i = 0; i < rows_; ++i) {
      double f = 0;
      for (int j = 0; j < n_; ++j) f += pr[static_cast<size_t>(i) * n_ + j] * truth_[j];
      pr[static_cast<size_t>(rows_) * n_ + i] = f + noise_ * d.normal();
    }
  }
  void init(const Variant& v, SeedDraws& d, double* th) const override {
    const double sd = v.name == "cumsum" ? designed_sd_ : plain_sd_;
    for (int k = 0; k < v.layout.dim(); ++k) th[k] = sd * d.normal();
  }

  std::unique_ptr<TrainingJob> job(const Variant& v, const JobContext& c,
                                   const double* problems) const override {
    const bool sgd = c.noise == NoiseModel::kSgd, cumsum = v.layout.blocks() > 0;
    HadamardModel<float> m{v.layout, rows_, std::sqrt((sgd ? batch_ : rows_) / 2.0f), 0.f};
    m.batch = sgd ? batch_ : 0;
    const size_t stride = problem_words();
    // The cumulative sum folded into the design: (A·B)_ij = Σ_{l ≥ j} A_il.
    auto data = per_seed_data(problems, problem_words(), c.seeds, stride,
                              [this, cumsum](const double* pr, float* out) {
                                for (int i = 0; i < rows_; ++i) {
                                  double acc = 0;
                                  for (int j = n_ - 1; j >= 0; --j) {
                                    const double a = pr[static_cast<size_t>(i) * n_ + j];
                                    acc = cumsum ? acc + a : a;
                                    out[static_cast<size_t>(i) * n_ + j] = static_cast<float>(acc);
                                  }
                                  out[static_cast<size_t>(rows_) * n_ + i] =
                                      static_cast<float>(pr[static_cast<size_t>(rows_) * n_ + i]);
                                }
                              });
    return make_training_job(m, v.eta, std::move(data), stride, c);
  }

  // The reconstructed signal w (cumsum: w_i = Σ_{j ≤ i} u_j v_j).
  std::vector<double> signal(const Variant& v, const float* th) const {
    std::vector<double> w(n_);
    double acc = 0;
    for (int i = 0; i < n_; ++i) {
      if (v.layout.blocks() > 0) {
        acc += hadamard_coefficient(v.layout, th, i);
        w[i] = acc;
      } else {
        w[i] = th[v.layout.free(i)];
      }
    }
    return w;
  }
  void errors(const Variant& v, const float* th, double* out) const {
    const std::vector<double> w = signal(v, th);
    double se = 0, tv = 0;
    for (int i = 0; i < n_; ++i) se += (w[i] - truth_[i]) * (w[i] - truth_[i]);
    for (int i = 0; i + 1 < n_; ++i) tv += std::fabs(w[i + 1] - w[i]);
    out[0] = se / n_;
    out[1] = tv;
  }
  std::vector<SeriesSpec> series(const Variant&) const override {
    std::vector<std::string> at;
    for (int i = 0; i < n_; ++i) at.push_back(std::to_string(i));
    double tv_true = 0;
    for (int i = 0; i + 1 < n_; ++i) tv_true += std::fabs(truth_[i + 1] - truth_[i]);
    return {
        {"reconstruction_mse", "mean squared distance of w to the true signal", {"mse"}, {0.0}},
        {"total_variation", "sum of |w_{i+1} - w_i| (reference: the truth's)", {"tv"}, {tv_true}},
        {"signal", "the reconstructed signal w_i, by index (reference: the truth)", at, truth_}};
  }
  void observe(const Variant& v, const float* th, const double*, double* out) const override {
    errors(v, th, out);
    const std::vector<double> w = signal(v, th);
    for (int i = 0; i < n_; ++i) out[2 + i] = w[i];
  }
  std::string test_series() const override { return "reconstruction_mse"; }
  std::vector<std::string> metrics(const Variant& v) const override {
    std::vector<std::string> m = {"reconstruction_mse", "total_variation", "tv_excess"};
    if (v.layout.blocks() > 0) m.push_back("balance_distance");
    return m;
  }
  void final_metrics(const Variant& v, const float* th, const double*, double* out) const override {
    errors(v, th, out);
    double tv_true = 0;
    for (int i = 0; i + 1 < n_; ++i) tv_true += std::fabs(truth_[i + 1] - truth_[i]);
    out[2] = std::fabs(out[1] - tv_true);
    if (v.layout.blocks() > 0) out[3] = balance_distance(v.layout, th);
  }
  std::vector<ComparisonSpec> comparisons() const override {
    return {{"cumsum", "plain", "reconstruction_mse"}, {"cumsum", "plain", "tv_excess"}};
  }

 private:
  int n_, rows_, batch_;
  double noise_, plain_sd_, designed_sd_, eta_plain_, eta_designed_;
  int depth_;
  std::vector<double> truth_;
};

}  // namespace

nlohmann::json tv_defaults() {
  return {{"length", 200},
          {"measurements", 60},
          {"label_noise", 0.1},
          {"plain_init_sd", 1e-4},
          {"designed_init_sd", 0.3},
          {"eta_plain", 0.01},
          {"eta_designed", 1e-3},
          {"steps", 500000},
          {"log_every", 5000},
          {"batch", 15},
          {"depth", 2}};
}

std::unique_ptr<Experiment> make_tv_experiment(const Settings& s) {
  return std::make_unique<TvExperiment>(s);
}

}  // namespace orbitmc
