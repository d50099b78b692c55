// Segmenting driver and the final-state observations (computed on the host with the same
// model code the chains ran).
#include "run_engine.hpp"

#include <chrono>

#include "sampler_dispatch.hpp"

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
    backend.advance(spec, state, to);
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (control.on_segment) control.on_segment(control.label, to, total, dt);
    if (control.on_state) control.on_state(state);
  }
  if (seconds)
    *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

namespace {
template <class F>
void for_each_final(const RunSpec& spec, const EnsembleState& st, int k, F&& f) {
  dispatch(spec, [&](const auto& s) {
    using T = typename std::decay_t<decltype(s)>::T;
    constexpr int D = std::decay_t<decltype(s)>::kDim;
    BinSpec<T> bin{spec.observe[k].coord, spec.observe[k].bins, static_cast<T>(spec.observe[k].lo),
                   static_cast<T>(spec.observe[k].hi)};
    for (uint64_t i = 0; i < st.chains; ++i) {
      if (st.counters[i].diverged) continue;
      T x[D];
      for (int j = 0; j < D; ++j) x[j] = static_cast<T>(st.x[i * D + j]);
      const T v = s.model.coord(x, bin.coord);
      f(static_cast<double>(v), bin.slot(v));
    }
  });
}
}  // namespace

std::vector<std::vector<uint64_t>> final_histograms(const RunSpec& spec, const EnsembleState& st) {
  std::vector<std::vector<uint64_t>> h(spec.observe.size());
  for (size_t k = 0; k < spec.observe.size(); ++k) {
    h[k].assign(spec.observe[k].bins + 2, 0);
    for_each_final(spec, st, static_cast<int>(k), [&](double, int slot) { h[k][slot] += 1; });
  }
  return h;
}

std::vector<double> final_coordinate(const RunSpec& spec, const EnsembleState& st, int k) {
  std::vector<double> v;
  v.reserve(st.chains);
  for_each_final(spec, st, k, [&](double x, int) { v.push_back(x); });
  return v;
}

namespace {
// Calls f(T-typed state pointer) for each non-diverged chain, with the sampler's layout type.
template <class F>
void for_each_final_state(const RunSpec& spec, const EnsembleState& st, F&& f) {
  dispatch(spec, [&](const auto& s) {
    using S = std::decay_t<decltype(s)>;
    using T = typename S::T;
    using L = typename decltype(s.model)::Layout;
    constexpr int D = S::kDim;
    for (uint64_t i = 0; i < st.chains; ++i) {
      if (st.counters[i].diverged) continue;
      T x[D];
      for (int j = 0; j < D; ++j) x[j] = static_cast<T>(st.x[i * D + j]);
      f(static_cast<const T*>(x), L{});
    }
  });
}
}  // namespace

std::vector<double> final_log_det_gram(const RunSpec& spec, const EnsembleState& st) {
  std::vector<double> v;
  v.reserve(st.chains);
  for_each_final_state(spec, st, [&](const auto* x, auto layout) {
    using L = decltype(layout);
    v.push_back(static_cast<double>(geometry::log_det_gram<L>(x)));
  });
  return v;
}

std::vector<double> final_imbalance(const RunSpec& spec, const EnsembleState& st, int b) {
  std::vector<double> v;
  v.reserve(st.chains);
  for_each_final_state(spec, st, [&](const auto* x, auto layout) {
    using L = decltype(layout);
    auto uu = x[0], vv = x[0];
    geometry::norms2<L>(x, b, uu, vv);
    v.push_back(static_cast<double>(uu) - static_cast<double>(vv));
  });
  return v;
}

}  // namespace orbitmc
