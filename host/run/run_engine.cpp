// Segmenting driver and the final-state observations (computed on the host with the same
// model code the chains ran).
#include "run/run_engine.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <stdexcept>
#include <string>

#include "ensemble/sampler_dispatch.hpp"
#include "parallel/ranks.hpp"

namespace orbitmc {

void run_to_end(Backend& backend, const RunSpec& spec, EnsembleState& state,
                const RunControl& control, double* seconds) {
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t total = spec.schedule.steps;
  const uint64_t parts = std::max<uint64_t>(1, control.segments);
  const uint64_t seg = control.segment_steps ? control.segment_steps
                                             : std::max<uint64_t>(1, (total + parts - 1) / parts);
  while (!state.initialised() || state.next_step < total) {
    const uint64_t from = state.initialised() ? state.next_step : 0;
    const uint64_t to = std::min(total, from + seg);
    // The ensemble stays on the device between segments; it comes back for checkpoints and at
    // the end (below).
    backend.advance_on_device(spec, state, to);
    // A state without chains never becomes initialised: a rank given none must not loop here
    // (the suites refuse more ranks than chains before any run).
    if (!state.initialised()) throw std::logic_error("run_to_end: no chains to run on this rank");
    if (control.on_state) backend.sync(state);
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (control.on_segment) control.on_segment(control.label, to, total, dt);
    if (control.on_state) control.on_state(state);
  }
  // A finished run keeps no device memory: the next run (or study) of the case needs it. (Under
  // MPI each rank keeps its range of chains; the functions below reduce over the ranks.)
  backend.sync(state);
  state.device.reset();
  if (seconds)
    *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

namespace {
// Calls f(sampler, state) for each non-diverged chain's final state (in the chains' precision),
// with one dispatch for the whole ensemble.
template <class F>
void for_each_final_state(const RunSpec& spec, const EnsembleState& st, F&& f) {
  dispatch(spec, [&](const auto& s, const auto&) {
    using T = typename std::decay_t<decltype(s)>::T;
    const int d = s.model.layout.dim();
    std::vector<T> x(d);
    for (uint64_t i = 0; i < st.chains; ++i) {
      if (st.counters[i].diverged) continue;
      for (int j = 0; j < d; ++j) x[j] = static_cast<T>(st.x[i * d + j]);
      f(s, static_cast<const T*>(x.data()));
    }
  });
}

// value(sampler, state) of every non-diverged chain, in chain order: this rank's chains, and
// with `gather` under MPI every rank's (one number and one flag per chain gathered).
enum class Chains { kHere, kAll };
template <class F>
std::vector<double> final_values(const RunSpec& spec, const EnsembleState& st, Chains which,
                                 F&& value) {
  std::vector<double> v(st.chains, 0.0), kept(st.chains, 0.0);
  uint64_t i = 0;
  for (uint64_t c = 0; c < st.chains; ++c) kept[c] = st.counters[c].diverged ? 0.0 : 1.0;
  for_each_final_state(spec, st, [&](const auto& s, const auto* x) {
    while (kept[i] == 0.0) ++i;  // the chains for_each_final_state skipped
    v[i++] = static_cast<double>(value(s, x));
  });
  if (which == Chains::kAll && parallel::size() > 1) {
    v = parallel::allgather(v, spec.chains, 1);
    kept = parallel::allgather(kept, spec.chains, 1);
  }
  std::vector<double> out;
  out.reserve(v.size());
  for (size_t c = 0; c < v.size(); ++c)
    if (kept[c] != 0.0) out.push_back(v[c]);
  return out;
}
}  // namespace

std::vector<std::vector<uint64_t>> final_histograms(const RunSpec& spec, const EnsembleState& st) {
  std::vector<std::vector<uint64_t>> h(spec.observe.size());
  for (size_t k = 0; k < spec.observe.size(); ++k) h[k].assign(spec.observe[k].bins + 2, 0);
  for_each_final_state(spec, st, [&](const auto& s, const auto* x) {
    using T = typename std::decay_t<decltype(s)>::T;
    for (size_t k = 0; k < spec.observe.size(); ++k) {
      const auto& o = spec.observe[k];
      const BinSpec<T> bin{o.coord, o.bins, static_cast<T>(o.lo), static_cast<T>(o.hi)};
      h[k][bin.slot(s.model.coord(x, o.coord))] += 1;
    }
  });
  for (auto& counts : h) parallel::sum_all(counts);
  return h;
}

std::vector<double> final_coordinate(const RunSpec& spec, const EnsembleState& st, int k) {
  const int coord = spec.observe[k].coord;
  return final_values(spec, st, Chains::kHere,
                      [&](const auto& s, const auto* x) { return s.model.coord(x, coord); });
}

std::vector<double> final_log_det_gram(const RunSpec& spec, const EnsembleState& st) {
  return final_values(spec, st, Chains::kHere, [](const auto& s, const auto* x) {
    return factor_geometry::log_det_gram(s.model.layout, x);
  });
}

std::vector<double> final_imbalance(const RunSpec& spec, const EnsembleState& st, int b) {
  return final_values(spec, st, Chains::kAll, [&](const auto& s, const auto* x) {
    const auto& l = s.model.layout;
    return static_cast<double>(factor_geometry::factor_norm2(l, x, b, 0)) -
           static_cast<double>(factor_geometry::factor_norm2(l, x, b, 1));
  });
}

ChainTotals chain_totals(const EnsembleState& st) {
  std::vector<uint64_t> t(4, 0);
  for (const auto& c : st.counters) {
    t[0] += c.rejected;
    t[1] += c.failed;
    t[2] += c.diverged ? 1 : 0;
    t[3] += c.diverged == 2 ? 1 : 0;
  }
  parallel::sum_all(t);
  return ChainTotals{t[0], t[1], t[2], t[3]};
}

std::vector<uint64_t> pooled_histogram(const EnsembleState& st, int k) {
  std::vector<uint64_t> h = st.pooled[k];
  parallel::sum_all(h);
  return h;
}

namespace {
// Calls f(half) for every half of n ≥ 2 draws of observed coordinate k of a chain not
// diverged. Non-finite moments there are a defect of the run (divergence marks such chains).
template <class F>
void for_each_half(const EnsembleState& st, int k, F&& f) {
  for (uint64_t i = 0; i < st.chains; ++i) {
    if (st.counters[i].diverged) continue;
    const double* w = st.moments.data() + (i * st.observed + k) * EnsembleState::kMomentWords;
    for (int h = 0; h < 2; ++h) {
      const analysis::ChainMoments cm{w[h], w[2 + h], w[4 + h]};
      if (cm.n < 2) continue;  // a half too short for a variance
      try {
        f(cm);
      } catch (const std::invalid_argument& e) {
        throw std::logic_error("chain " + std::to_string(st.first_chain + i) +
                               ", observed coordinate " + std::to_string(k) +
                               " is not marked diverged: " + e.what());
      }
    }
  }
}

// The exact sums' digits and the counts, summed element-wise over the ranks (a no-op with one).
void sum_over_ranks(std::vector<analysis::ExactSum*> sums, std::vector<uint64_t*> counts) {
  if (parallel::size() == 1) return;
  constexpr int kL = analysis::ExactSum::kLimbs;
  std::vector<int64_t> words(sums.size() * kL + counts.size());
  for (size_t p = 0; p < sums.size(); ++p) {
    const auto d = sums[p]->digits();
    std::copy(d.begin(), d.end(), words.begin() + static_cast<std::ptrdiff_t>(p * kL));
  }
  for (size_t c = 0; c < counts.size(); ++c)
    words[sums.size() * kL + c] = static_cast<int64_t>(*counts[c]);
  parallel::sum_all(words);
  for (size_t p = 0; p < sums.size(); ++p) {
    std::array<int64_t, kL> d;
    std::copy(words.begin() + static_cast<std::ptrdiff_t>(p * kL),
              words.begin() + static_cast<std::ptrdiff_t>((p + 1) * kL), d.begin());
    *sums[p] = analysis::ExactSum::from_digits(d);
  }
  for (size_t c = 0; c < counts.size(); ++c)
    *counts[c] = static_cast<uint64_t>(words[sums.size() * kL + c]);
}
}  // namespace

analysis::HalfSums split_half_sums(const EnsembleState& st, int k) {
  // First pass: the pooled mean (exact, so the same on every rank), the shift of the second.
  analysis::MeanSums first;
  for_each_half(st, k, [&](const analysis::ChainMoments& h) { first.add(h); });
  sum_over_ranks({&first.n, &first.n_mean}, {&first.unsummable});
  analysis::HalfSums sums(first.shift());
  for_each_half(st, k, [&](const analysis::ChainMoments& h) { sums.add(h); });
  sum_over_ranks({&sums.n, &sums.s2, &sums.d, &sums.d2, &sums.nd, &sums.m2_nd2},
                 {&sums.halves, &sums.unsummable});
  return sums;
}

}  // namespace orbitmc
