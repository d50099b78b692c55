// Ranges of chains cut out of an ensemble state and joined back (MPI ranks, checkpoint parts).
// A state covers the chains [first_chain, first_chain + chains) of its ensemble; its pooled
// histograms are integer counts, so joining sums them in any order and the result is exact.
#pragma once

#include <cstdint>
#include <vector>

#include "ensemble/ensemble_state.hpp"

namespace orbitmc {

// The chains [first, first + count) of `s`, which must cover them (std::invalid_argument
// otherwise). The pooled histograms are kept when `keep_pooled`, zeroed otherwise (so that
// one piece of a split ensemble carries the totals and a later join counts them once).
EnsembleState slice_state(const EnsembleState& s, uint64_t first, uint64_t count, bool keep_pooled);

// Consecutive pieces (each starting where the previous one ends, with the same dim, observed
// and next_step) as one state; pooled histograms summed. std::invalid_argument otherwise.
EnsembleState join_states(const std::vector<EnsembleState>& pieces);

}  // namespace orbitmc
