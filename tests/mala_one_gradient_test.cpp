// MALA with one gradient per step: AmbientMALA carries V(x) and ∇V(x) of the current state
// from one step to the next (recomputed on the first step of every run of steps). Against the
// two-gradient step it replaced (mala_reference.hpp, kept as the reference), every chain makes
// the same proposals and decisions and ends in the same state: bit for bit on the scalar path
// (float and double), to rounding on the vector paths (see kScalarPathExact), for models whose
// loss is fixed and for models that draw a minibatch per step, on the register and run-time
// layouts. Run whole, cut into segments (as a segment boundary or a resumed checkpoint cuts it)
// or as a range of chains that starts elsewhere (an MPI rank's share), the one-gradient MALA
// gives the same bits on every path. Chains that start non-finite or out of bound, or diverge on
// the way, do as the reference does. A fixed loss costs one gradient per step (and one more per
// run of steps), a minibatch two.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "backend/simd/lane_dispatch.hpp"
#include "lane_steps_support.hpp"
#include "mala_reference.hpp"
#include "orbitmc/chain_runner.hpp"

namespace orbitmc {
namespace {

using testing::ReferenceTwoGradientMALA;

constexpr NoiseKey kKey{31337};
constexpr uint64_t kSteps = 160;
constexpr size_t kChains = 37;  // not a multiple of the lanes: a padded group

// Chains' states (chain-major, as EnsembleState::x holds them) and counters.
struct Chains {
  std::vector<double> x;
  std::vector<ChainCounters> c;
};

// A chain's memory on the scalar path as the CPU backend lays it out: registers for a compiled-
// in layout, one buffer for a run-time one; reused for every chain and segment.
template <class S, bool kFixed = model_of<S>::Layout::kFixed>
struct ScalarMemory;
template <class S>
struct ScalarMemory<S, true> {
  using T = typename S::T;
  static constexpr int D = model_of<S>::Layout::kDim;
  T x[D];
  RegisterWork<T, D, S::kVectors, model_of<S>::kScratch> work;
  explicit ScalarMemory(const S&) {}
  T* state() { return x; }
};
template <class S>
struct ScalarMemory<S, false> {
  using T = typename S::T;
  std::vector<T> words;
  ViewWork<T*> work;
  explicit ScalarMemory(const S& s) {
    const int d = s.model.layout.dim();
    words.assign(static_cast<size_t>(d) * (1 + S::kVectors) + s.model.scratch_words(), T(0));
    work = ViewWork<T*>{words.data() + d, d, S::kVectors};
  }
  T* state() { return words.data(); }
};

// Steps [cuts[j], cuts[j + 1]) of every chain for each j, each range one call of the chain loop
// (run_chain: begin(), then the steps), chains numbered from first_chain.
template <class S>
void scalar_run(const S& s, Chains& ch, const std::vector<uint64_t>& cuts,
                uint32_t first_chain = 0) {
  using T = typename S::T;
  const int d = s.model.layout.dim();
  ScalarMemory<S> mem(s);
  T* x = mem.state();
  const ObservationSpec<T> obs{};  // no coordinate observed
  const Schedule sched{0, 1, cuts.back()};
  auto sink = [](int, int) {};
  SplitMoments<T> mom[kMaxObserved];
  for (size_t j = 0; j + 1 < cuts.size(); ++j)
    for (size_t i = 0; i < ch.c.size(); ++i) {
      for (int k = 0; k < d; ++k) x[k] = static_cast<T>(ch.x[i * d + k]);
      run_chain(s, x, mem.work, ch.c[i], mom, obs, sched, kKey,
                first_chain + static_cast<uint32_t>(i), cuts[j], cuts[j + 1], sink);
      for (int k = 0; k < d; ++k) ch.x[i * d + k] = static_cast<double>(x[k]);
    }
}

// The same on a vector path, through its entry point (run_lanes: begin(), then the steps).
template <class S>
void lane_run(simd::LanePath path, const S& s, Chains& ch, const std::vector<uint64_t>& cuts,
              uint64_t first_chain = 0) {
  for (size_t j = 0; j + 1 < cuts.size(); ++j)
    lane_steps_between(path, s, ch.x.data(), ch.c.data(), ch.c.size(), cuts[j], cuts[j + 1], kKey,
                       first_chain);
}

// Random states away from 0 and on the slice (|u_b| = |v_b|); chain 3 starts at NaN and chain
// 4 beyond the bound.
template <class L>
std::vector<double> start_states(const L& l, double bound) {
  const int d = l.dim();
  std::vector<double> x0(kChains * d);
  for (size_t i = 0; i < kChains; ++i) {
    std::vector<float> z(d);
    normals(NoiseKey{5}, kStreamInit, static_cast<uint32_t>(i), 0, d, z.data());
    double* x = x0.data() + i * d;
    for (int k = 0; k < d; ++k) x[k] = 0.8 * z[k] + (z[k] < 0 ? -0.3 : 0.3);
    for (int b = 0; b < l.blocks(); ++b) {
      double uu = 0, vv = 0;
      for (int j = 0; j < l.n(); ++j) uu += x[l.u(b, j)] * x[l.u(b, j)];
      for (int j = 0; j < l.m(); ++j) vv += x[l.v(b, j)] * x[l.v(b, j)];
      const double r = std::pow(uu * vv, 0.25);
      for (int j = 0; j < l.n(); ++j) x[l.u(b, j)] *= r / std::sqrt(uu);
      for (int j = 0; j < l.m(); ++j) x[l.v(b, j)] *= r / std::sqrt(vv);
    }
  }
  x0[3 * d] = std::numeric_limits<double>::quiet_NaN();
  x0[4 * d + d - 1] = 2 * bound;
  return x0;
}

std::vector<uint64_t> bits_of(const std::vector<double>& x) {
  std::vector<uint64_t> b(x.size());
  std::memcpy(b.data(), x.data(), x.size() * sizeof(double));
  return b;
}

// Identical bit for bit: states (NaN included) and every counter; `from` skips chains of the
// reference that `b` does not hold.
void expect_identical(const Chains& ref, const Chains& b, const std::string& what,
                      size_t from = 0) {
  const size_t d = ref.x.size() / ref.c.size();
  const std::vector<double> tail(ref.x.begin() + static_cast<std::ptrdiff_t>(from * d),
                                 ref.x.end());
  EXPECT_EQ(bits_of(tail), bits_of(b.x)) << what;
  for (size_t i = from; i < ref.c.size(); ++i) {
    ASSERT_EQ(ref.c[i].rejected, b.c[i - from].rejected) << what << " chain " << i;
    ASSERT_EQ(ref.c[i].diverged, b.c[i - from].diverged) << what << " chain " << i;
    ASSERT_EQ(ref.c[i].failed, b.c[i - from].failed) << what << " chain " << i;
  }
}

// The same counters, and states that agree to float rounding (NaN where the other is NaN).
void expect_close(const Chains& ref, const Chains& b, const std::string& what) {
  ASSERT_EQ(ref.x.size(), b.x.size()) << what;
  for (size_t k = 0; k < ref.x.size(); ++k) {
    const double u = ref.x[k], v = b.x[k];
    if (std::isnan(u) && std::isnan(v)) continue;
    ASSERT_LE(std::fabs(u - v), 1e-4 * std::max(1.0, std::fabs(u))) << what << " word " << k;
  }
  for (size_t i = 0; i < ref.c.size(); ++i) {
    ASSERT_EQ(ref.c[i].rejected, b.c[i].rejected) << what << " chain " << i;
    ASSERT_EQ(ref.c[i].diverged, b.c[i].diverged) << what << " chain " << i;
  }
}

// The reference's run means something: chains accept and reject (at least 2 % of either), the
// two bad starts diverge, and with a tight bound some others diverge on the way, not all.
void expect_meaningful(const Chains& ref, const std::string& what, bool tight_bound) {
  uint64_t rejected = 0, live = 0;
  for (const ChainCounters& c : ref.c) {
    rejected += c.rejected;
    live += c.diverged == 0;
  }
  EXPECT_EQ(ref.c[3].diverged, 1u) << what;
  EXPECT_EQ(ref.c[4].diverged, 1u) << what;
  if (tight_bound) {
    EXPECT_LT(live, ref.c.size() - 4) << what;
    EXPECT_GT(live, 0u) << what;
    EXPECT_GT(rejected, 0u) << what;
    return;
  }
  const double steps = static_cast<double>(ref.c.size() * kSteps);
  EXPECT_GT(rejected, 0.02 * steps) << what;
  EXPECT_LT(rejected, 0.98 * steps) << what;
  EXPECT_EQ(live, ref.c.size() - 2) << what;
}

// The scalar path rounds every operation by itself on x86-64 without FMA (the baseline build):
// its numbers do not depend on how the compiler inlines the step, so the two-gradient reference
// compiled here must agree with the library's MALA bit for bit. Elsewhere (and on the vector
// paths, built with FMA) the compiler may contract a·b + c differently in each inlined copy of
// the same code: the reference then agrees to rounding, and the one-gradient MALA with itself
// (carried against recomputed values, across segments and ranges) bit for bit.
#if (defined(__x86_64__) || defined(_M_X64)) && !defined(__FMA__)
constexpr bool kScalarPathExact = true;
#else
constexpr bool kScalarPathExact = false;
#endif

const std::vector<uint64_t> kWhole{0, kSteps};
const std::vector<uint64_t> kFew{0, 4};
// Segment boundaries at odd places, one of a single step.
const std::vector<uint64_t> kCut{0, 1, 37, 38, 101, kSteps};
constexpr size_t kShift = 5;  // a range of chains starting at chain 5, as on an MPI rank

template <class S>
S with_params(S s, float h, float kappa, float bound) {
  s.p.beta = 1;
  s.p.h = static_cast<typename S::T>(h);
  s.p.kappa = static_cast<typename S::T>(kappa);
  s.p.bound = static_cast<typename S::T>(bound);
  return s;
}

template <class Model>
void expect_matches_reference(const Model& m, const std::string& what, float h, float kappa,
                              float bound = 1e6f) {
  using T = typename Model::Scalar;
  AmbientMALA<Model> one{};
  one.model = m;
  one = with_params(one, h, kappa, bound);
  ReferenceTwoGradientMALA<Model> ref{};
  ref.model = m;
  ref = with_params(ref, h, kappa, bound);
  const int d = m.layout.dim();
  const Chains start{start_states(m.layout, bound), std::vector<ChainCounters>(kChains)};
  const Chains shifted{std::vector<double>(start.x.begin() + kShift * d, start.x.end()),
                       std::vector<ChainCounters>(kChains - kShift)};

  const bool tight = bound < 1e6f;
  Chains r = start;
  scalar_run(ref, r, kWhole);
  expect_meaningful(r, "scalar " + what, tight);
  Chains a = start;
  scalar_run(one, a, kWhole);
  Chains b = start;
  scalar_run(one, b, kCut);
  Chains c = shifted;
  scalar_run(one, c, kCut, kShift);
  if (kScalarPathExact) {
    expect_identical(r, a, "scalar whole " + what);
  } else {
    expect_close(r, a, "scalar whole " + what);
  }
  expect_identical(a, b, "scalar segments " + what);
  expect_identical(a, c, "scalar shifted range " + what, kShift);

  if constexpr (std::is_same<T, float>::value) {
    for (const simd::LanePath path : simd::available_lane_paths()) {
      const std::string on = std::string(simd::lane_name(path)) + " ";
      Chains lr = start;
      lane_run(path, ref, lr, kWhole);
      expect_meaningful(lr, on + what, tight);
      // Against the reference over a few steps: differences of rounding (the reference is
      // inlined in this file, the library's step in its own) grow along a chain's path, and
      // after 160 steps a stiff model's states differ by more than rounding while the steps
      // are the same.
      Chains sr = start, sa = start;
      lane_run(path, ref, sr, kFew);
      lane_run(path, one, sa, kFew);
      expect_close(sr, sa, on + "few steps " + what);
      Chains la = start;
      lane_run(path, one, la, kWhole);
      Chains lb = start;
      lane_run(path, one, lb, kCut);
      expect_identical(la, lb, on + "segments " + what);
      Chains lc = shifted;
      lane_run(path, one, lc, kCut, kShift);
      expect_identical(la, lc, on + "shifted range " + what, kShift);
    }
  }
}

std::vector<float> pseudo_data(size_t n, uint32_t stream_chain) {
  std::vector<float> out(n);
  normals(NoiseKey{9}, kStreamData, stream_chain, 0, static_cast<int>(n), out.data());
  return out;
}
template <class T>
std::vector<T> as(const std::vector<float>& v) {
  return std::vector<T>(v.begin(), v.end());
}

TEST(MalaOneGradient, BlockAndScalarModelsMatchTheTwoGradientReference) {
  BlockSigmaModel<float, FixedLayout<1, 1, 3>> b13{};
  b13.sigma0 = 1.0f;
  b13.width = 0.3f;
  expect_matches_reference(b13, "block (1,3) register", 0.05f, 10.0f);
  // A bound some chains cross on the way: they diverge mid-run, on an accepted proposal.
  expect_matches_reference(b13, "block (1,3) register, bound 1.5", 0.02f, 10.0f, 1.5f);
  BlockSigmaModel<double, FixedLayout<1, 1, 3>> b13d{};
  b13d.sigma0 = 1.0;
  b13d.width = 0.3;
  expect_matches_reference(b13d, "block (1,3) register double", 0.05f, 10.0f);
  BlockSigmaModel<float, RuntimeLayout> b23{};
  b23.layout = RuntimeLayout{1, 2, 3, 0};
  b23.sigma0 = 1.0f;
  b23.width = 0.3f;
  expect_matches_reference(b23, "block (2,3) general", 0.03f, 10.0f);
  ScalarModel<float, FixedLayout<1, 1, 1>> sc{};
  sc.target = 1.0f;
  sc.width = 0.5f;
  expect_matches_reference(sc, "scalar register", 0.2f, 10.0f);
}

TEST(MalaOneGradient, DataModelsWithAndWithoutMinibatchesMatchTheTwoGradientReference) {
  // relu (3 units on R^3): the register path's fixed data set of 8 points.
  const std::vector<float> points = pseudo_data(8 * 3 + 8, 1);
  ReluModel<float, FixedLayout<3, 1, 3>> rf{};
  rf.points = 8;
  rf.width = 0.5f;
  rf.ridge = 1.0f;
  rf.data = points.data();
  expect_matches_reference(rf, "relu (3,3) register", 0.02f, 10.0f);
  // The run-time layout: 3 units on R^2, 6 fixed points, then a fresh minibatch of 5 per step.
  const std::vector<float> points2 = pseudo_data(6 * 2 + 6, 2);
  ReluModel<float, RuntimeLayout> rr{};
  rr.layout = RuntimeLayout{3, 1, 2, 0};
  rr.points = 6;
  rr.width = 0.5f;
  rr.ridge = 1.0f;
  rr.data = points2.data();
  expect_matches_reference(rr, "relu (3,2) general", 0.02f, 10.0f);
  const std::vector<float> teacher = pseudo_data(3 + 3 * 2, 3);
  ReluModel<float, RuntimeLayout> rb = rr;
  rb.batch = 5;
  rb.data = teacher.data();
  expect_matches_reference(rb, "relu (3,2) general, minibatch 5", 0.02f, 10.0f);
  const std::vector<double> teacher_d = as<double>(teacher);
  ReluModel<double, RuntimeLayout> rbd{};
  rbd.layout = rr.layout;
  rbd.width = 0.5;
  rbd.ridge = 1.0;
  rbd.batch = 5;
  rbd.data = teacher_d.data();
  expect_matches_reference(rbd, "relu (3,2) general double, minibatch 5", 0.02f, 10.0f);

  // matfac 3 × 3, rank 2, every entry observed: register path, then the run-time layout with
  // every entry and with each kept with probability 1/2 per step.
  std::vector<float> target = pseudo_data(9, 4);
  target.resize(18, 1.0f);  // the mask
  MatfacModel<float, FixedLayout<2, 3, 3>> mfix{};
  mfix.width = 0.5f;
  mfix.ridge = 1.0f;
  mfix.data = target.data();
  expect_matches_reference(mfix, "matfac (3,3,2) register", 0.03f, 10.0f);
  MatfacModel<float, RuntimeLayout> mrt{};
  mrt.layout = RuntimeLayout{2, 3, 3, 0};
  mrt.width = 0.5f;
  mrt.ridge = 1.0f;
  mrt.data = target.data();
  expect_matches_reference(mrt, "matfac (3,3,2) general", 0.03f, 10.0f);
  mrt.keep = 0.5f;
  expect_matches_reference(mrt, "matfac (3,3,2) general, keep 0.5", 0.03f, 10.0f);

  // hadamard: 3 factored coefficients over 6 points, every point, then 4 drawn per step.
  const std::vector<float> design = pseudo_data(6 * 3 + 6, 5);
  HadamardModel<float, RuntimeLayout> had{};
  had.layout = RuntimeLayout{3, 1, 1, 0};
  had.points = 6;
  had.width = 0.5f;
  had.ridge = 1.0f;
  had.data = design.data();
  expect_matches_reference(had, "hadamard 3", 0.03f, 10.0f);
  had.batch = 4;
  expect_matches_reference(had, "hadamard 3, batch 4", 0.03f, 10.0f);

  // attention: head 2, embedding 2, 3 tokens; 2 fixed sequences, then 2 fresh ones per step.
  AttentionModel<float, RuntimeLayout> att{};
  att.layout = RuntimeLayout{2, 2, 2, 4};
  att.sequence = 3;
  att.points = 2;
  att.width = 0.5f;
  att.ridge = 1.0f;
  const std::vector<float> sequences = pseudo_data(2 * 3 * (2 + 2), 6);
  att.data = sequences.data();
  expect_matches_reference(att, "attention (2,2)", 0.03f, 10.0f);
  const std::vector<float> weights = pseudo_data(att.layout.dim(), 7);
  att.batch = 2;
  att.data = weights.data();
  expect_matches_reference(att, "attention (2,2), batch 2", 0.03f, 10.0f);
}

// A model that counts its gradient evaluations.
template <class M>
struct Counted : M {
  uint64_t* calls = nullptr;
  template <class V, class G, class W>
  elem_t<V> loss_grad(const V& th, G g, W ws) const {
    ++*calls;
    return M::loss_grad(th, g, ws);
  }
};

template <class Model>
uint64_t gradients(const Model& m, const std::vector<uint64_t>& cuts) {
  uint64_t calls = 0;
  AmbientMALA<Counted<Model>> s{};
  s.model.Model::operator=(m);
  s.model.calls = &calls;
  s = with_params(s, 0.01f, 10.0f, 1e6f);
  Chains ch{start_states(m.layout, 1e6), std::vector<ChainCounters>(1)};
  ch.x.resize(m.layout.dim());
  scalar_run(s, ch, cuts);
  return calls;
}

TEST(MalaOneGradient, AFixedLossCostsOneGradientPerStepAMinibatchTwo) {
  BlockSigmaModel<double, FixedLayout<1, 1, 3>> block{};
  block.sigma0 = 1.0;
  block.width = 0.3;
  EXPECT_EQ(gradients(block, kWhole), kSteps + 1);  // begin() once
  EXPECT_EQ(gradients(block, kCut), kSteps + kCut.size() - 1);
  const std::vector<double> teacher = as<double>(pseudo_data(3 + 3 * 2, 3));
  ReluModel<double, RuntimeLayout> relu{};
  relu.layout = RuntimeLayout{3, 1, 2, 0};
  relu.width = 0.5;
  relu.ridge = 1.0;
  relu.batch = 5;
  relu.data = teacher.data();
  EXPECT_EQ(gradients(relu, kCut), 2 * kSteps);
  relu.batch = 0;
  relu.points = 3;
  relu.data = teacher.data();  // 3 points of R^2 and their targets: any 9 numbers
  EXPECT_EQ(gradients(relu, kCut), kSteps + kCut.size() - 1);
}

}  // namespace
}  // namespace orbitmc
