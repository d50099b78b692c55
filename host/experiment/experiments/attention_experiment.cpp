// Experiment `attention` (THEORY §8, 2; the paper's Fig. 3): a single head
// softmax(X W_Q (X W_K)ᵀ/√H) X W_V (E = 16, H = 8, T = 8 tokens, no output projection, no mask)
// learns a teacher of the same shape. Per seed: teacher weights N(0, 0.75²) with W_Q times
// (4 + 4|z|); student N(0, 0.1²), columns unbalanced (W_Q[:, j]·s_j, W_K[:, j]/s_j,
// s = exp(linspace(−1.2, 1.2, H))), then W_Q times (1/4 + |z'|/4). sgd: each step 16 fresh
// sequences x ~ N(0, 1) with targets teacher(x) + 0.02·N(0, 1), drawn by the model
// (AttentionModel, batch mode); gd and langevin: a fixed set of `points` such sequences per
// seed. Loss: the mean squared error over every output entry (s² = count·T·H/2). Plotted:
// |W_Q[:, j]| / |W_K[:, j]| per column.
#include <cmath>

#include "experiment/experiment_data.hpp"
#include "experiment/experiments.hpp"
#include "orbitmc/models/attention.hpp"

namespace orbitmc {
namespace {

class AttentionExperiment : public Experiment {
 public:
  explicit AttentionExperiment(const Settings& s)
      : Experiment(s),
        e_(static_cast<int>(s.integer_in("embed", 1, 1024))),
        h_(static_cast<int>(s.integer_in("head", 1, 1024))),
        t_(static_cast<int>(s.integer_in("sequence", 1, 1024))),
        batch_(static_cast<int>(s.integer_in("batch", 1, 1 << 16))),
        points_(static_cast<int>(s.integer_in("points", 1, 1 << 20))),
        test_points_(static_cast<int>(s.integer_in("test_points", 1, 1 << 20))),
        teacher_sd_(s.positive("teacher_sd")),
        student_sd_(s.positive("student_sd")),
        unbalance_(s.non_negative("unbalance")),
        noise_(s.non_negative("label_noise")),
        eta_(s.positive("eta")) {
    const double seq = double(t_) * (e_ + h_);
    check_seed_size("embed/head/sequence/points/test_points/batch",
                    3.0 * e_ * h_ + (double(points_) + test_points_) * seq + 4.0 * t_ * h_ +
                        2.0 * t_ * t_ + double(batch_) * seq,
                    3.0 * e_ * h_);
  }

  RuntimeLayout layout() const { return RuntimeLayout{h_, e_, e_, e_ * h_}; }
  std::vector<Variant> variants() const override {
    Variant v{"head", "model", eta_, layout(), {}};
    for (int j = 0; j < h_; ++j) v.block_labels.push_back("column " + std::to_string(j));
    return {v};
  }

  size_t teacher_words() const { return static_cast<size_t>(layout().dim()); }
  size_t set_words(int n) const { return static_cast<size_t>(n) * t_ * (e_ + h_); }
  // teacher θ; training X (points × T × E), Y (points × T × H); test X, Y.
  size_t problem_words() const override {
    return teacher_words() + set_words(points_) + set_words(test_points_);
  }
  // n sequences at `out`: X, then Y = teacher(X) + noise·N(0, 1).
  void draw_set(SeedDraws& d, const double* teacher, int n, double noise, double* out) const {
    const size_t xw = static_cast<size_t>(n) * t_ * e_;
    for (size_t k = 0; k < xw; ++k) out[k] = d.normal();
    AttentionModel<double> m{layout(), n, t_, 1.0, 0.0};
    m.data = out;
    std::vector<double> ws(m.scratch_words());
    const auto work = m.scratch(ws.data());
    const int th = t_ * h_;
    for (int p = 0; p < n; ++p) {
      for (int c = 0; c < th; ++c) out[xw + p * th + c] = 0;  // forward() leaves out − 0
      m.forward(teacher, p, ws.data(), work, 1.0);
      for (int c = 0; c < th; ++c) out[xw + p * th + c] = work.d[c] + noise * d.normal();
    }
  }
  void make_problem(SeedDraws& d, double* p) const override {
    const RuntimeLayout l = layout();
    for (size_t k = 0; k < teacher_words(); ++k) p[k] = teacher_sd_ * d.normal();
    const double boost = 4 + 4 * std::fabs(d.normal());
    for (int j = 0; j < h_; ++j)
      for (int i = 0; i < e_; ++i) p[l.u(j, i)] *= boost;
    draw_set(d, p, points_, noise_, p + teacher_words());
    draw_set(d, p, test_points_, 0.0, p + teacher_words() + set_words(points_));
  }
  void init(const Variant& v, SeedDraws& d, double* th) const override {
    const RuntimeLayout& l = v.layout;
    for (int k = 0; k < l.dim(); ++k) th[k] = student_sd_ * d.normal();
    const double shrink = 0.25 + std::fabs(d.normal()) / 4;
    for (int j = 0; j < h_; ++j) {
      const double s = unbalance_factor(unbalance_, j, h_);
      for (int i = 0; i < e_; ++i) {
        th[l.u(j, i)] *= s * shrink;
        th[l.v(j, i)] /= s;
      }
    }
  }

  std::unique_ptr<TrainingJob> job(const Variant& v, const JobContext& c,
                                   const double* problems) const override {
    const bool sgd = c.noise == NoiseModel::kSgd;
    const int count = sgd ? batch_ : points_;
    AttentionModel<float> m{v.layout, points_, t_, std::sqrt(count * t_ * h_ / 2.0f), 0.f};
    m.batch = sgd ? batch_ : 0;
    m.label_noise = static_cast<float>(noise_);
    const size_t offset = sgd ? 0 : teacher_words();
    const size_t words = sgd ? teacher_words() : set_words(points_);
    auto data = per_seed_data(problems, problem_words(), c.seeds, words, copy_words(offset, words));
    return make_training_job(m, v.eta, std::move(data), words, c);
  }

  std::vector<SeriesSpec> series(const Variant&) const override {
    return {{"test_mse",
             "mean squared error per output entry on the seed's test sequences (the teacher "
             "without label noise)",
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
    std::vector<double> theta(th, th + v.layout.dim());
    AttentionModel<double> m{v.layout, test_points_, t_, 1.0, 0.0};
    m.data = p + teacher_words() + set_words(points_);
    std::vector<double> ws(m.scratch_words());
    const auto work = m.scratch(ws.data());
    const int n = t_ * h_;
    double se = 0;
    for (int q = 0; q < test_points_; ++q) se += m.forward(theta.data(), q, ws.data(), work, 1.0);
    return se / (double(test_points_) * n);
  }

  int e_, h_, t_, batch_, points_, test_points_;
  double teacher_sd_, student_sd_, unbalance_, noise_, eta_;
};

}  // namespace

nlohmann::json attention_defaults() {
  return {{"embed", 16},      {"head", 8},           {"sequence", 8},      {"batch", 16},
          {"points", 32},     {"test_points", 256},  {"teacher_sd", 0.75}, {"student_sd", 0.1},
          {"unbalance", 1.2}, {"label_noise", 0.02}, {"eta", 1e-3},        {"steps", 50000},
          {"log_every", 100}};
}

std::unique_ptr<Experiment> make_attention_experiment(const Settings& s) {
  return std::make_unique<AttentionExperiment>(s);
}

}  // namespace orbitmc
