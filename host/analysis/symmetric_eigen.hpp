// Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan §8.5):
// the singular values of an experiment's 20 × 20 product PQ are the square roots of the
// eigenvalues of (PQ)ᵀ(PQ). Accurate to rounding for the sizes the experiments log.
#pragma once

#include <vector>

namespace orbitmc::analysis {

// a: n × n symmetric, row-major (overwritten). Returns the eigenvalues, largest first.
std::vector<double> symmetric_eigenvalues(std::vector<double> a, int n);

// Singular values of the rows × cols matrix m (row-major), largest first.
std::vector<double> singular_values(const std::vector<double>& m, int rows, int cols);

}  // namespace orbitmc::analysis
