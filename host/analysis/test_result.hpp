// Result of one hypothesis test, shared by the goodness-of-fit and two-sample statistics so that
// validation cases can report every test in the same shape.
#pragma once

#include <algorithm>

namespace orbitmc::analysis {

struct TestResult {
  double statistic = 0;  // χ² value, or the KS distance D
  double dof = 0;        // χ² degrees of freedom, or the (effective) sample size for KS
  double p_value = 1;
};

// The verdict rule of a comparison tested by both χ² and KS: the smaller of their p-values, so
// that it passes only where neither test rejects.
inline double combined_p_value(const TestResult& chi2, const TestResult& ks) {
  return std::min(chi2.p_value, ks.p_value);
}

}  // namespace orbitmc::analysis
