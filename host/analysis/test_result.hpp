// Result of one hypothesis test, shared by the goodness-of-fit and two-sample statistics so that
// validation cases can report every test in the same shape.
#pragma once

namespace orbitmc::analysis {

struct TestResult {
  double statistic = 0;  // χ² value, or the KS distance D
  double dof = 0;        // χ² degrees of freedom, or the (effective) sample size for KS
  double p_value = 1;
};

}  // namespace orbitmc::analysis
