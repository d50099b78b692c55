// One harness over every model of the catalogue (THEORY §1–§4): gradients of L, F and log det K
// against central finite differences; invariance L(g·θ) = L(θ); ⟨∇L, ξ_b⟩ = 0; ∇F_b = ξ_b;
// the projection lands on the slice to rounding.
#include <gtest/gtest.h>

#include <cmath>

#include "model_factory.hpp"
#include "orbitmc/philox_noise.hpp"

namespace orbitmc {
namespace {

template <class Model>
class ModelHarness : public ::testing::Test {
 protected:
  using L = typename Model::Layout;
  static constexpr int D = Model::kDim;

  Model model() const {
    ModelSpec s;
    s.n = L::kN;
    s.m = L::kM;
    if (std::is_same_v<Model, ScalarModel<double>>) s.name = "scalar";
    if (std::is_same_v<Model, ReluModel<double, 3, 3, 8>>) s.name = "relu";
    if (std::is_same_v<Model, MatfacModel<double, 3, 3, 2>>) s.name = "matfac";
    EXPECT_TRUE(ModelFactory<Model>::matches(s));
    return ModelFactory<Model>::build(s);
  }

  // A generic point: entries N(0, 1) (fixed seed), away from the slice.
  void point(int which, double (&x)[D]) const {
    normals<double, D>(NoiseKey{99}, kStreamInit, which, 0, x);
  }

  static double fd(const std::function<double(const double*)>& f, double (&x)[D], int k) {
    const double h = 1e-6, x0 = x[k];
    x[k] = x0 + h;
    const double fp = f(x);
    x[k] = x0 - h;
    const double fm = f(x);
    x[k] = x0;
    return (fp - fm) / (2 * h);
  }
};

using Models = ::testing::Types<BlockSigmaModel<double, 1, 3>, BlockSigmaModel<double, 2, 3>,
                                BlockSigmaModel<double, 1, 1>, ScalarModel<double>,
                                ReluModel<double, 3, 3, 8>, MatfacModel<double, 3, 3, 2>>;
TYPED_TEST_SUITE(ModelHarness, Models);

TYPED_TEST(ModelHarness, LossGradientMatchesFiniteDifferences) {
  const auto m = this->model();
  for (int trial = 0; trial < 5; ++trial) {
    double x[TestFixture::D], g[TestFixture::D];
    this->point(trial, x);
    const double l = m.loss_grad(x, g);
    EXPECT_NEAR(l, m.loss(x), 1e-12 * (1 + std::fabs(l)));
    for (int k = 0; k < TestFixture::D; ++k) {
      const double num = TestFixture::fd([&](const double* y) { return m.loss(y); }, x, k);
      EXPECT_NEAR(g[k], num, 1e-5 * (1 + std::fabs(num))) << "component " << k;
    }
  }
}

TYPED_TEST(ModelHarness, ConstraintAndLogDetGradientsMatchFiniteDifferences) {
  using L = typename TestFixture::L;
  double x[TestFixture::D];
  this->point(7, x);
  double gl[TestFixture::D] = {};
  geometry::add_log_det_gram_grad<L>(x, 1.0, gl);
  for (int b = 0; b < L::kBlocks; ++b) {
    double gf[TestFixture::D];
    geometry::constraint_grad<L>(x, b, gf);
    for (int k = 0; k < TestFixture::D; ++k) {
      const double num =
          TestFixture::fd([&](const double* y) { return geometry::constraint<L>(y, b); }, x, k);
      EXPECT_NEAR(gf[k], num, 1e-6 * (1 + std::fabs(num)));
    }
  }
  for (int k = 0; k < TestFixture::D; ++k) {
    const double num =
        TestFixture::fd([&](const double* y) { return geometry::log_det_gram<L>(y); }, x, k);
    EXPECT_NEAR(gl[k], num, 1e-6 * (1 + std::fabs(num)));
  }
}

TYPED_TEST(ModelHarness, LossIsInvariantAndOrthogonalToGenerators) {
  using L = typename TestFixture::L;
  const auto m = this->model();
  double x[TestFixture::D], g[TestFixture::D];
  this->point(3, x);
  const double l0 = m.loss_grad(x, g);
  for (int b = 0; b < L::kBlocks; ++b) {
    double xi[TestFixture::D];
    geometry::constraint_grad<L>(x, b, xi);  // ξ_b = ∇F_b = (u_b, −v_b)
    double dot = 0, gn = 0;
    for (int k = 0; k < TestFixture::D; ++k) {
      dot += g[k] * xi[k];
      gn += g[k] * g[k];
    }
    EXPECT_NEAR(dot, 0.0, 1e-10 * (1 + std::sqrt(gn)));
    for (double gscale : {0.3, 1.7, 5.0}) {
      double y[TestFixture::D];
      for (int k = 0; k < TestFixture::D; ++k) y[k] = x[k];
      for (int i = 0; i < L::kN; ++i) y[L::u(b, i)] *= gscale;
      for (int j = 0; j < L::kM; ++j) y[L::v(b, j)] /= gscale;
      EXPECT_NEAR(m.loss(y), l0, 1e-10 * (1 + std::fabs(l0)));
      for (int c = 0; c < TypeParam::kCoords; ++c)
        EXPECT_NEAR(m.coord(y, c), m.coord(x, c), 1e-10 * (1 + std::fabs(m.coord(x, c))));
    }
  }
}

TYPED_TEST(ModelHarness, ProjectionLandsOnTheSlice) {
  using L = typename TestFixture::L;
  double x[TestFixture::D], xt[TestFixture::D], out[TestFixture::D];
  this->point(11, x);
  double zero[TestFixture::D];
  ASSERT_TRUE(geometry::project<L>(x, x, zero));  // base point onto the slice first
  for (int k = 0; k < TestFixture::D; ++k) x[k] = zero[k];
  for (int b = 0; b < L::kBlocks; ++b) EXPECT_NEAR(geometry::constraint<L>(x, b), 0.0, 1e-12);
  // A Langevin-sized perturbation is projected back along ∇F(x).
  double r[TestFixture::D];
  normals<double, TestFixture::D>(NoiseKey{5}, kStreamLangevin, 0, 0, r);
  for (int k = 0; k < TestFixture::D; ++k) xt[k] = x[k] + 0.05 * r[k];
  ASSERT_TRUE(geometry::project<L>(x, xt, out));
  for (int b = 0; b < L::kBlocks; ++b) {
    double uu, vv;
    geometry::norms2<L>(out, b, uu, vv);
    EXPECT_NEAR(geometry::constraint<L>(out, b), 0.0, 1e-12 * (uu + vv));
    EXPECT_NEAR(geometry::balance<L>(out, b), 0.0, 1e-10);
  }
}

// G_F = Cᵀ K⁻¹ C (THEORY §2, the paper's eq. 40) for the dual condition: C = K, so G_F = K on
// the slice; here per block, G_F,b = |∇F_b|² must equal K_b = |u_b|² + |v_b|².
TYPED_TEST(ModelHarness, ConstraintGramEqualsOrbitGram) {
  using L = typename TestFixture::L;
  double x[TestFixture::D];
  this->point(2, x);
  for (int b = 0; b < L::kBlocks; ++b) {
    double gf[TestFixture::D], uu, vv, gg = 0;
    geometry::constraint_grad<L>(x, b, gf);
    for (int k = 0; k < TestFixture::D; ++k) gg += gf[k] * gf[k];
    geometry::norms2<L>(x, b, uu, vv);
    EXPECT_NEAR(gg, uu + vv, 1e-12 * (uu + vv));
  }
}

}  // namespace
}  // namespace orbitmc
