// The per-chain geometry of L-factor blocks (orbitmc/core/block_layout.hpp, factor_geometry.hpp)
// and its theory (analysis/factor_density.hpp), THEORY §4 "L-factor blocks": the layout's offsets;
// the penalty and log det G gradients against finite differences and det G against a dense
// determinant; det G = L·a^(2(L−1)) on the slice; two factors against block_geometry.hpp bit for
// bit; the Newton projection and the tangent projection by their defining properties; float and
// SIMD lanes against double and scalar; the σ exponents against the two-factor ones and THEORY's
// list; and an exact constrained Metropolis on the slice built from these functions, whose law of
// σ must be the theory's for c = 1 and for c = 0.
#include "orbitmc/core/factor_geometry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "analysis/factor_density.hpp"
#include "analysis/reference_density.hpp"
#include "analysis_test_support.hpp"
#include "orbitmc/core/block_geometry.hpp"
#include "orbitmc/core/block_layout.hpp"

#if ORBITMC_TEST_EXPECT_SIMD
#include <xsimd/xsimd.hpp>

#include "backend/simd/lane_ops.hpp"
#endif

namespace orbitmc {
namespace {

namespace fg = factor_geometry;
using analysis::testing::standard_normal;
using analysis::testing::uniform01;
using Vec = std::vector<double>;
using Sizes = std::vector<int>;

RuntimeLayout layout_of(int blocks, const Sizes& sizes, int free_dim) {
  const RuntimeLayout l =
      make_factor_layout(blocks, static_cast<int>(sizes.size()), sizes.data(), free_dim);
  EXPECT_TRUE(l.valid());
  return l;
}

// The shapes every property is checked on: L = 2, 3, 4 with scalar and vector factors.
const std::vector<Sizes>& shapes() {
  static const std::vector<Sizes> s = {{1, 1},    {2, 3},    {1, 1, 1},    {1, 2, 2},
                                       {2, 2, 3}, {3, 1, 2}, {1, 1, 1, 1}, {2, 1, 3, 2}};
  return s;
}

// A random point whose factors have norms in [0.5, 1.5] (well away from the singular set).
Vec random_point(const RuntimeLayout& l, std::mt19937_64& rng) {
  Vec x(l.dim());
  for (int b = 0; b < l.blocks(); ++b)
    for (int k = 0; k < l.factors(); ++k) {
      double nn = 0;
      for (int i = 0; i < l.factor_size(k); ++i) {
        x[l.at(b, k, i)] = standard_normal(rng);
        nn += x[l.at(b, k, i)] * x[l.at(b, k, i)];
      }
      const double scale = (0.5 + uniform01(rng)) / std::sqrt(nn);
      for (int i = 0; i < l.factor_size(k); ++i) x[l.at(b, k, i)] *= scale;
    }
  for (int j = 0; j < l.free_dim(); ++j) x[l.free(j)] = standard_normal(rng);
  return x;
}

// A random point on the slice: every factor of block b has norm a_b ∈ [0.5, 2].
Vec slice_point(const RuntimeLayout& l, std::mt19937_64& rng) {
  Vec x = random_point(l, rng);
  for (int b = 0; b < l.blocks(); ++b) {
    const double a = 0.5 + 1.5 * uniform01(rng);
    for (int k = 0; k < l.factors(); ++k) {
      const double s = a / std::sqrt(fg::factor_norm2(l, x.data(), b, k));
      for (int i = 0; i < l.factor_size(k); ++i) x[l.at(b, k, i)] *= s;
    }
  }
  return x;
}

double max_abs(const Vec& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

double dot(const Vec& a, const Vec& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

double penalty(const RuntimeLayout& l, const Vec& x, double kappa) {
  Vec g(l.dim(), 0.0);
  return fg::add_penalty_grad(l, x.data(), kappa, g.data());
}

// Central differences of f at x, step 1e-6 (error ~1e-10 relative for these smooth functions).
template <class F>
Vec finite_difference(const F& f, Vec x) {
  const double h = 1e-6;
  Vec g(x.size());
  for (std::size_t j = 0; j < x.size(); ++j) {
    const double x0 = x[j];
    x[j] = x0 + h;
    const double fp = f(x);
    x[j] = x0 - h;
    const double fm = f(x);
    x[j] = x0;
    g[j] = (fp - fm) / (2 * h);
  }
  return g;
}

// det of a dense symmetric matrix by Gaussian elimination with partial pivoting.
double dense_det(std::vector<Vec> a) {
  const std::size_t n = a.size();
  double det = 1;
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t p = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::fabs(a[r][c]) > std::fabs(a[p][c])) p = r;
    if (p != c) {
      std::swap(a[p], a[c]);
      det = -det;
    }
    det *= a[c][c];
    for (std::size_t r = c + 1; r < n; ++r) {
      const double f = a[r][c] / a[c][c];
      for (std::size_t k = c; k < n; ++k) a[r][k] -= f * a[c][k];
    }
  }
  return det;
}

// The Gram matrix of block b's ∇F_k, from the gradients themselves.
std::vector<Vec> dense_gram(const RuntimeLayout& l, const Vec& x, int b) {
  const int m = l.factors() - 1;
  std::vector<Vec> grads(m, Vec(l.dim()));
  for (int k = 0; k < m; ++k) fg::constraint_grad(l, x.data(), b, k, grads[k].data());
  std::vector<Vec> g(m, Vec(m));
  for (int j = 0; j < m; ++j)
    for (int k = 0; k < m; ++k) g[j][k] = dot(grads[j], grads[k]);
  return g;
}

// Splits d = Σ_k μ_k θ^k + rest per factor of block b: returns max |rest| and |Σ μ_k| (both 0
// when d lies in the normal space span{∇F_k(θ)}).
void normal_residual(const RuntimeLayout& l, const Vec& th, const Vec& d, int b, double& rest,
                     double& mu_sum) {
  rest = 0;
  mu_sum = 0;
  for (int k = 0; k < l.factors(); ++k) {
    double dt = 0, tt = 0;
    for (int i = 0; i < l.factor_size(k); ++i) {
      dt += d[l.at(b, k, i)] * th[l.at(b, k, i)];
      tt += th[l.at(b, k, i)] * th[l.at(b, k, i)];
    }
    const double mu = dt / tt;
    mu_sum += mu;
    for (int i = 0; i < l.factor_size(k); ++i)
      rest = std::max(rest, std::fabs(d[l.at(b, k, i)] - mu * th[l.at(b, k, i)]));
  }
  mu_sum = std::fabs(mu_sum);
}

// ---------------------------------------------------------------------------------------------
// Layout

TEST(RuntimeLayout, TwoFactorConstructorIsTheTwoFactorList) {
  const int cases[][4] = {{1, 1, 1, 0}, {3, 2, 3, 2}, {4, 1, 3, 1}, {2, 5, 5, 0}};
  for (const auto& c : cases) {
    const RuntimeLayout r{c[0], c[1], c[2], c[3]};
    const RuntimeLayout l = layout_of(c[0], {c[1], c[2]}, c[3]);
    EXPECT_EQ(l.dim(), r.dim());
    EXPECT_EQ(l.block_dim(), r.block_dim());
    EXPECT_EQ(l.blocks(), r.blocks());
    EXPECT_EQ(l.free_dim(), r.free_dim());
    for (int b = 0; b < r.blocks(); ++b) {
      for (int i = 0; i < r.n(); ++i) EXPECT_EQ(l.at(b, 0, i), r.u(b, i));
      for (int j = 0; j < r.m(); ++j) EXPECT_EQ(l.at(b, 1, j), r.v(b, j));
    }
    for (int k = 0; k < r.free_dim(); ++k) EXPECT_EQ(l.free(k), r.free(k));
    EXPECT_EQ(l.n(), r.n());
    EXPECT_EQ(l.m(), r.m());
    EXPECT_EQ(l.factors(), 2);
  }
}

TEST(RuntimeLayout, OffsetsCoverEveryIndexOnce) {
  for (const Sizes& sizes : {Sizes{1, 2, 2}, Sizes{2, 2, 3}, Sizes{3, 1, 1, 2, 1, 1, 1, 4}}) {
    const RuntimeLayout l = layout_of(3, sizes, 2);
    int total = 0;
    for (int k = 0; k < l.factors(); ++k) {
      EXPECT_EQ(l.factor_size(k), sizes[k]);
      total += sizes[k];
    }
    EXPECT_EQ(l.block_dim(), total);
    EXPECT_EQ(l.dim(), 3 * total + 2);
    std::vector<int> seen(l.dim(), 0);
    for (int b = 0; b < l.blocks(); ++b)
      for (int k = 0; k < l.factors(); ++k)
        for (int i = 0; i < l.factor_size(k); ++i) ++seen[l.at(b, k, i)];
    for (int k = 0; k < l.free_dim(); ++k) ++seen[l.free(k)];
    for (int j = 0; j < l.dim(); ++j) EXPECT_EQ(seen[j], 1) << "index " << j;
    // Blocks in order, factors in order inside a block.
    EXPECT_EQ(l.at(1, 0, 0), total);
    EXPECT_EQ(l.at(0, 1, 0), sizes[0]);
  }
}

TEST(RuntimeLayout, RejectsSizesOutOfRange) {
  const int ok[] = {1, 2, 3, 1, 1, 1, 1, 1, 1};
  const int zero[] = {1, 0, 2};
  EXPECT_TRUE(make_factor_layout(1, 8, ok, 0).valid());
  EXPECT_FALSE(make_factor_layout(1, 9, ok, 0).valid());
  EXPECT_FALSE(make_factor_layout(1, 1, ok, 0).valid());
  EXPECT_TRUE(make_factor_layout(0, 2, ok, 3).valid());  // only free parameters
  EXPECT_FALSE(make_factor_layout(-1, 2, ok, 0).valid());
  EXPECT_FALSE(make_factor_layout(1, 2, ok, -1).valid());
  EXPECT_FALSE(make_factor_layout(1, 3, zero, 0).valid());
  EXPECT_THROW(make_factor_layout(1, {2}), std::invalid_argument);
  EXPECT_EQ(make_factor_layout(2, {1, 2, 2}, 1).dim(), 11);
}

// ---------------------------------------------------------------------------------------------
// Values and gradients

TEST(FactorGeometry, PenaltyGradientMatchesFiniteDifferences) {
  std::mt19937_64 rng(11);
  const double kappa = 7.5;
  for (const Sizes& sizes : shapes()) {
    const RuntimeLayout l = layout_of(2, sizes, 1);
    for (int rep = 0; rep < 3; ++rep) {
      const Vec x = random_point(l, rng);
      Vec g(l.dim(), 0.0);
      const double pen = fg::add_penalty_grad(l, x.data(), kappa, g.data());
      double expect = 0;
      for (int b = 0; b < l.blocks(); ++b)
        for (int k = 0; k + 1 < l.factors(); ++k) {
          const double f = fg::constraint(l, x.data(), b, k);
          expect += 0.5 * kappa * f * f;
        }
      EXPECT_NEAR(pen, expect, 1e-14 * expect);
      const Vec fd = finite_difference([&](const Vec& y) { return penalty(l, y, kappa); }, x);
      for (int j = 0; j < l.dim(); ++j)
        EXPECT_NEAR(g[j], fd[j], 1e-6 * max_abs(g)) << "L = " << sizes.size() << ", j = " << j;
      EXPECT_EQ(g[l.free(0)], 0.0);
      EXPECT_GT(max_abs(g), 0.0);
    }
  }
}

TEST(FactorGeometry, LogDetGramGradientMatchesFiniteDifferences) {
  std::mt19937_64 rng(12);
  const double scale = 0.7;
  for (const Sizes& sizes : shapes()) {
    const RuntimeLayout l = layout_of(2, sizes, 1);
    for (int rep = 0; rep < 3; ++rep) {
      const Vec x = random_point(l, rng);
      Vec g(l.dim(), 0.0);
      fg::add_log_det_gram_grad(l, x.data(), scale, g.data());
      const Vec fd =
          finite_difference([&](const Vec& y) { return scale * fg::log_det_gram(l, y.data()); }, x);
      for (int j = 0; j < l.dim(); ++j)
        EXPECT_NEAR(g[j], fd[j], 1e-6 * max_abs(g)) << "L = " << sizes.size() << ", j = " << j;
      EXPECT_EQ(g[l.free(0)], 0.0);
    }
  }
}

TEST(FactorGeometry, LogDetGramIsTheDenseGramDeterminant) {
  std::mt19937_64 rng(13);
  for (const Sizes& sizes : shapes()) {
    const RuntimeLayout l = layout_of(3, sizes, 0);
    const Vec x = random_point(l, rng);
    double sum = 0;
    for (int b = 0; b < l.blocks(); ++b) {
      const double dense = dense_det(dense_gram(l, x, b));
      const double ours = fg::log_det_gram_block(l, x.data(), b);
      EXPECT_NEAR(ours, std::log(dense), 1e-12) << "L = " << sizes.size();
      sum += ours;
    }
    EXPECT_NEAR(fg::log_det_gram(l, x.data()), sum, 1e-13);
  }
}

TEST(FactorGeometry, DetGramOnTheSliceIsLTimesAPower) {
  std::mt19937_64 rng(14);
  for (int L = 2; L <= RuntimeLayout::kMaxFactors; ++L) {
    Sizes sizes(L);
    for (int k = 0; k < L; ++k) sizes[k] = 1 + k % 3;
    const RuntimeLayout l = layout_of(2, sizes, 0);
    const Vec x = slice_point(l, rng);
    for (int b = 0; b < l.blocks(); ++b) {
      const double a2 = fg::factor_norm2(l, x.data(), b, 0);
      const double det = std::exp(fg::log_det_gram_block(l, x.data(), b));
      const double expect = L * std::pow(a2, L - 1);
      EXPECT_NEAR(det, expect, 1e-12 * expect) << "L = " << L;
      // The theory's form in σ = a^L.
      const double sigma = fg::sigma(l, x.data(), b);
      EXPECT_NEAR(sigma, std::pow(a2, 0.5 * L), 1e-14 * sigma);
      EXPECT_NEAR(fg::log_det_gram_block(l, x.data(), b),
                  analysis::factor_log_det_gram_on_slice(L, sigma), 1e-13);
      for (int k = 0; k + 1 < L; ++k) EXPECT_NEAR(fg::balance(l, x.data(), b, k), 0.0, 1e-14);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Two factors: block_geometry.hpp's functions, bit for bit

TEST(FactorGeometry, TwoFactorsAreBlockGeometryBitForBit) {
  std::mt19937_64 rng(15);
  const int cases[][4] = {{1, 1, 1, 0}, {3, 2, 3, 2}, {2, 1, 3, 1}, {2, 4, 2, 0}};
  for (const auto& c : cases) {
    const RuntimeLayout r{c[0], c[1], c[2], c[3]};
    const RuntimeLayout l = layout_of(c[0], {c[1], c[2]}, c[3]);
    for (int rep = 0; rep < 5; ++rep) {
      const Vec x = random_point(l, rng);
      const Vec th = slice_point(l, rng);
      EXPECT_EQ(fg::log_det_gram_general(l, x.data()), geometry::log_det_gram(r, x.data()));
      Vec g1(l.dim()), g2;
      for (double& v : g1) v = standard_normal(rng);
      g2 = g1;
      fg::add_log_det_gram_grad_general(l, x.data(), 0.35, g1.data());
      geometry::add_log_det_gram_grad(r, x.data(), 0.35, g2.data());
      EXPECT_EQ(g1, g2);
      const double p1 = fg::add_penalty_grad_general(l, x.data(), 13.0, g1.data());
      const double p2 = geometry::add_penalty_grad(r, x.data(), 13.0, g2.data());
      EXPECT_EQ(p1, p2);
      EXPECT_EQ(g1, g2);
      for (int b = 0; b < l.blocks(); ++b) {
        EXPECT_EQ(fg::sigma_general(l, x.data(), b), geometry::sigma(r, x.data(), b));
        EXPECT_EQ(fg::balance_general(l, x.data(), b, 0), geometry::balance(r, x.data(), b));
        EXPECT_EQ(fg::constraint(l, x.data(), b, 0), geometry::constraint(r, x.data(), b));
      }
      // Projections from a base point on the slice, and from one off it.
      for (const Vec* base : {&th, &x}) {
        Vec xt(l.dim());
        for (int j = 0; j < l.dim(); ++j) xt[j] = (*base)[j] + 0.1 * standard_normal(rng);
        Vec o1(l.dim()), o2(l.dim()), o3(l.dim());
        const bool ok1 = fg::project(l, base->data(), xt.data(), o1.data());
        const bool ok2 = geometry::project(r, base->data(), xt.data(), o2.data());
        EXPECT_EQ(ok1, ok2);
        EXPECT_EQ(o1, o2);
        // The general Newton projection converges to the closed form's root.
        ASSERT_TRUE(ok1);
        EXPECT_TRUE(fg::project_newton(l, base->data(), xt.data(), o3.data()));
        for (int j = 0; j < l.dim(); ++j) EXPECT_NEAR(o3[j], o2[j], 1e-14 * max_abs(o2));
      }
      Vec w1(l.dim());
      for (double& v : w1) v = standard_normal(rng);
      Vec w2 = w1, w3 = w1;
      fg::project_tangent(l, th.data(), w1.data());
      geometry::project_tangent(r, th.data(), w2.data());
      fg::project_tangent_general(l, th.data(), w3.data());
      EXPECT_EQ(w1, w2);
      for (int j = 0; j < l.dim(); ++j) EXPECT_NEAR(w3[j], w2[j], 1e-14 * max_abs(w2));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Projections

TEST(FactorGeometry, ProjectionLandsOnTheSliceAlongTheNormalSpace) {
  std::mt19937_64 rng(16);
  for (const Sizes& sizes : shapes()) {
    const RuntimeLayout l = layout_of(3, sizes, 2);
    for (int rep = 0; rep < 20; ++rep) {
      const Vec th = slice_point(l, rng);
      const double step = rep < 10 ? 0.02 : 0.2;  // small and large moves
      Vec xt(l.dim());
      for (int j = 0; j < l.dim(); ++j) xt[j] = th[j] + step * standard_normal(rng);
      Vec out(l.dim()), newton(l.dim());
      ASSERT_TRUE(fg::project(l, th.data(), xt.data(), out.data())) << "L = " << sizes.size();
      ASSERT_TRUE(fg::project_newton(l, th.data(), xt.data(), newton.data()));
      for (const Vec* o : {&out, &newton}) {
        Vec d(l.dim());
        for (int j = 0; j < l.dim(); ++j) d[j] = (*o)[j] - xt[j];
        for (int b = 0; b < l.blocks(); ++b) {
          for (int k = 0; k + 1 < l.factors(); ++k) {
            const double f = fg::constraint(l, o->data(), b, k);
            EXPECT_LE(std::fabs(f), 1e-12 * fg::factor_norm2(l, o->data(), b, k));
          }
          double rest, mu_sum;
          normal_residual(l, th, d, b, rest, mu_sum);
          EXPECT_LE(rest, 1e-14);
          EXPECT_LE(mu_sum, 1e-13);
        }
        for (int k = 0; k < l.free_dim(); ++k) EXPECT_EQ((*o)[l.free(k)], xt[l.free(k)]);
      }
      // In place (out aliasing x̃) gives the same point.
      Vec inplace = xt;
      ASSERT_TRUE(fg::project(l, th.data(), inplace.data(), inplace.data()));
      EXPECT_EQ(inplace, out);
      // A point already on the slice stays where it is.
      Vec same(l.dim());
      ASSERT_TRUE(fg::project_newton(l, th.data(), th.data(), same.data()));
      for (int j = 0; j < l.dim(); ++j) EXPECT_NEAR(same[j], th[j], 1e-15);
    }
  }
}

TEST(FactorGeometry, ProjectionReportsFailure) {
  std::mt19937_64 rng(17);
  for (const Sizes& sizes : {Sizes{2, 2, 2}, Sizes{2, 1, 2, 3}}) {
    const RuntimeLayout l = layout_of(2, sizes, 1);
    const Vec th = slice_point(l, rng);
    // Block 1: factor 0 far out along a direction orthogonal to θ^0, the others near 0. The
    // norms can only agree where some factor has crossed to the far side of its normal line
    // (x'^k·θ^k ≤ 0), which is no projection.
    Vec xt = th;
    const double a = std::sqrt(fg::factor_norm2(l, th.data(), 1, 0));
    const double t0 = th[l.at(1, 0, 0)], t1 = th[l.at(1, 0, 1)];
    xt[l.at(1, 0, 0)] = -3 * t1 / a;
    xt[l.at(1, 0, 1)] = 3 * t0 / a;
    for (int k = 1; k < l.factors(); ++k)
      for (int i = 0; i < l.factor_size(k); ++i) xt[l.at(1, k, i)] = 0.01 * th[l.at(1, k, i)];
    Vec out(l.dim());
    EXPECT_FALSE(fg::project(l, th.data(), xt.data(), out.data()));
    // The failing block is left at x̃ (finite); block 0 is projected as usual.
    for (int j = l.at(1, 0, 0); j < l.at(1, 0, 0) + l.block_dim(); ++j) EXPECT_EQ(out[j], xt[j]);
    EXPECT_EQ(out[l.free(0)], xt[l.free(0)]);
    // θ_b = 0: no normal space.
    Vec zero = th;
    for (int j = 0; j < l.block_dim(); ++j) zero[j] = 0;
    Vec xt0 = th;
    xt0[0] += 0.1;
    EXPECT_FALSE(fg::project(l, zero.data(), xt0.data(), out.data()));
    // A non-finite x̃.
    Vec bad = th;
    bad[l.at(0, 1, 0)] = NAN;
    EXPECT_FALSE(fg::project(l, th.data(), bad.data(), out.data()));
    // The same θ with a small move succeeds (the failures are the inputs', not the base point's).
    Vec fine = th;
    fine[l.at(1, 0, 0)] += 0.05;
    EXPECT_TRUE(fg::project(l, th.data(), fine.data(), out.data()));
  }
  // x̃ already on the slice, but with one factor opposite to θ's: F(x̃) = 0 at λ = 0, yet
  // x̃^2·θ^2 < 0, where the Newton matrix is indefinite; no projection.
  const RuntimeLayout l = layout_of(1, {1, 1, 1}, 0);
  const Vec th = {1.0, 1.0, 1.0};
  Vec out(3);
  EXPECT_FALSE(fg::project(l, th.data(), Vec{1.0, 1.0, -1.0}.data(), out.data()));
  // A move that only starts with that sign lands on the near intersection, all factors positive.
  ASSERT_TRUE(fg::project(l, th.data(), Vec{1.0, 1.0, -0.1}.data(), out.data()));
  for (double o : out) EXPECT_NEAR(o, 1.9 / 3, 1e-15);
}

TEST(FactorGeometry, TangentProjectionIsOrthogonalToTheNormalsAndIdempotent) {
  std::mt19937_64 rng(18);
  for (const Sizes& sizes : shapes()) {
    const RuntimeLayout l = layout_of(2, sizes, 1);
    for (int rep = 0; rep < 5; ++rep) {
      const Vec th = slice_point(l, rng);
      Vec w(l.dim());
      for (double& v : w) v = standard_normal(rng);
      Vec pw = w;
      fg::project_tangent(l, th.data(), pw.data());
      Vec grad(l.dim());
      for (int b = 0; b < l.blocks(); ++b)
        for (int k = 0; k + 1 < l.factors(); ++k) {
          fg::constraint_grad(l, th.data(), b, k, grad.data());
          EXPECT_NEAR(dot(pw, grad), 0.0, 1e-14 * std::sqrt(dot(w, w) * dot(grad, grad)));
        }
      Vec ppw = pw;
      fg::project_tangent(l, th.data(), ppw.data());
      for (int j = 0; j < l.dim(); ++j) EXPECT_NEAR(ppw[j], pw[j], 1e-15 * max_abs(w));
      // What was removed lies in the normal space, so P is the orthogonal projection.
      Vec d(l.dim());
      for (int j = 0; j < l.dim(); ++j) d[j] = w[j] - pw[j];
      for (int b = 0; b < l.blocks(); ++b) {
        double rest, mu_sum;
        normal_residual(l, th, d, b, rest, mu_sum);
        EXPECT_LE(rest, 1e-14);
        EXPECT_LE(mu_sum, 1e-13);
      }
      EXPECT_EQ(pw[l.free(0)], w[l.free(0)]);
    }
  }
  // A zero block is left alone.
  const RuntimeLayout l = layout_of(1, {1, 2, 2}, 0);
  const Vec th(l.dim(), 0.0);
  Vec w = {0.3, -0.2, 0.5, 1.0, 2.0};
  const Vec w0 = w;
  fg::project_tangent(l, th.data(), w.data());
  EXPECT_EQ(w, w0);
}

// ---------------------------------------------------------------------------------------------
// Precisions and lanes

TEST(FactorGeometry, FloatAgreesWithDoubleToFloatRounding) {
  std::mt19937_64 rng(19);
  const double tol = 2e-5;  // a few hundred float ulps: sums of a few terms, G's conditioning
  for (const Sizes& sizes : shapes()) {
    const RuntimeLayout l = layout_of(2, sizes, 1);
    const Vec th = slice_point(l, rng);
    Vec xt(l.dim());
    for (int j = 0; j < l.dim(); ++j) xt[j] = th[j] + 0.1 * standard_normal(rng);
    // Round the inputs to float first, so that both precisions see the same point.
    std::vector<float> thf(th.begin(), th.end()), xtf(xt.begin(), xt.end());
    const Vec thd(thf.begin(), thf.end()), xtd(xtf.begin(), xtf.end());

    EXPECT_NEAR(fg::log_det_gram(l, xtf.data()), fg::log_det_gram(l, xtd.data()), tol);
    std::vector<float> gf(l.dim(), 0.0f);
    Vec gd(l.dim(), 0.0);
    fg::add_log_det_gram_grad(l, xtf.data(), 0.5f, gf.data());
    fg::add_log_det_gram_grad(l, xtd.data(), 0.5, gd.data());
    const float pf = fg::add_penalty_grad(l, xtf.data(), 20.0f, gf.data());
    const double pd = fg::add_penalty_grad(l, xtd.data(), 20.0, gd.data());
    EXPECT_NEAR(pf, pd, tol * std::max(1.0, pd));
    for (int j = 0; j < l.dim(); ++j) EXPECT_NEAR(gf[j], gd[j], tol * max_abs(gd));
    for (int b = 0; b < l.blocks(); ++b)
      EXPECT_NEAR(fg::sigma(l, xtf.data(), b), fg::sigma(l, xtd.data(), b), tol);

    std::vector<float> of(l.dim());
    Vec od(l.dim());
    ASSERT_TRUE(fg::project(l, thf.data(), xtf.data(), of.data()));
    ASSERT_TRUE(fg::project(l, thd.data(), xtd.data(), od.data()));
    for (int j = 0; j < l.dim(); ++j) EXPECT_NEAR(of[j], od[j], tol * max_abs(od));
    ASSERT_TRUE(fg::project_newton(l, thf.data(), xtf.data(), of.data()));
    for (int j = 0; j < l.dim(); ++j) EXPECT_NEAR(of[j], od[j], tol * max_abs(od));

    std::vector<float> wf(xtf);
    Vec wd(xtd);
    fg::project_tangent(l, thf.data(), wf.data());
    fg::project_tangent(l, thd.data(), wd.data());
    for (int j = 0; j < l.dim(); ++j) EXPECT_NEAR(wf[j], wd[j], tol * max_abs(wd));
  }
}

#if ORBITMC_TEST_EXPECT_SIMD
// One chain per lane of an xsimd batch against the same function on each lane's float: the
// lanes differ in their points, in how many Newton iterations they need, and in whether the
// projection fails. Basic IEEE operations give the scalar path's bits (no contraction on this
// target); log is xsimd's, so log det is compared to float rounding.
TEST(FactorGeometry, SimdLanesAgreeWithTheScalarPath) {
  using B = xsimd::batch<float>;
  constexpr int kLanes = static_cast<int>(B::size);
  std::mt19937_64 rng(20);
  for (const Sizes& sizes : {Sizes{2, 3}, Sizes{1, 2, 2}, Sizes{2, 1, 3, 2}}) {
    const RuntimeLayout l = layout_of(2, sizes, 1);
    const int d = l.dim();
    std::vector<std::vector<float>> th(kLanes), xt(kLanes);
    for (int c = 0; c < kLanes; ++c) {
      const Vec t = slice_point(l, rng);
      th[c].assign(t.begin(), t.end());
      const double step = 0.01 * (1 + 10 * c);
      for (int j = 0; j < d; ++j)
        xt[c].push_back(static_cast<float>(t[j] + step * standard_normal(rng)));
    }
    for (int j = 0; j < l.block_dim(); ++j) th[kLanes - 1][j] = 0;  // this lane must fail
    auto gather = [&](const std::vector<std::vector<float>>& v) {
      std::vector<B> out(d);
      for (int j = 0; j < d; ++j) {
        alignas(64) float buf[kLanes];
        for (int c = 0; c < kLanes; ++c) buf[c] = v[c][j];
        out[j] = B::load_aligned(buf);
      }
      return out;
    };
    auto lane = [](const B& x, int c) { return x.get(static_cast<std::size_t>(c)); };
    const std::vector<B> thb = gather(th), xtb = gather(xt);

    std::vector<B> ob(d), wb = xtb, gb(d, B(0.0f));
    const auto okb = fg::project(l, thb.data(), xtb.data(), ob.data());
    fg::project_tangent(l, thb.data(), wb.data());
    const B ldb = fg::log_det_gram(l, xtb.data());
    fg::add_log_det_gram_grad(l, xtb.data(), 0.5f, gb.data());
    const B penb = fg::add_penalty_grad(l, xtb.data(), 20.0f, gb.data());
    for (int c = 0; c < kLanes; ++c) {
      std::vector<float> o(d), w = xt[c], g(d, 0.0f);
      const bool ok = fg::project(l, th[c].data(), xt[c].data(), o.data());
      EXPECT_EQ(okb.get(static_cast<std::size_t>(c)), ok) << "lane " << c;
      EXPECT_EQ(ok, c + 1 < kLanes);
      fg::project_tangent(l, th[c].data(), w.data());
      const float ld = fg::log_det_gram(l, xt[c].data());
      fg::add_log_det_gram_grad(l, xt[c].data(), 0.5f, g.data());
      const float pen = fg::add_penalty_grad(l, xt[c].data(), 20.0f, g.data());
      EXPECT_EQ(lane(penb, c), pen);
      EXPECT_NEAR(lane(ldb, c), ld, 1e-6f * std::max(1.0f, std::fabs(ld)));
      for (int j = 0; j < d; ++j) {
        EXPECT_EQ(lane(ob[j], c), o[j]) << "lane " << c << ", j = " << j;
        EXPECT_EQ(lane(wb[j], c), w[j]);
        EXPECT_NEAR(lane(gb[j], c), g[j], 1e-5f * std::max(1.0f, std::fabs(g[j])));
      }
    }
  }
}
#endif

// ---------------------------------------------------------------------------------------------
// Theory

TEST(FactorDensity, TwoFactorExponentIsTheBlockExponent) {
  for (int n = 1; n <= 4; ++n)
    for (int m = 1; m <= 4; ++m)
      for (double c : {0.0, 0.3, 1.0, 1.7, -0.5})
        EXPECT_EQ(analysis::factor_sigma_exponent({n, m}, c), analysis::sigma_exponent(n, m, c));
  const auto loss = [](double s) { return (s - 1) * (s - 1) / (2 * 0.09); };
  for (double s : {0.0, 0.2, 1.0, 2.5})
    for (double c : {0.0, 1.0})
      EXPECT_EQ(analysis::log_factor_sigma_density(s, 1.3, loss, {2, 3}, c),
                analysis::log_sigma_density(s, 1.3, loss, 2, 3, c));
}

TEST(FactorDensity, ExponentsOfTheory) {
  // Scalar factors, corrected: σ^(−2(L−1)/L), i.e. |w|^(−1), |w|^(−4/3), |w|^(−3/2).
  EXPECT_DOUBLE_EQ(analysis::factor_sigma_exponent({1, 1}, 1.0), -1.0);
  EXPECT_DOUBLE_EQ(analysis::factor_sigma_exponent({1, 1, 1}, 1.0), -4.0 / 3.0);
  EXPECT_DOUBLE_EQ(analysis::factor_sigma_exponent({1, 1, 1, 1}, 1.0), -1.5);
  for (int L = 2; L <= 8; ++L) {
    const Sizes scalar(L, 1);
    EXPECT_NEAR(analysis::factor_sigma_exponent(scalar, 1.0), -2.0 * (L - 1) / L, 1e-15);
  }
  // c = 1 is σ^((N − 3L + 2)/L); c = 0 adds (L − 1)/L.
  for (const Sizes& sizes : shapes()) {
    const int L = static_cast<int>(sizes.size());
    int N = 0;
    for (int n : sizes) N += n;
    const double c1 = analysis::factor_sigma_exponent(sizes, 1.0);
    EXPECT_NEAR(c1, static_cast<double>(N - 3 * L + 2) / L, 1e-15);
    EXPECT_NEAR(analysis::factor_sigma_exponent(sizes, 0.0) - c1, (L - 1.0) / L, 1e-15);
  }
  // THEORY's vector-factor checks: (1, 2, 2) and (2, 2, 3).
  EXPECT_NEAR(analysis::factor_sigma_exponent({1, 2, 2}, 1.0), -2.0 / 3.0, 1e-15);
  EXPECT_NEAR(analysis::factor_sigma_exponent({2, 2, 3}, 1.0), 0.0, 1e-15);
  EXPECT_NEAR(analysis::factor_log_det_gram_on_slice(3, 2.0),
              std::log(3.0) + 4.0 / 3 * std::log(2.0), 1e-15);
}

TEST(FactorDensity, RejectsBadArguments) {
  const auto zero = [](double) { return 0.0; };
  EXPECT_THROW(analysis::factor_sigma_exponent({3}, 1.0), std::invalid_argument);
  EXPECT_THROW(analysis::factor_sigma_exponent({1, 0, 2}, 1.0), std::invalid_argument);
  EXPECT_THROW(analysis::factor_sigma_exponent({1, 2}, NAN), std::invalid_argument);
  EXPECT_THROW(analysis::log_factor_sigma_density(-1, 1, zero, {1, 1, 1}, 1),
               std::invalid_argument);
  EXPECT_THROW(analysis::log_factor_sigma_density(1, -1, zero, {1, 1, 1}, 1),
               std::invalid_argument);
  EXPECT_THROW(analysis::log_factor_sigma_density(1, 1, nullptr, {1, 1, 1}, 1),
               std::invalid_argument);
  EXPECT_THROW(analysis::factor_log_det_gram_on_slice(1, 1.0), std::invalid_argument);
  EXPECT_THROW(analysis::factor_log_det_gram_on_slice(3, 0.0), std::invalid_argument);
  // σ = 0 by the sign of the exponent.
  EXPECT_EQ(analysis::log_factor_sigma_density(0, 1, zero, {1, 1, 1}, 1), INFINITY);
  EXPECT_EQ(analysis::log_factor_sigma_density(0, 1, zero, {2, 2, 3}, 1), 0.0);
  EXPECT_EQ(analysis::log_factor_sigma_density(0, 1, zero, {2, 2, 3}, 0), -INFINITY);
}

// ---------------------------------------------------------------------------------------------
// An exact sampler built from these functions against the theory

// Constrained Metropolis on the slice (Zappa, Holmes-Cerfon, Goodman 2018), as
// samplers/constrained_metropolis.hpp does it for two factors: target exp(−βℓ(σ))·det G^(−c/2)
// w.r.t. the surface measure, one block, ℓ(σ) = (σ − 1)²/(2·0.3²), β = 1.
struct SliceMetropolis {
  RuntimeLayout l;
  double h, c;
  double log_target(const Vec& x) const {
    const double s = fg::sigma(l, x.data(), 0);
    return -(s - 1) * (s - 1) / (2 * 0.09) - 0.5 * c * fg::log_det_gram(l, x.data());
  }
  // One step; returns whether it moved.
  bool step(Vec& x, std::mt19937_64& rng) const {
    const int d = l.dim();
    Vec v(d), y(d), w(d), back(d);
    for (double& e : v) e = h * standard_normal(rng);
    fg::project_tangent(l, x.data(), v.data());
    for (int j = 0; j < d; ++j) y[j] = x[j] + v[j];
    const bool forward = fg::project(l, x.data(), y.data(), y.data());
    for (int j = 0; j < d; ++j) w[j] = x[j] - y[j];
    fg::project_tangent(l, y.data(), w.data());
    for (int j = 0; j < d; ++j) back[j] = y[j] + w[j];
    const bool backward = fg::project(l, y.data(), back.data(), back.data());
    double miss = 0;
    for (int j = 0; j < d; ++j) miss += (back[j] - x[j]) * (back[j] - x[j]);
    if (!forward || !backward || miss > 1e-14 * (1 + dot(x, x))) return false;
    const double log_alpha = log_target(y) - log_target(x) - (dot(w, w) - dot(v, v)) / (2 * h * h);
    if (!(std::log(uniform01(rng)) < log_alpha)) return false;
    x = y;
    return true;
  }
};

// E[σ] under p(σ) ∝ exp(−ℓ(σ))·σ^p, by Simpson's rule in t = σ^(1/3) (σ^p dσ = 3t^(3p+2) dt is
// bounded for p ≥ −2/3); the Gaussian factor is below e^−50 beyond σ = 4.
double theory_mean(double p) {
  const int n = 20000;
  const double t_max = std::cbrt(4.0);
  double z = 0, m = 0;
  for (int i = 0; i <= n; ++i) {
    const double t = t_max * i / n, s = t * t * t;
    const double wgt = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
    const double f = std::exp(-(s - 1) * (s - 1) / 0.18) * 3 * std::pow(t, 3 * p + 2);
    z += wgt * f;
    m += wgt * f * s;
  }
  return m / z;
}

TEST(FactorSampler, SliceMetropolisSamplesTheTheorysLawOfSigma) {
  // (1, 2, 2): σ^(−2/3) corrected, σ^0 uncorrected; (2, 2, 3): σ^0 and σ^(2/3).
  for (const Sizes& sizes : {Sizes{1, 2, 2}, Sizes{2, 2, 3}}) {
    const RuntimeLayout l = layout_of(1, sizes, 0);
    double mean_of[2], se_of[2];
    for (int ci = 0; ci < 2; ++ci) {
      const double c = ci;
      const SliceMetropolis mc{l, 0.15, c};
      std::mt19937_64 rng(2024 + ci);
      const int chains = 16, burn = 2000, steps = 25000;
      std::vector<double> chain_mean(chains);
      int moved = 0;
      for (int ch = 0; ch < chains; ++ch) {
        Vec x = slice_point(l, rng);
        for (int k = 0; k < l.factors(); ++k) {  // start at σ = 1
          const double norm = std::sqrt(fg::factor_norm2(l, x.data(), 0, k));
          for (int i = 0; i < l.factor_size(k); ++i) x[l.at(0, k, i)] /= norm;
        }
        double sum = 0;
        for (int s = 0; s < burn + steps; ++s) {
          moved += mc.step(x, rng);
          if (s >= burn) sum += fg::sigma(l, x.data(), 0);
        }
        chain_mean[ch] = sum / steps;
        // The chain stays on the slice.
        EXPECT_LE(std::fabs(fg::constraint(l, x.data(), 0, 0)), 1e-12);
      }
      double mean = 0, var = 0;
      for (double m : chain_mean) mean += m / chains;
      for (double m : chain_mean) var += (m - mean) * (m - mean) / (chains - 1);
      mean_of[ci] = mean;
      se_of[ci] = std::sqrt(var / chains);
      const double acceptance = static_cast<double>(moved) / (chains * (burn + steps));
      EXPECT_GT(acceptance, 0.3);
      EXPECT_LT(acceptance, 0.95);
      const double expect = theory_mean(analysis::factor_sigma_exponent(sizes, c));
      // Independent chains: the chain means' spread gives the standard error; 4.5 SE.
      EXPECT_NEAR(mean, expect, 4.5 * se_of[ci])
          << "sizes L = " << sizes.size() << ", c = " << c << ", se = " << se_of[ci];
    }
    // The test can tell c = 1 from c = 0: each law's mean is far from the other's.
    const double gap = std::fabs(theory_mean(analysis::factor_sigma_exponent(sizes, 1.0)) -
                                 theory_mean(analysis::factor_sigma_exponent(sizes, 0.0)));
    EXPECT_GT(gap, 10 * std::max(se_of[0], se_of[1]));
    EXPECT_GT(mean_of[0], mean_of[1]);
  }
}

}  // namespace
}  // namespace orbitmc
