// Experiment `matcomp` (THEORY §8, 3; the paper's Fig. 4): complete a rank-2 matrix
// M* = U diag(15, 5) Vᵀ (size × size; U, V orthonormal from Gram–Schmidt on Gaussian columns,
// drawn per seed) from the entries of a fixed mask (each observed with probability `observe`),
// with the over-parameterised M = P Q, P, Q size × size, P ~ N(0, 0.11²), Q ~ N(0, 0.1²). Mode
// i is the block (P[:, i], Q[i, :]). sgd: each step keeps each observed entry with probability
// `keep` (MatfacModel's subsampling); gd and langevin: every observed entry. Loss: the sum of
// squared errors over the step's entries divided by size² (the model's Σ r²/(2s²), s² = size²/2),
// as in the paper; gd and langevin weigh their sum by `keep` (s² = size²/(2·keep)), the mean of
// the sgd loss over its subsampling, so that the three noise models take the same mean step and
// differ only in their noise (the unweighted full sum would take `1/keep` times sgd's step).
// Logged: the singular values of PQ and |P[:, i]| / |Q[i, :]| per mode.
#include <algorithm>
#include <cmath>

#include "analysis/symmetric_eigen.hpp"
#include "experiment/experiment_data.hpp"
#include "experiment/experiments.hpp"
#include "orbitmc/models/matfac.hpp"

namespace orbitmc {
namespace {

class MatcompExperiment : public Experiment {
 public:
  explicit MatcompExperiment(const Settings& s)
      : Experiment(s),
        n_(static_cast<int>(s.integer_in("size", 2, 512))),
        sv1_(s.positive("sv1")),
        sv2_(s.positive("sv2")),
        observe_(s.probability("observe")),
        keep_(s.probability("keep")),
        p_sd_(s.positive("p_init_sd")),
        q_sd_(s.positive("q_init_sd")),
        eta_(s.positive("eta")),
        // At most all of PQ's singular values: a count above `size` logs `size` of them (so
        // the default of 4 still serves --set size=2).
        logged_(std::min(n_, static_cast<int>(s.integer_in("logged_singular_values", 1, 512)))) {}

  std::vector<Variant> variants() const override {
    Variant v{"factorisation", "model", eta_, RuntimeLayout{n_, n_, n_, 0}, {}};
    for (int i = 0; i < n_; ++i) v.block_labels.push_back("mode " + std::to_string(i));
    return {v};
  }

  size_t entries() const { return static_cast<size_t>(n_) * n_; }
  // M* (size × size), then the mask (1 observed, 0 not): the layout MatfacModel reads.
  size_t problem_words() const override { return 2 * entries(); }
  void make_problem(SeedDraws& d, double* pr) const override {
    // Two orthonormal columns for U and for V: Gram–Schmidt on Gaussian draws (QR's Q).
    std::vector<double> u(2 * n_), v(2 * n_);
    for (std::vector<double>* m : {&u, &v}) {
      for (double& x : *m) x = d.normal();
      double* a = m->data();
      double* b = m->data() + n_;
      double na = 0, ab = 0, nb = 0;
      for (int i = 0; i < n_; ++i) na += a[i] * a[i];
      for (int i = 0; i < n_; ++i) a[i] /= std::sqrt(na);
      for (int i = 0; i < n_; ++i) ab += a[i] * b[i];
      for (int i = 0; i < n_; ++i) b[i] -= ab * a[i];
      for (int i = 0; i < n_; ++i) nb += b[i] * b[i];
      for (int i = 0; i < n_; ++i) b[i] /= std::sqrt(nb);
    }
    for (int i = 0; i < n_; ++i)
      for (int j = 0; j < n_; ++j)
        pr[i * n_ + j] = sv1_ * u[i] * v[j] + sv2_ * u[n_ + i] * v[n_ + j];
    for (size_t e = 0; e < entries(); ++e) pr[entries() + e] = d.uniform() <= observe_ ? 1 : 0;
  }
  void init(const Variant& v, SeedDraws& d, double* th) const override {
    const RuntimeLayout& l = v.layout;
    for (int k = 0; k < n_; ++k) {
      for (int i = 0; i < n_; ++i) th[l.u(k, i)] = p_sd_ * d.normal();  // P[i, k]
      for (int j = 0; j < n_; ++j) th[l.v(k, j)] = q_sd_ * d.normal();  // Q[k, j]
    }
  }

  std::unique_ptr<TrainingJob> job(const Variant& v, const JobContext& c,
                                   const double* problems) const override {
    const bool sgd = c.noise == NoiseModel::kSgd;
    MatfacModel<float> m{v.layout, static_cast<float>(n_ / std::sqrt(2.0 * (sgd ? 1.0 : keep_))),
                         0.f};
    m.keep = sgd ? static_cast<float>(keep_) : 1.f;
    auto data = per_seed_data(problems, problem_words(), c.seeds, problem_words(),
                              copy_words(0, problem_words()));
    return make_training_job(m, v.eta, std::move(data), problem_words(), c);
  }

  std::vector<double> product(const Variant& v, const float* th) const {
    std::vector<double> m(entries(), 0.0);
    for (int k = 0; k < n_; ++k)
      for (int i = 0; i < n_; ++i)
        for (int j = 0; j < n_; ++j)
          m[i * n_ + j] += double(th[v.layout.u(k, i)]) * th[v.layout.v(k, j)];
    return m;
  }
  std::vector<SeriesSpec> series(const Variant&) const override {
    SeriesSpec s{"singular_values",
                 "singular values of PQ, largest first (the truth's: sv1, sv2, then 0)",
                 {},
                 {}};
    for (int i = 0; i < logged_; ++i) {
      s.labels.push_back("s" + std::to_string(i + 1));
      s.reference.push_back(i == 0 ? sv1_ : i == 1 ? sv2_ : 0.0);
    }
    return {s,
            {"relative_error",
             "|PQ - M|_F / |M|_F over every entry, observed or not: how well the whole matrix is "
             "recovered",
             {"relative error"},
             {}}};
  }
  void observe(const Variant& v, const float* th, const double* pr, double* out) const override {
    const std::vector<double> m = product(v, th);
    const std::vector<double> sv = analysis::singular_values(m, n_, n_);
    for (int i = 0; i < logged_; ++i) out[i] = sv[i];
    double unobserved_rmse;
    errors(m, pr, out[logged_], unobserved_rmse);
  }
  std::string test_series() const override { return "relative_error"; }
  std::vector<std::string> metrics(const Variant&) const override {
    return {"relative_error", "unobserved_rmse", "balance_distance"};
  }
  void final_metrics(const Variant& v, const float* th, const double* pr,
                     double* out) const override {
    errors(product(v, th), pr, out[0], out[1]);
    out[2] = balance_distance(v.layout, th);
  }
  // |m − M|_F / |M|_F, and the RMS error over the entries the training does not see.
  void errors(const std::vector<double>& m, const double* pr, double& relative,
              double& unobserved_rmse) const {
    double err = 0, norm = 0, hidden = 0;
    size_t unobserved = 0;
    for (size_t e = 0; e < entries(); ++e) {
      const double r = m[e] - pr[e];
      err += r * r;
      norm += pr[e] * pr[e];
      if (pr[entries() + e] == 0) {
        hidden += r * r;
        ++unobserved;
      }
    }
    relative = std::sqrt(err / norm);
    unobserved_rmse = unobserved ? std::sqrt(hidden / unobserved) : 0.0;
  }

 private:
  int n_;
  double sv1_, sv2_, observe_, keep_, p_sd_, q_sd_, eta_;
  int logged_;
};

}  // namespace

nlohmann::json matcomp_defaults() {
  return {{"size", 20},
          {"sv1", 15.0},
          {"sv2", 5.0},
          {"observe", 0.2},
          {"keep", 0.5},
          {"p_init_sd", 0.11},
          {"q_init_sd", 0.1},
          {"eta", 1e-3},
          {"steps", 500000},
          {"log_every", 5000},
          {"logged_singular_values", 4}};
}

std::unique_ptr<Experiment> make_matcomp_experiment(const Settings& s) {
  return std::make_unique<MatcompExperiment>(s);
}

}  // namespace orbitmc
