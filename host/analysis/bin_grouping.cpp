// Adjacent-bin merging for the χ² tests (see bin_grouping.hpp).
#include "analysis/bin_grouping.hpp"

namespace orbitmc::analysis::detail {

std::vector<std::size_t> group_adjacent_bins(const std::vector<double>& weight, double min_weight) {
  std::vector<std::size_t> ends;
  double acc = 0;
  for (std::size_t k = 0; k < weight.size(); ++k) {
    acc += weight[k];
    if (acc >= min_weight) {
      ends.push_back(k + 1);
      acc = 0;
    }
  }
  if (ends.empty()) {
    ends.push_back(weight.size());
  } else {
    ends.back() = weight.size();
  }
  return ends;
}

}  // namespace orbitmc::analysis::detail
