// Edge states every sampler must handle: a non-finite state is a divergence (never a silent
// "rejection" or "failed projection" repeated forever), and initial states are finite.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ensemble/run_spec.hpp"
#include "input_error.hpp"
#include "orbitmc/catalog.hpp"
#include "orbitmc/chain_runner.hpp"

namespace orbitmc {
namespace {

using Model = BlockSigmaModel<double, FixedLayout<1, 1, 3>>;

template <class S>
ChainCounters step_from(double x0) {
  S s{};
  s.model = Model{{}, 1.0, 0.3};
  s.p.h = std::is_same_v<S, ConstrainedMetropolis<Model>> ? 0.2 : 1e-3;
  s.p.kappa = 100;
  double x[4] = {x0, 1.0, 0.0, 0.0};
  ChainCounters c;
  RegisterWork<double, 4, S::kVectors, 1> work;
  s.begin(work, NoiseKey{1}, 0, 0);
  for (uint64_t n = 0; n < 3 && !c.diverged; ++n) s.step(x, work, c, NoiseKey{1}, 0, n);
  return c;
}

template <class S>
class NonFiniteState : public ::testing::Test {};
using Samplers = ::testing::Types<AmbientEM<Model>, AmbientLM<Model>, AmbientMALA<Model>,
                                  ConstrainedProjection<Model>, ConstrainedMetropolis<Model>>;
TYPED_TEST_SUITE(NonFiniteState, Samplers);

TYPED_TEST(NonFiniteState, IsADivergenceNotARejection) {
  const ChainCounters nan = step_from<TypeParam>(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(nan.diverged, 1u);
  EXPECT_EQ(nan.rejected, 0u);
  EXPECT_EQ(nan.failed, 0u);
  const ChainCounters inf = step_from<TypeParam>(std::numeric_limits<double>::infinity());
  EXPECT_EQ(inf.diverged, 1u);
  const ChainCounters ok = step_from<TypeParam>(1.0);  // on the slice: |u| = |v| = 1
  EXPECT_EQ(ok.diverged, 0u);
}

// Many chains' initial states: finite and on the slice, including relu's one-dimensional u
// blocks, where a zero normal draw would otherwise give 0/0.
TEST(InitChain, FiniteAndOnTheSlice) {
  using L = FixedLayout<3, 1, 3>;
  const ReluModel<float, L> relu{};
  for (uint32_t chain = 0; chain < 200000; ++chain) {
    float x[L::kDim];
    init_chain(relu, NoiseKey{20261128}, chain, 0.2f, 1.5f, static_cast<float*>(x));
    for (int b = 0; b < L::kBlocks; ++b) {
      float uu, vv;
      geometry::norms2(L{}, x, b, uu, vv);
      ASSERT_TRUE(std::isfinite(uu) && std::isfinite(vv)) << "chain " << chain;
      ASSERT_NEAR(uu, vv, 1e-5f * (uu + vv)) << "chain " << chain;
      ASSERT_GE(uu, 0.2f * (1 - 1e-5f));
    }
  }
}

}  // namespace
}  // namespace orbitmc

namespace orbitmc {
namespace {

// Names and traits come from each sampler's registration: every kind round-trips through its
// name, and the traits say what THEORY §3 says of each sampler.
TEST(SamplerRegistry, NamesRoundTripAndTraitsMatchTheTheory) {
  for (int i = 0; i <= static_cast<int>(SamplerKind::kNoiseCeiling); ++i) {
    const auto k = static_cast<SamplerKind>(i);
    EXPECT_EQ(parse_sampler(sampler_name(k), "kind"), k) << sampler_name(k);
  }
  EXPECT_STREQ(sampler_name(SamplerKind::kAmbientLM), "ambient_lm");
  EXPECT_TRUE(is_constrained(SamplerKind::kConstrainedProjection));
  EXPECT_TRUE(is_constrained(SamplerKind::kConstrainedMetropolis));
  EXPECT_FALSE(is_constrained(SamplerKind::kAmbientMALA));
  EXPECT_TRUE(is_exact(SamplerKind::kAmbientMALA));
  EXPECT_TRUE(is_exact(SamplerKind::kConstrainedMetropolis));
  EXPECT_FALSE(is_exact(SamplerKind::kAmbientLM));
  EXPECT_FALSE(is_exact(SamplerKind::kConstrainedProjection));
  EXPECT_THROW(parse_sampler("ambient", "kind"), InputError);
}

}  // namespace
}  // namespace orbitmc
