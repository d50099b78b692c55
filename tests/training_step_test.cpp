// The per-seed training step and the per-step samples of SGD: a gd step is exactly
// θ − η∇L and returns the loss at θ; the imbalance identity of THEORY §7 holds to float rounding
// for gd and sgd, and for langevin the residual has the stated mean 2η(n − m)/β; matfac keeps each
// observed entry with probability `keep`; hadamard's minibatch points are uniform over the data
// set.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "orbitmc/core/chain_state.hpp"
#include "orbitmc/models/attention.hpp"
#include "orbitmc/models/hadamard.hpp"
#include "orbitmc/models/matfac.hpp"
#include "orbitmc/models/relu.hpp"
#include "orbitmc/training/train_step.hpp"

namespace orbitmc {
namespace {

// A relu of 4 units on R³ with 16 fixed points, in float, and its starting point.
struct SmallRelu {
  std::vector<float> data;
  ReluModel<float> model{RuntimeLayout{4, 1, 3, 0}, 16, std::sqrt(8.0f), 0.f};
  std::vector<float> x0;
  SmallRelu() {
    data.resize(16 * 4);
    for (int k = 0; k < 16 * 4; ++k) data[k] = std::sin(1.3f * k + 0.2f);  // x then y
    model.data = data.data();
    x0.resize(16);
    for (int k = 0; k < 16; ++k) x0[k] = 0.4f * std::cos(0.7f * k);
  }
};

struct Scratch {
  std::vector<float> words;
  ViewWork<float*> w;
  Scratch(int d, int model_words) : words(kTrainVectors * d + model_words) {
    w = ViewWork<float*>{words.data(), d, kTrainVectors};
  }
};

TEST(TrainStep, GdIsExactlyTheGradientStep) {
  SmallRelu r;
  const int d = 16;
  Scratch s(d, r.model.scratch_words());
  std::vector<float> x = r.x0, g(d), ws(r.model.scratch_words());
  const float loss = r.model.loss_grad(x.data(), g.data(), ws.data());
  std::vector<double> tally(4 * BalanceTally::kWords, 0.0);
  ChainCounters c;
  const TrainRule<float> rule{NoiseModel::kGd, 1e-2f, 1.f};
  // The step returns the loss it descended, at the parameters before it (the training curves).
  EXPECT_EQ(train_step(r.model, rule, x.data(), s.w, tally.data(), c, NoiseKey{1}, 0, 0), loss);
  EXPECT_GT(loss, 0.f);
  for (int k = 0; k < d; ++k) EXPECT_EQ(x[k], r.x0[k] - 1e-2f * g[k]) << k;
  EXPECT_EQ(c.diverged, 0u);
  // A diverged training takes no step and adds nothing to a running loss.
  c.diverged = 1;
  const std::vector<float> frozen = x;
  EXPECT_EQ(train_step(r.model, rule, x.data(), s.w, tally.data(), c, NoiseKey{1}, 0, 1), 0.f);
  EXPECT_EQ(x, frozen);
}

TEST(TrainStep, ImbalanceIdentityHoldsToRoundingForGd) {
  SmallRelu r;
  Scratch s(16, r.model.scratch_words());
  std::vector<float> x = r.x0;
  std::vector<double> tally(4 * BalanceTally::kWords, 0.0);
  ChainCounters c;
  const TrainRule<float> rule{NoiseModel::kGd, 5e-2f, 1.f};
  for (uint64_t n = 0; n < 200; ++n)
    train_step(r.model, rule, x.data(), s.w, tally.data(), c, NoiseKey{1}, 0, n);
  for (int b = 0; b < 4; ++b) {
    EXPECT_LT(tally[BalanceTally::kWords * b], 1e-6) << b;  // max |r| / (|u|² + |v|²)
    // ...and the step did write it: the float update's rounding leaves some residual.
    EXPECT_GT(tally[BalanceTally::kWords * b], 0.0) << b;
    EXPECT_GT(tally[BalanceTally::kWords * b + 2], 0.0) << b;  // Σ r²
  }
  // Over the run the tallies telescope: Σ r = (D_end − D_start) − Σ η²(|g_u|² − |g_v|²), and
  // the identity has content: the predicted change is far above what the residuals sum to.
  const auto& l = r.model.layout;
  auto imbalance = [&](const std::vector<float>& th, int b) {
    double d = 0;
    for (int i = 0; i < l.n(); ++i) d += double(th[l.u(b, i)]) * th[l.u(b, i)];
    for (int j = 0; j < l.m(); ++j) d -= double(th[l.v(b, j)]) * th[l.v(b, j)];
    return d;
  };
  for (int b = 0; b < 4; ++b) {
    const double* t = tally.data() + BalanceTally::kWords * b;
    const double change = imbalance(x, b) - imbalance(r.x0, b);
    EXPECT_NEAR(change - t[3], t[1], 1e-12) << b;
    EXPECT_GT(std::fabs(t[3]), 1e-5) << b;
    EXPECT_LT(std::fabs(t[1]), 1e-3 * std::fabs(t[3])) << b;
  }
}

TEST(TrainStep, LangevinResidualHasTheDriftOfTheory) {
  // Per step the residual (D' − D) − η²(|g_u|² − |g_v|²) has mean s²(n − m) = 2η(n − m)/β and
  // variance about 4s²(|u|² + |v|²); 200 chains × 500 steps × 4 blocks give a standard error
  // far below the drift: the mean must lie within 5 of them.
  SmallRelu r;
  const float eta = 1e-3f, beta = 1.f;
  const TrainRule<float> rule{NoiseModel::kLangevin, eta, beta};
  double sum = 0, sum2 = 0, count = 0;
  for (uint32_t chain = 0; chain < 200; ++chain) {
    Scratch s(16, r.model.scratch_words());
    std::vector<float> x = r.x0;
    std::vector<double> tally(4 * BalanceTally::kWords, 0.0);
    ChainCounters c;
    for (uint64_t n = 0; n < 500; ++n)
      train_step(r.model, rule, x.data(), s.w, tally.data(), c, NoiseKey{77}, chain, n);
    ASSERT_EQ(c.diverged, 0u);
    for (int b = 0; b < 4; ++b) {
      sum += tally[BalanceTally::kWords * b + 1];
      sum2 += tally[BalanceTally::kWords * b + 2];
      count += 500;
    }
  }
  const double mean = sum / count, se = std::sqrt((sum2 / count - mean * mean) / count);
  const double expected = 2.0 * eta * (1 - 3) / beta;  // n = 1 (a_j), m = 3 (w_j)
  EXPECT_NEAR(mean, expected, 5 * se) << "se " << se;
  EXPECT_LT(5 * se, 0.5 * std::fabs(expected));  // the test can tell the drift from 0
}

TEST(TrainStep, NonFiniteStepFreezesTheTrainingAsDiverged) {
  SmallRelu r;
  Scratch s(16, r.model.scratch_words());
  std::vector<float> x = r.x0;
  std::vector<double> tally(4 * BalanceTally::kWords, 0.0);
  ChainCounters c;
  const TrainRule<float> rule{NoiseModel::kGd, 1e30f, 1.f};
  train_step(r.model, rule, x.data(), s.w, tally.data(), c, NoiseKey{1}, 0, 0);
  EXPECT_EQ(c.diverged, 1u);
  EXPECT_EQ(x, r.x0);  // the last finite state is kept
  train_step(r.model, TrainRule<float>{NoiseModel::kGd, 1e-3f, 1.f}, x.data(), s.w, tally.data(), c,
             NoiseKey{1}, 0, 1);
  EXPECT_EQ(x, r.x0);  // and stays frozen
}

TEST(SgdSamples, MatfacKeepsEachEntryWithItsProbability) {
  std::vector<float> data(2 * 36, 1.f);  // target 1, every entry observed
  MatfacModel<float> m{RuntimeLayout{2, 6, 6, 0}, 1.f, 0.f};
  m.data = data.data();
  m.keep = 0.3f;
  std::vector<float> ws(m.scratch_words()), again(ws.size());
  ASSERT_EQ(ws.size(), 36u);
  m.prepare(NoiseKey{4}, 2, 10, ws.data());
  m.prepare(NoiseKey{4}, 2, 10, again.data());
  EXPECT_EQ(ws, again);  // a pure function of (seed, chain, step)
  double kept = 0, total = 0, same = 0;
  std::vector<float> prev(36);
  for (uint64_t step = 0; step < 2000; ++step) {
    m.prepare(NoiseKey{4}, 2, step, ws.data());
    for (int e = 0; e < 36; ++e) {
      kept += ws[e];
      same += step > 0 && ws[e] == 1.f && prev[e] == 1.f;
    }
    total += 36;
    prev = ws;
  }
  // 72 000 draws: the kept fraction within 5 standard errors of 0.3, and consecutive steps
  // independent (both kept: 0.09).
  EXPECT_NEAR(kept / total, 0.3, 5 * std::sqrt(0.3 * 0.7 / total));
  EXPECT_NEAR(same / (total - 36), 0.09, 5 * std::sqrt(0.09 * 0.91 / total));
  // A kept-out entry contributes nothing: with every entry dropped the gradient is 0.
  m.keep = 1e-9f;
  std::vector<float> th(24, 0.5f), g(24);
  m.prepare(NoiseKey{4}, 2, 0, ws.data());
  m.loss_grad(th.data(), g.data(), ws.data());
  for (float gk : g) EXPECT_EQ(gk, 0.f);
}

TEST(SgdSamples, HadamardMinibatchPointsAreUniform) {
  const int points = 10, batch = 5;
  std::vector<float> data(points * 3 + points, 0.f);
  HadamardModel<float> m{RuntimeLayout{3, 1, 1, 0}, points, 1.f, 0.f};
  m.data = data.data();
  m.batch = batch;
  std::vector<float> ws(m.scratch_words());
  ASSERT_EQ(ws.size(), 2u * batch);
  std::vector<double> hits(points, 0.0);
  const int steps = 4000;
  for (uint64_t step = 0; step < steps; ++step) {
    m.prepare(NoiseKey{8}, 1, step, ws.data());
    for (int i = 0; i < batch; ++i) {
      const float at = ws[batch + i];
      ASSERT_EQ(at, std::floor(at));
      ASSERT_GE(at, 0.f);
      ASSERT_LT(at, float(points));
      hits[static_cast<int>(at)] += 1;
    }
  }
  // χ² against uniform with 9 degrees of freedom: below 27.9 (p = 0.001).
  const double expect = double(steps) * batch / points;
  double chi2 = 0;
  for (double h : hits) chi2 += (h - expect) * (h - expect) / expect;
  EXPECT_LT(chi2, 27.9);
}

TEST(SgdSamples, AttentionDrawsFreshSequencesWithNoisyTeacherTargets) {
  const int E = 3, H = 2, T = 4, B = 5;
  const RuntimeLayout l{H, E, E, E * H};
  std::vector<double> teacher(l.dim());
  for (int k = 0; k < l.dim(); ++k) teacher[k] = std::sin(0.9 * k + 0.3);
  AttentionModel<double> m{l, 0, T, 1.0, 0.0};
  m.data = teacher.data();
  m.batch = B;
  m.label_noise = 0.02;
  std::vector<double> ws(m.scratch_words()), again(ws.size());
  m.prepare(NoiseKey{3}, 6, 40, ws.data());
  m.prepare(NoiseKey{3}, 6, 40, again.data());
  EXPECT_EQ(ws, again);
  // The targets minus the teacher's outputs on the same sequences: N(0, 0.02²); the tokens
  // N(0, 1). The teacher's outputs come from a fixed-data model over the drawn sequences.
  double n = 0, sum = 0, sum2 = 0, xs2 = 0, nx = 0;
  std::vector<double> set(B * T * (E + H)), work(m.work_words());
  for (uint64_t step = 0; step < 400; ++step) {
    m.prepare(NoiseKey{3}, 6, step, ws.data());
    std::copy(ws.begin() + m.work_words(), ws.end(), set.begin());
    AttentionModel<double> fixed{l, B, T, 1.0, 0.0};
    fixed.data = set.data();
    for (int p = 0; p < B; ++p) {
      const auto scratch = fixed.scratch(work.data());
      fixed.forward(teacher.data(), p, work.data(), scratch, 1.0);  // leaves out − y = −noise
      for (int c = 0; c < T * H; ++c) {
        sum += -scratch.d[c];
        sum2 += scratch.d[c] * scratch.d[c];
        n += 1;
      }
    }
    for (int c = 0; c < B * T * E; ++c) {
      xs2 += set[c] * set[c];
      nx += 1;
    }
  }
  EXPECT_NEAR(sum / n, 0.0, 5 * 0.02 / std::sqrt(n));
  EXPECT_NEAR(std::sqrt(sum2 / n), 0.02, 0.02 * 0.05);
  EXPECT_NEAR(xs2 / nx, 1.0, 0.05);
}

}  // namespace
}  // namespace orbitmc
