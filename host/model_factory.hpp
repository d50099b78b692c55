// Builds the per-chain model structs from a ModelSpec: which compiled-in instantiation a spec
// selects (matches) and its parameters, data sets included (build). Data sets are generated
// from data_seed with the same counter-based Philox as the chains, so they are reproducible
// everywhere.
#pragma once

#include <cmath>

#include "orbitmc/catalog.hpp"
#include "run_spec.hpp"

namespace orbitmc {

// Standard normal number `index` of the data set drawn from `seed` (stream 3 = data).
double data_normal(uint64_t seed, uint32_t index);

template <class Model>
struct ModelFactory;

template <class T, int N, int M>
struct ModelFactory<BlockSigmaModel<T, N, M>> {
  static bool matches(const ModelSpec& s) { return s.name == "block" && s.n == N && s.m == M; }
  static BlockSigmaModel<T, N, M> build(const ModelSpec& s) {
    return {static_cast<T>(s.sigma0), static_cast<T>(s.width)};
  }
};

template <class T>
struct ModelFactory<ScalarModel<T>> {
  static bool matches(const ModelSpec& s) { return s.name == "scalar"; }
  static ScalarModel<T> build(const ModelSpec& s) {
    return {static_cast<T>(s.target), static_cast<T>(s.width)};
  }
};

// Teacher network with unit weights N(0, 1), inputs N(0, I), targets teacher(x) + 0.1·N(0, 1).
template <class T, int P, int DIN, int NPTS>
struct ModelFactory<ReluModel<T, P, DIN, NPTS>> {
  static bool matches(const ModelSpec& s) {
    return s.name == "relu" && s.units == P && s.input_dim == DIN && s.points == NPTS;
  }
  static ReluModel<T, P, DIN, NPTS> build(const ModelSpec& s) {
    ReluModel<T, P, DIN, NPTS> m{};
    uint32_t k = 0;
    double a[P], w[P][DIN];
    for (int j = 0; j < P; ++j) {
      a[j] = data_normal(s.data_seed, k++);
      for (int d = 0; d < DIN; ++d) w[j][d] = data_normal(s.data_seed, k++);
    }
    for (int i = 0; i < NPTS; ++i) {
      double xi[DIN];
      for (int d = 0; d < DIN; ++d) xi[d] = data_normal(s.data_seed, k++);
      double f = 0;
      for (int j = 0; j < P; ++j) {
        double z = 0;
        for (int d = 0; d < DIN; ++d) z += w[j][d] * xi[d];
        f += a[j] * (z > 0 ? z : 0);
      }
      for (int d = 0; d < DIN; ++d) m.x[i][d] = static_cast<T>(xi[d]);
      m.y[i] = static_cast<T>(f + 0.1 * data_normal(s.data_seed, k++));
    }
    m.width = static_cast<T>(s.width);
    m.ridge = static_cast<T>(s.ridge);
    return m;
  }
};

// Target U* V*ᵀ of rank `rank` with N(0, 1) factors; each entry observed with probability
// `observed`, entry (0, 0) always observed.
template <class T, int R, int C, int K>
struct ModelFactory<MatfacModel<T, R, C, K>> {
  static bool matches(const ModelSpec& s) {
    return s.name == "matfac" && s.rows == R && s.cols == C && s.rank == K;
  }
  static MatfacModel<T, R, C, K> build(const ModelSpec& s) {
    MatfacModel<T, R, C, K> m{};
    uint32_t k = 0;
    double u[R][K], v[C][K];
    for (int i = 0; i < R; ++i)
      for (int r = 0; r < K; ++r) u[i][r] = data_normal(s.data_seed, k++);
    for (int j = 0; j < C; ++j)
      for (int r = 0; r < K; ++r) v[j][r] = data_normal(s.data_seed, k++);
    for (int i = 0; i < R; ++i)
      for (int j = 0; j < C; ++j) {
        double t = 0;
        for (int r = 0; r < K; ++r) t += u[i][r] * v[j][r];
        m.target[i][j] = static_cast<T>(t);
        // Uniform from the normal's CDF keeps one data stream.
        const double p = 0.5 * std::erfc(-data_normal(s.data_seed, k++) / std::sqrt(2.0));
        m.mask[i][j] = (p < s.observed || (i == 0 && j == 0)) ? T(1) : T(0);
      }
    m.width = static_cast<T>(s.width);
    m.ridge = static_cast<T>(s.ridge);
    return m;
  }
};

}  // namespace orbitmc
