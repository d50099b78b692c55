// One harness over every registered model, at a small size and at the paper's size, and at depth
// 3 and 4 (THEORY §1–§5, §8): gradients of L, F and log det G against central finite
// differences; invariance L(g·θ) = L(θ) and of the orbit coordinates under each generator
// (factor k scaled by g, factor k + 1 by 1/g); ⟨∇L, ∇F_b,k⟩ = 0; the projection lands on the
// slice; the Gram diagonal |∇F_b,k|² = |u^k|² + |u^{k+1}|². Runs the general path's model (run-time
// sizes, double); a model added to the registry gets a case line here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "ensemble/sampler_dispatch.hpp"
#include "models/model_registry.hpp"
#include "orbitmc/core/factor_geometry.hpp"
#include "orbitmc/core/philox_noise.hpp"

namespace orbitmc {
namespace {

struct HarnessCase {
  std::string label;
  ModelSpec spec;
};

std::vector<HarnessCase> harness_cases() {
  std::vector<HarnessCase> c;
  for (const std::string& name : model_preset_names()) c.push_back({name, model_preset(name)});
  return c;
}

// Runs body(model, layout) with the spec's model at run-time sizes in double, its data bound.
template <class F>
void with_model(const ModelSpec& s, F&& body) {
  const std::vector<double> data = model_data(s);
  const bool known = with_model_template(s.name, [&](auto tag) {
    using M = typename decltype(tag)::template type<double, RuntimeLayout>;
    using Info = typename info_of<M>::type;
    const auto params = params_as<typename Info::Params>(s);
    M model = Info::template build<double>(params, Info::layout(params));
    model.data = data.data();
    body(model, model.layout);
  });
  ASSERT_TRUE(known) << s.name;
}

// A generic point: entries N(0, 1) (fixed seed), away from the slice.
std::vector<double> point(int which, int d) {
  std::vector<double> x(d);
  normals(NoiseKey{99}, kStreamInit, static_cast<uint32_t>(which), 0, d, x.data());
  return x;
}

double central_difference(const std::function<double(const double*)>& f, std::vector<double>& x,
                          int k) {
  const double h = 1e-6, x0 = x[k];
  x[k] = x0 + h;
  const double fp = f(x.data());
  x[k] = x0 - h;
  const double fm = f(x.data());
  x[k] = x0;
  return (fp - fm) / (2 * h);
}

// loss_grad at x returns loss(x) and its gradient matches central differences of loss(), with
// the step's scratch ws (prepared: the minibatch of models with one).
template <class M>
void expect_gradient_of_loss(const M& m, std::vector<double>& x, std::vector<double>& ws) {
  std::vector<double> g(x.size());
  const double loss = m.loss_grad(x.data(), g.data(), ws.data());
  ASSERT_TRUE(std::isfinite(loss));
  EXPECT_NEAR(loss, m.loss(x.data(), ws.data()), 1e-12 * (1 + std::fabs(loss)));
  for (size_t k = 0; k < x.size(); ++k) {
    const double num = central_difference([&](const double* y) { return m.loss(y, ws.data()); }, x,
                                          static_cast<int>(k));
    EXPECT_NEAR(g[k], num, 1e-5 * (1 + std::fabs(num)) + 1e-8 * std::fabs(loss))
        << "component " << k;
  }
}

class ModelHarness : public ::testing::TestWithParam<HarnessCase> {};

TEST_P(ModelHarness, LossGradientMatchesFiniteDifferences) {
  with_model(GetParam().spec, [](const auto& m, const auto& l) {
    std::vector<double> ws(m.scratch_words() + 1);
    m.prepare(NoiseKey{31}, 0, 5, ws.data());  // this step's minibatch, for models with one
    for (int trial = 0; trial < 3; ++trial) {
      std::vector<double> x = point(trial, l.dim());
      expect_gradient_of_loss(m, x, ws);
    }
  });
}

TEST_P(ModelHarness, ConstraintAndLogDetGradientsMatchFiniteDifferences) {
  with_model(GetParam().spec, [](const auto&, const auto& l) {
    const int d = l.dim();
    std::vector<double> x = point(7, d), gl(d, 0.0), gf(d);
    factor_geometry::add_log_det_gram_grad(l, x.data(), 1.0, gl.data());
    for (int b = 0; b < l.blocks(); ++b) {
      for (int c = 0; c + 1 < l.factors(); ++c) {
        factor_geometry::constraint_grad(l, x.data(), b, c, gf.data());
        for (int k = 0; k < d; ++k) {
          const double num = central_difference(
              [&](const double* y) { return factor_geometry::constraint(l, y, b, c); }, x, k);
          EXPECT_NEAR(gf[k], num, 1e-6 * (1 + std::fabs(num)));
        }
      }
    }
    for (int k = 0; k < d; ++k) {
      const double num = central_difference(
          [&](const double* y) { return factor_geometry::log_det_gram(l, y); }, x, k);
      EXPECT_NEAR(gl[k], num, 1e-6 * (1 + std::fabs(num)));
    }
  });
}

TEST_P(ModelHarness, LossIsInvariantAndOrthogonalToGenerators) {
  with_model(GetParam().spec, [](const auto& m, const auto& l) {
    const int d = l.dim();
    std::vector<double> ws(m.scratch_words() + 1), g(d), xi(d);
    m.prepare(NoiseKey{31}, 0, 5, ws.data());
    std::vector<double> x = point(3, d);
    const double l0 = m.loss_grad(x.data(), g.data(), ws.data());
    for (int b = 0; b < l.blocks(); ++b)
      for (int f = 0; f + 1 < l.factors(); ++f) {
        // ξ_b,f = ∇F_b,f = (…, u^f_b, −u^{f+1}_b, …): the generator that scales factor f against
        // f+1
        factor_geometry::constraint_grad(l, x.data(), b, f, xi.data());
        double dot = 0, gn = 0;
        for (int k = 0; k < d; ++k) {
          dot += g[k] * xi[k];
          gn += g[k] * g[k];
        }
        EXPECT_NEAR(dot, 0.0, 1e-10 * (1 + std::sqrt(gn)));
        for (double gscale : {0.3, 1.7, 5.0}) {
          std::vector<double> y = x;
          for (int i = 0; i < l.factor_size(f); ++i) y[l.at(b, f, i)] *= gscale;
          for (int j = 0; j < l.factor_size(f + 1); ++j) y[l.at(b, f + 1, j)] /= gscale;
          EXPECT_NEAR(m.loss(y.data(), ws.data()), l0, 1e-10 * (1 + std::fabs(l0)));
          for (int c = 0; c < m.coords(); ++c)
            EXPECT_NEAR(m.coord(y.data(), c), m.coord(x.data(), c),
                        1e-10 * (1 + std::fabs(m.coord(x.data(), c))));
        }
      }
  });
}

TEST_P(ModelHarness, ProjectionLandsOnTheSlice) {
  with_model(GetParam().spec, [](const auto&, const auto& l) {
    const int d = l.dim();
    std::vector<double> x = point(11, d), on(d), xt(d), out(d), r(d);
    namespace fg = factor_geometry;
    ASSERT_TRUE(fg::project(l, x.data(), x.data(), on.data()));  // base point first
    for (int b = 0; b < l.blocks(); ++b)
      for (int c = 0; c + 1 < l.factors(); ++c)
        EXPECT_NEAR(fg::constraint(l, on.data(), b, c), 0.0, 1e-12 * (1 + d));
    // A Langevin-sized perturbation is projected back along ∇F(x).
    normals(NoiseKey{5}, kStreamLangevin, 0, 0, d, r.data());
    for (int k = 0; k < d; ++k) xt[k] = on[k] + 0.05 * r[k];
    ASSERT_TRUE(fg::project(l, on.data(), xt.data(), out.data()));
    for (int b = 0; b < l.blocks(); ++b)
      for (int c = 0; c + 1 < l.factors(); ++c) {
        const double scale =
            fg::factor_norm2(l, out.data(), b, c) + fg::factor_norm2(l, out.data(), b, c + 1);
        EXPECT_NEAR(fg::constraint(l, out.data(), b, c), 0.0, 1e-12 * scale);
        EXPECT_NEAR(fg::balance(l, out.data(), b, c), 0.0, 1e-10);
      }
  });
}

// G_F = Cᵀ K⁻¹ C (THEORY §2, the paper's eq. 40) for the dual condition: C = K, so G_F = K on
// the slice; here per block and condition, the diagonal |∇F_b,k|² must equal
// |u^k_b|² + |u^{k+1}_b|² (two factors: K_b = |u_b|² + |v_b|²).
TEST_P(ModelHarness, ConstraintGramEqualsOrbitGram) {
  with_model(GetParam().spec, [](const auto&, const auto& l) {
    const int d = l.dim();
    std::vector<double> x = point(2, d), gf(d);
    for (int b = 0; b < l.blocks(); ++b)
      for (int c = 0; c + 1 < l.factors(); ++c) {
        double gg = 0;
        factor_geometry::constraint_grad(l, x.data(), b, c, gf.data());
        for (int k = 0; k < d; ++k) gg += gf[k] * gf[k];
        const double kk = factor_geometry::factor_norm2(l, x.data(), b, c) +
                          factor_geometry::factor_norm2(l, x.data(), b, c + 1);
        EXPECT_NEAR(gg, kk, 1e-12 * kk);
      }
  });
}

INSTANTIATE_TEST_SUITE_P(Models, ModelHarness, ::testing::ValuesIn(harness_cases()),
                         [](const auto& info) { return info.param.label; });

// Every registered model has a harness case.
TEST(ModelHarnessCoverage, EveryRegisteredModelIsTested) {
  std::vector<std::string> tested;
  for (const auto& c : harness_cases()) tested.push_back(c.spec.name);
#define ORBITMC_CHECK_TESTED(...)                                                                 \
  EXPECT_NE(std::find(tested.begin(), tested.end(), ModelInfo<__VA_ARGS__>::kName), tested.end()) \
      << ModelInfo<__VA_ARGS__>::kName;
  ORBITMC_FOR_EACH_MODEL_TEMPLATE(ORBITMC_CHECK_TESTED)
#undef ORBITMC_CHECK_TESTED
}

}  // namespace
}  // namespace orbitmc

namespace orbitmc {
namespace {

// relu with minibatches: each step's points are a pure function of (seed, chain, step), inputs
// are N(0, 1) and targets are the teacher's output plus 0.1·N(0, 1).
TEST(ReluMinibatch, FreshTeacherPointsEveryStepFromTheChainsNoise) {
  const ModelSpec s = model_preset("relu_16_3_batch8");
  const std::vector<double> teacher = model_data(s);
  ASSERT_EQ(teacher.size(), 16u * 4u);  // a (16), then w (16 × 3)
  const ReluParams p = params_as<ReluParams>(s);
  auto m = ModelInfo<ReluModel>::build<double>(p, ModelInfo<ReluModel>::layout(p));
  m.data = teacher.data();
  const int P = 16, d = 3, b = 8;
  std::vector<double> ws(m.scratch_words()), again(ws.size()), other(ws.size());
  m.prepare(NoiseKey{9}, 4, 100, ws.data());
  m.prepare(NoiseKey{9}, 4, 100, again.data());
  m.prepare(NoiseKey{9}, 4, 101, other.data());
  EXPECT_EQ(ws, again);
  EXPECT_NE(std::vector<double>(ws.begin() + P, ws.end()),
            std::vector<double>(other.begin() + P, other.end()));
  // The teacher's output at point i of a prepared minibatch.
  auto teacher_at = [&](const std::vector<double>& w, int i) {
    double f = 0;
    for (int j = 0; j < P; ++j) {
      double z = 0;
      for (int k = 0; k < d; ++k) z += teacher[P + j * d + k] * w[P + i * d + k];
      f += teacher[j] * (z > 0 ? z : 0);
    }
    return f;
  };
  double n = 0, sum = 0, sum2 = 0, xs2 = 0;
  for (uint64_t step = 0; step < 2000; ++step) {
    m.prepare(NoiseKey{9}, 4, step, ws.data());
    for (int i = 0; i < b; ++i) {
      const double e = ws[P + b * d + i] - teacher_at(ws, i);
      n += 1;
      sum += e;
      sum2 += e * e;
      for (int k = 0; k < d; ++k) xs2 += ws[P + i * d + k] * ws[P + i * d + k];
    }
  }
  // 16000 noise draws of sd 0.1: the mean within 5 standard errors, the sd within 3 %; the
  // inputs' second moment (48000 draws of N(0, 1)) within 3 %.
  EXPECT_NEAR(sum / n, 0.0, 5 * 0.1 / std::sqrt(n));
  EXPECT_NEAR(std::sqrt(sum2 / n), 0.1, 0.003);
  EXPECT_NEAR(xs2 / (n * d), 1.0, 0.03);
  // The label noise is the model's setting (the experiment's `noise`): 0.3 scales the same
  // normals by 3 (the inputs are the same draws).
  std::vector<double> loud(ws.size());
  m.prepare(NoiseKey{9}, 4, 100, again.data());
  m.label_noise = 0.3;
  m.prepare(NoiseKey{9}, 4, 100, loud.data());
  for (int i = 0; i < b; ++i) {
    const double f = teacher_at(loud, i);
    EXPECT_EQ(loud[P + i * d], again[P + i * d]);
    EXPECT_NEAR(loud[P + b * d + i] - f, 3 * (again[P + b * d + i] - f), 1e-12) << i;
  }
}

// attention with fresh sequences (experiment 2's sgd): loss() and loss_grad() see the same
// `batch` sequences of the step (loss() once read the data set's count of sequences past the
// minibatch), and the gradient is the loss's, by finite differences.
TEST(AttentionMinibatch, LossAndGradientOfTheStepsSequences) {
  ModelSpec s = model_preset("attention_small");
  const AttentionParams p = params_as<AttentionParams>(s);
  auto m = ModelInfo<AttentionModel>::build<double>(p, ModelInfo<AttentionModel>::layout(p));
  const int d = m.layout.dim();
  const std::vector<double> teacher = point(3, d);  // the teacher's weights, laid out as θ
  m.data = teacher.data();
  m.points = 32;  // a data-set size larger than the batch: must not be read in minibatch mode
  m.batch = 4;
  std::vector<double> ws(m.scratch_words());
  m.prepare(NoiseKey{5}, 2, 7, ws.data());
  std::vector<double> x = point(4, d);
  expect_gradient_of_loss(m, x, ws);
}

}  // namespace
}  // namespace orbitmc
