// Grouping of adjacent histogram bins so that χ² tests only use bins whose expected (or combined)
// counts are large enough for the χ² approximation to hold.
#pragma once

#include <cstddef>
#include <vector>

namespace orbitmc::analysis::detail {

// Returns, for each merged group, the index one past its last bin (so groups are
// [0, ends[0]), [ends[0], ends[1]), ...). Bins are merged left to right until a group's weight
// reaches `min_weight`; a short remainder at the right end joins the last full group, because
// bins are ordered along a coordinate and only neighbours should be pooled. If the total weight
// is below `min_weight` the result is a single group.
std::vector<std::size_t> group_adjacent_bins(const std::vector<double>& weight, double min_weight);

}  // namespace orbitmc::analysis::detail
