// Cyclic Jacobi eigenvalues of a symmetric matrix, and singular values through the Gram matrix.
#include "analysis/symmetric_eigen.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace orbitmc::analysis {

std::vector<double> symmetric_eigenvalues(std::vector<double> a, int n) {
  auto at = [&](int i, int j) -> double& { return a[static_cast<size_t>(i) * n + j]; };
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0, total = 0;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) (i == j ? total : off) += at(i, j) * at(i, j);
    if (off <= 1e-30 * (total + off) || off == 0) break;
    for (int p = 0; p < n - 1; ++p)
      for (int q = p + 1; q < n; ++q) {
        if (at(p, q) == 0) continue;
        // The rotation that zeroes a_pq: t = tan θ, the smaller root of t² + 2τt − 1 = 0.
        const double tau = (at(q, q) - at(p, p)) / (2 * at(p, q));
        const double t = (tau >= 0 ? 1 : -1) / (std::fabs(tau) + std::sqrt(1 + tau * tau));
        const double c = 1 / std::sqrt(1 + t * t), s = t * c;
        for (int k = 0; k < n; ++k) {  // columns p, q
          const double akp = at(k, p), akq = at(k, q);
          at(k, p) = c * akp - s * akq;
          at(k, q) = s * akp + c * akq;
        }
        for (int k = 0; k < n; ++k) {  // rows p, q
          const double apk = at(p, k), aqk = at(q, k);
          at(p, k) = c * apk - s * aqk;
          at(q, k) = s * apk + c * aqk;
        }
      }
  }
  std::vector<double> ev(n);
  for (int i = 0; i < n; ++i) ev[i] = at(i, i);
  std::sort(ev.begin(), ev.end(), std::greater<double>());
  return ev;
}

std::vector<double> singular_values(const std::vector<double>& m, int rows, int cols) {
  std::vector<double> g(static_cast<size_t>(cols) * cols, 0.0);
  for (int i = 0; i < cols; ++i)
    for (int j = 0; j < cols; ++j) {
      double s = 0;
      for (int r = 0; r < rows; ++r)
        s += m[static_cast<size_t>(r) * cols + i] * m[static_cast<size_t>(r) * cols + j];
      g[static_cast<size_t>(i) * cols + j] = s;
    }
  std::vector<double> sv = symmetric_eigenvalues(std::move(g), cols);
  for (double& x : sv) x = std::sqrt(std::max(0.0, x));
  return sv;
}

}  // namespace orbitmc::analysis
