// Experiment `spectral` (THEORY §8, 4; the paper's Fig. 5): recover a sparse cosine spectrum
// w ∈ R^p from `points` noisy samples y = Σ_k w_k cos(2πk t) + 0.1·N(0, 1), t ~ U(0, 1). Per
// seed: the sample points, the truth (3 non-zero coefficients at k ≥ 1, magnitudes U(1, 2),
// random signs) and the test points. Three parametrisations, trained side by side on the same
// seeds: plain w ~ N(0, 10⁻⁸); plain with the L1 penalty 0.1·Σ|w|; and the designed Hadamard
// w = p ⊙ q, p, q ~ N(0, 10⁻⁴), whose geometric bias favours sparse w. Loss: the mean squared
// error over the step's points (all of them; sgd: `batch` drawn with replacement). Setting
// `depth` (default 2) makes the designed variant a product of that many factors,
// w = u¹ ⊙ … ⊙ u^depth: a stronger pull to sparse w (THEORY §4, "L-factor blocks"); deeper
// products start slower from a small init (the gradient scales as init_sd^(depth − 1)).
#include <algorithm>
#include <cmath>

#include "experiment/experiment_data.hpp"
#include "experiment/experiments.hpp"
#include "input_error.hpp"
#include "orbitmc/models/hadamard.hpp"

namespace orbitmc {
namespace {

constexpr double kTwoPi = 6.283185307179586;

class SpectralExperiment : public Experiment {
 public:
  explicit SpectralExperiment(const Settings& s)
      : Experiment(s),
        p_(static_cast<int>(s.integer_in("coefficients", 2, 1 << 16))),
        points_(static_cast<int>(s.integer_in("points", 1, 1 << 20))),
        test_points_(static_cast<int>(s.integer_in("test_points", 1, 1 << 20))),
        nonzero_(static_cast<int>(s.integer_in("nonzero", 1, 1 << 16))),
        batch_(static_cast<int>(s.integer_in("batch", 1, 1 << 16))),
        noise_(s.non_negative("label_noise")),
        l1_(s.non_negative("l1")),
        plain_sd_(s.positive("plain_init_sd")),
        hadamard_sd_(s.positive("hadamard_init_sd")),
        eta_(s.positive("eta")),
        depth_(static_cast<int>(s.integer_in("depth", 2, RuntimeLayout::kMaxFactors))) {
    if (nonzero_ > p_ - 1) bad_input("settings.nonzero", nonzero_, "must be <= coefficients - 1");
    check_seed_size("coefficients/points/test_points",
                    double(points_) * (p_ + 1) + double(test_points_), 2.0 * p_);
  }

  std::vector<Variant> variants() const override {
    Variant had{"hadamard", "designed", eta_, hadamard_layout(p_, depth_), {}};
    for (int k = 0; k < p_; ++k) had.block_labels.push_back("k = " + std::to_string(k));
    return {Variant{"plain", "baseline", eta_, hadamard_layout(p_, 0), {}},
            Variant{"plain_l1", "baseline", eta_, hadamard_layout(p_, 0), {}}, had};
  }

  // t (points), truth (p), y (points), test t (test_points).
  size_t problem_words() const override {
    return static_cast<size_t>(2 * points_ + p_ + test_points_);
  }
  const double* truth(const double* pr) const { return pr + points_; }
  void make_problem(SeedDraws& d, double* pr) const override {
    for (int i = 0; i < points_; ++i) pr[i] = d.uniform();
    double* c = pr + points_;
    for (int k = 0; k < p_; ++k) c[k] = 0;
    for (int placed = 0; placed < nonzero_;) {
      const int k = 1 + std::min(p_ - 2, static_cast<int>(d.uniform() * (p_ - 1)));
      const double mag = 1 + d.uniform(), sign = d.uniform() < 0.5 ? -1 : 1;
      if (c[k] != 0) continue;
      c[k] = sign * mag;
      ++placed;
    }
    for (int i = 0; i < points_; ++i) pr[points_ + p_ + i] = signal(c, pr[i]) + noise_ * d.normal();
    for (int i = 0; i < test_points_; ++i) pr[2 * points_ + p_ + i] = d.uniform();
  }
  // Σ_k c_k cos(2πkt), by the angle-addition recurrence.
  double signal(const double* c, double t) const {
    const double c1 = std::cos(kTwoPi * t), s1 = std::sin(kTwoPi * t);
    double ck = 1, sk = 0, f = 0;
    for (int k = 0; k < p_; ++k) {
      f += c[k] * ck;
      const double cn = ck * c1 - sk * s1;
      sk = sk * c1 + ck * s1;
      ck = cn;
    }
    return f;
  }
  void init(const Variant& v, SeedDraws& d, double* th) const override {
    const double sd = v.name == "hadamard" ? hadamard_sd_ : plain_sd_;
    for (int k = 0; k < v.layout.dim(); ++k) th[k] = sd * d.normal();
  }

  std::unique_ptr<TrainingJob> job(const Variant& v, const JobContext& c,
                                   const double* problems) const override {
    const bool sgd = c.noise == NoiseModel::kSgd;
    HadamardModel<float> m{v.layout, points_, std::sqrt((sgd ? batch_ : points_) / 2.0f), 0.f};
    m.l1 = v.name == "plain_l1" ? static_cast<float>(l1_) : 0.f;
    m.batch = sgd ? batch_ : 0;
    const size_t stride = static_cast<size_t>(points_) * (p_ + 1);
    auto data = per_seed_data(
        problems, problem_words(), c.seeds, stride, [this](const double* pr, float* out) {
          for (int i = 0; i < points_; ++i) {
            for (int k = 0; k < p_; ++k)
              out[i * p_ + k] = static_cast<float>(std::cos(kTwoPi * k * pr[i]));
            out[points_ * p_ + i] = static_cast<float>(pr[points_ + p_ + i]);
          }
        });
    return make_training_job(m, v.eta, std::move(data), stride, c);
  }

  double coefficient(const Variant& v, const float* th, int k) const {
    return hadamard_coefficient(v.layout, th, k);
  }
  // Error on the truth's support (L2) and mass off it (L1).
  void support_errors(const Variant& v, const float* th, const double* pr, double& on,
                      double& off) const {
    on = off = 0;
    for (int k = 0; k < p_; ++k) {
      const double w = coefficient(v, th, k), t = truth(pr)[k];
      if (t != 0)
        on += (w - t) * (w - t);
      else
        off += std::fabs(w);
    }
    on = std::sqrt(on);
  }
  std::vector<SeriesSpec> series(const Variant&) const override {
    SeriesSpec spikes{"recovered_spikes",
                      "each true spike's recovered coefficient over its true value, spikes in "
                      "order of frequency (1: recovered exactly; 0: missed)",
                      {},
                      {}};
    for (int s = 0; s < nonzero_; ++s) {
      spikes.labels.push_back("spike " + std::to_string(s + 1));
      spikes.reference.push_back(1.0);
    }
    return {{"expected_test_mse",
             "the test error E(f - f*)^2 over t ~ U(0, 1), exactly: d_0^2 + (1/2) sum_k d_k^2 of "
             "the coefficient error d (the final test_mse estimates it on the test points)",
             {"expected test mse"},
             {}},
            {"support_error",
             "|w - w*| on the truth's support: how well the spikes are found",
             {"support"},
             {0.0}},
            {"off_support_l1",
             "sum of |w_k| off the truth's support: the spurious spectrum",
             {"off support"},
             {0.0}},
            spikes};
  }
  void observe(const Variant& v, const float* th, const double* pr, double* out) const override {
    // The orthogonality of cos(2πkt) on [0, 1]: the 10⁴-point test error in O(p).
    double expected = 0;
    for (int k = 0; k < p_; ++k) {
      const double d = coefficient(v, th, k) - truth(pr)[k];
      expected += (k == 0 ? 1.0 : 0.5) * d * d;
    }
    out[0] = expected;
    support_errors(v, th, pr, out[1], out[2]);
    int s = 0;
    for (int k = 0; k < p_ && s < nonzero_; ++k)
      if (truth(pr)[k] != 0) out[3 + s++] = coefficient(v, th, k) / truth(pr)[k];
  }
  std::string test_series() const override { return "expected_test_mse"; }
  std::vector<std::string> metrics(const Variant& v) const override {
    std::vector<std::string> m = {"test_mse", "support_error", "off_support_l1"};
    if (v.layout.blocks() > 0) m.push_back("balance_distance");
    return m;
  }
  void final_metrics(const Variant& v, const float* th, const double* pr,
                     double* out) const override {
    std::vector<double> diff(p_);
    for (int k = 0; k < p_; ++k) diff[k] = coefficient(v, th, k) - truth(pr)[k];
    double se = 0;
    for (int i = 0; i < test_points_; ++i) {
      const double e = signal(diff.data(), pr[2 * points_ + p_ + i]);
      se += e * e;
    }
    out[0] = se / test_points_;
    support_errors(v, th, pr, out[1], out[2]);
    if (v.layout.blocks() > 0) out[3] = balance_distance(v.layout, th);
  }
  std::vector<ComparisonSpec> comparisons() const override {
    return {{"hadamard", "plain", "test_mse"}, {"hadamard", "plain_l1", "test_mse"}};
  }

 private:
  int p_, points_, test_points_, nonzero_, batch_;
  double noise_, l1_, plain_sd_, hadamard_sd_, eta_;
  int depth_;
};

}  // namespace

nlohmann::json spectral_defaults() {
  return {
      {"coefficients", 64}, {"points", 32},   {"test_points", 10000},  {"nonzero", 3},
      {"label_noise", 0.1}, {"l1", 0.1},      {"plain_init_sd", 1e-4}, {"hadamard_init_sd", 1e-2},
      {"eta", 1e-3},        {"steps", 50000}, {"log_every", 100},      {"batch", 8},
      {"depth", 2}};
}

std::unique_ptr<Experiment> make_spectral_experiment(const Settings& s) {
  return std::make_unique<SpectralExperiment>(s);
}

}  // namespace orbitmc
