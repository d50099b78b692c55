// Experiment `relu` (THEORY §8, 1; the paper's Fig. 2): a student f(x) = Σ_j a_j relu(w_j · x)
// learns a teacher of the same shape from fresh minibatches. Per seed: teacher weights
// N(0, 1.5²); student N(0, 0.05²), then unbalanced (w_j · s_j, a_j / s_j with
// s = exp(linspace(−1.2, 1.2, units))). sgd: each step a fresh batch x ~ N(0, I),
// y = teacher(x) + 0.1·N(0, 1), drawn by the model (ReluModel, batch mode); gd and langevin: a
// fixed training set of `points` such pairs, drawn once per seed. Loss: the batch mean of the
// squared error (the model's Σ r²/(2s²) with s² = count/2). Logged: the test error; plotted:
// |a_j| / |w_j| per unit.
#include <cmath>

#include "experiment/experiment_data.hpp"
#include "experiment/experiments.hpp"
#include "orbitmc/models/relu.hpp"

namespace orbitmc {
namespace {

class ReluExperiment : public Experiment {
 public:
  explicit ReluExperiment(const Settings& s)
      : Experiment(s),
        units_(static_cast<int>(s.integer_in("units", 1, 4096))),
        dim_(static_cast<int>(s.integer_in("input_dim", 1, 4096))),
        points_(static_cast<int>(s.integer_in("points", 1, 1 << 20))),
        test_points_(static_cast<int>(s.integer_in("test_points", 1, 1 << 20))),
        batch_(static_cast<int>(s.integer_in("batch", 1, 1 << 16))),
        teacher_sd_(s.positive("teacher_sd")),
        student_sd_(s.positive("student_sd")),
        unbalance_(s.non_negative("unbalance")),
        noise_(s.non_negative("label_noise")),
        eta_(s.positive("eta")) {
    check_seed_size("units/input_dim/points/test_points",
                    double(units_) * (1 + dim_) + (double(points_) + test_points_) * (dim_ + 1),
                    double(units_) * (1 + dim_));
  }

  std::vector<Variant> variants() const override {
    Variant v{"network", "model", eta_, RuntimeLayout{units_, 1, dim_, 0}, {}};
    for (int j = 0; j < units_; ++j) v.block_labels.push_back("unit " + std::to_string(j));
    return {v};
  }

  // teacher a (units), w (units × d); training x (points × d), y (points); test x, y.
  size_t teacher_words() const { return static_cast<size_t>(units_) * (1 + dim_); }
  size_t set_words(int n) const { return static_cast<size_t>(n) * (dim_ + 1); }
  size_t problem_words() const override {
    return teacher_words() + set_words(points_) + set_words(test_points_);
  }
  // The teacher's output at x: the model's own forward pass over the teacher's a, then w.
  double teacher(const double* p, const double* x) const {
    return ReluModel<double>::network<double>(
        units_, dim_, [&](int j) { return p[j]; },
        [&](int j, int k) { return p[units_ + j * dim_ + k]; }, [&](int k) { return x[k]; });
  }
  // n pairs at `out`: x (n × d), then y = teacher(x) + noise·N(0, 1).
  void draw_set(SeedDraws& d, const double* p, int n, double noise, double* out) const {
    for (int i = 0; i < n * dim_; ++i) out[i] = d.normal();
    for (int i = 0; i < n; ++i) out[n * dim_ + i] = teacher(p, out + i * dim_) + noise * d.normal();
  }
  void make_problem(SeedDraws& d, double* p) const override {
    for (size_t k = 0; k < teacher_words(); ++k) p[k] = teacher_sd_ * d.normal();
    draw_set(d, p, points_, noise_, p + teacher_words());
    draw_set(d, p, test_points_, 0.0, p + teacher_words() + set_words(points_));
  }
  void init(const Variant& v, SeedDraws& d, double* th) const override {
    const RuntimeLayout& l = v.layout;
    for (int j = 0; j < units_; ++j) {
      const double s = unbalance_factor(unbalance_, j, units_);
      for (int k = 0; k < dim_; ++k) th[l.v(j, k)] = student_sd_ * d.normal() * s;
      th[l.u(j, 0)] = student_sd_ * d.normal() / s;
    }
  }

  std::unique_ptr<TrainingJob> job(const Variant& v, const JobContext& c,
                                   const double* problems) const override {
    ReluModel<float> m{v.layout, points_, std::sqrt(points_ / 2.0f), 0.f};
    size_t offset = teacher_words(), count = set_words(points_);
    if (c.noise == NoiseModel::kSgd) {  // the teacher, read by the model's minibatches
      m.batch = batch_;
      m.label_noise = static_cast<float>(noise_);
      m.width = std::sqrt(batch_ / 2.0f);
      offset = 0;
      count = teacher_words();
    }
    auto data = per_seed_data(problems, problem_words(), c.seeds, count, copy_words(offset, count));
    return make_training_job(m, v.eta, std::move(data), count, c);
  }

  std::vector<SeriesSpec> series(const Variant&) const override {
    return {{"test_mse",
             "mean squared error on the seed's test points (the teacher without label noise)",
             {"test mse"},
             {}}};
  }
  void observe(const Variant& v, const float* th, const double* p, double* out) const override {
    out[0] = test_mse(v, th, p);
  }
  std::string test_series() const override { return "test_mse"; }

  std::vector<std::string> metrics(const Variant&) const override {
    return {"test_mse", "balance_distance"};
  }
  void final_metrics(const Variant& v, const float* th, const double* p,
                     double* out) const override {
    out[0] = test_mse(v, th, p);
    out[1] = balance_distance(v.layout, th);
  }

 private:
  double test_mse(const Variant& v, const float* th, const double* p) const {
    const double* x = p + teacher_words() + set_words(points_);
    const double* y = x + static_cast<size_t>(test_points_) * dim_;
    double se = 0;
    const RuntimeLayout& l = v.layout;
    for (int i = 0; i < test_points_; ++i) {
      const double f = ReluModel<double>::network<double>(
          units_, dim_, [&](int j) { return double(th[l.u(j, 0)]); },
          [&](int j, int k) { return double(th[l.v(j, k)]); },
          [&](int k) { return x[i * dim_ + k]; });
      se += (f - y[i]) * (f - y[i]);
    }
    return se / test_points_;
  }

  int units_, dim_, points_, test_points_, batch_;
  double teacher_sd_, student_sd_, unbalance_, noise_, eta_;
};

}  // namespace

nlohmann::json relu_defaults() {
  return {{"units", 16},      {"input_dim", 3},     {"teacher_sd", 1.5}, {"student_sd", 0.05},
          {"unbalance", 1.2}, {"label_noise", 0.1}, {"batch", 8},        {"eta", 5e-5},
          {"steps", 40000},   {"log_every", 10},    {"points", 256},     {"test_points", 1000}};
}

std::unique_ptr<Experiment> make_relu_experiment(const Settings& s) {
  return std::make_unique<ReluExperiment>(s);
}

}  // namespace orbitmc
