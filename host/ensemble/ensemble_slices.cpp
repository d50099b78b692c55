// Slicing and joining ensemble states by ranges of chains.
#include "ensemble/ensemble_slices.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace orbitmc {

namespace {
uint64_t moment_words(const EnsembleState& s) {
  return static_cast<uint64_t>(s.observed) * EnsembleState::kMomentWords;
}
}  // namespace

EnsembleState slice_state(const EnsembleState& s, uint64_t first, uint64_t count,
                          bool keep_pooled) {
  if (first < s.first_chain || first + count > s.first_chain + s.chains)
    throw std::invalid_argument("slice_state: chains [" + std::to_string(first) + ", " +
                                std::to_string(first + count) + ") are not all held here");
  const uint64_t at = first - s.first_chain;
  const auto cut = [&](const auto& v, uint64_t words) {
    using V = std::decay_t<decltype(v)>;
    return V(v.begin() + at * words, v.begin() + (at + count) * words);
  };
  EnsembleState out;
  out.chains = count;
  out.first_chain = first;
  out.dim = s.dim;
  out.observed = s.observed;
  out.next_step = s.next_step;
  out.x = cut(s.x, static_cast<uint64_t>(s.dim));
  out.counters = cut(s.counters, 1);
  out.moments = cut(s.moments, moment_words(s));
  out.pooled = s.pooled;
  if (!keep_pooled)
    for (auto& h : out.pooled) std::fill(h.begin(), h.end(), 0);
  return out;
}

EnsembleState join_states(const std::vector<EnsembleState>& pieces) {
  if (pieces.empty()) throw std::invalid_argument("join_states: no pieces");
  EnsembleState out = pieces.front();
  for (size_t i = 1; i < pieces.size(); ++i) {
    const EnsembleState& p = pieces[i];
    if (p.first_chain != out.first_chain + out.chains || p.dim != out.dim ||
        p.observed != out.observed || p.next_step != out.next_step ||
        p.pooled.size() != out.pooled.size())
      throw std::invalid_argument("join_states: piece " + std::to_string(i) +
                                  " does not continue the ones before it");
    out.x.insert(out.x.end(), p.x.begin(), p.x.end());
    out.counters.insert(out.counters.end(), p.counters.begin(), p.counters.end());
    out.moments.insert(out.moments.end(), p.moments.begin(), p.moments.end());
    for (size_t k = 0; k < p.pooled.size(); ++k) {
      if (p.pooled[k].size() != out.pooled[k].size())
        throw std::invalid_argument("join_states: piece " + std::to_string(i) +
                                    " has other histogram bins");
      for (size_t b = 0; b < p.pooled[k].size(); ++b) out.pooled[k][b] += p.pooled[k][b];
    }
    out.chains += p.chains;
  }
  return out;
}

}  // namespace orbitmc
