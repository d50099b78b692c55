// CPU backend: runs the shared per-chain functors on std::threads, one contiguous range of
// chains per thread, either one chain at a time (the scalar path) or one chain per SIMD lane
// (the vector path, backend/simd/: float chains on AVX2 or AVX-512, chosen at run time).
// Every chain's noise is a pure function of (seed, chain, step), the vector path's groups are
// aligned to the ensemble (not to the threads' ranges) and the histograms are integer counts,
// so results are identical for any thread count.
#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "backend/backend.hpp"
#include "backend/cpu_threads.hpp"
#include "backend/simd/lane_dispatch.hpp"
#include "ensemble/observation_spec.hpp"
#include "ensemble/sampler_dispatch.hpp"
#include "input_error.hpp"
#include "orbitmc/chain_runner.hpp"
#include "parallel/ranks.hpp"

namespace orbitmc {
namespace {

// One chain's working memory on the CPU: the state in the chains' precision and the sampler's
// scratch, on the stack for the register path and in one reused vector for the general path.
template <class S, bool kFixed = model_of<S>::Layout::kFixed>
struct CpuChainMemory;

template <class S>
struct CpuChainMemory<S, true> {
  using T = typename S::T;
  static constexpr int D = model_of<S>::Layout::kDim;
  T x[D];
  RegisterWork<T, D, S::kVectors, model_of<S>::kScratch> work;
  explicit CpuChainMemory(const S&) {}
  T* state() { return x; }
};

template <class S>
struct CpuChainMemory<S, false> {
  using T = typename S::T;
  std::vector<T> words;
  ViewWork<T*> work;
  explicit CpuChainMemory(const S& s) {
    const int d = s.model.layout.dim();
    words.assign(static_cast<size_t>(d) * (1 + S::kVectors) + s.model.scratch_words(), T(0));
    work = ViewWork<T*>{words.data() + d, d, S::kVectors};
  }
  T* state() { return words.data(); }
};

template <class S>
void init_range(const S& s, const RunSpec& spec, EnsembleState& st, uint64_t first, uint64_t last) {
  using T = typename S::T;
  const int D = s.model.layout.dim();
  CpuChainMemory<S> mem(s);
  T* x = mem.state();
  for (uint64_t i = first; i < last; ++i) {
    init_chain(s.model, NoiseKey{spec.seed}, static_cast<uint32_t>(st.first_chain + i),
               static_cast<T>(spec.init_sigma_lo), static_cast<T>(spec.init_sigma_hi), x);
    for (int k = 0; k < D; ++k) st.x[i * D + k] = static_cast<double>(x[k]);
  }
}

template <class S>
void advance_range(const S& s, const RunSpec& spec, EnsembleState& st, uint64_t n_end,
                   uint64_t first, uint64_t last, std::vector<std::vector<uint64_t>>& counts) {
  using T = typename S::T;
  const int D = s.model.layout.dim();
  const ObservationSpec<T> obs = make_observation_spec<T>(spec);
  const NoiseKey key{spec.seed};
  const int nobs = obs.count;
  auto sink = [&](int k, int slot) { counts[k][slot] += 1; };
  CpuChainMemory<S> mem(s);
  T* x = mem.state();
  if (st.next_step == 0) init_range(s, spec, st, first, last);
  for (uint64_t i = first; i < last; ++i) {
    for (int k = 0; k < D; ++k) x[k] = static_cast<T>(st.x[i * D + k]);
    SplitMoments<T> mom[kMaxObserved];
    double* mw = st.moments.data() + i * nobs * EnsembleState::kMomentWords;
    load_moments(mom, nobs, mw, 1);
    ChainCounters c = st.counters[i];
    run_chain(s, x, mem.work, c, mom, obs, spec.schedule, key,
              static_cast<uint32_t>(st.first_chain + i), st.next_step, n_end, sink);
    st.counters[i] = c;
    for (int k = 0; k < D; ++k) st.x[i * D + k] = static_cast<double>(x[k]);
    store_moments(mom, nobs, mw, 1);
  }
}

// The vector path's view of one thread's observations: the moments of the group in flight and
// the thread's histogram counts. Its callbacks run in baseline code (see lane_job.hpp).
struct LaneObserver {
  static constexpr int kMaxLanes = 16;
  ObservationSpec<float> obs;
  EnsembleState* st;
  std::vector<std::vector<uint64_t>>* counts;
  SplitMoments<float> mom[kMaxLanes][kMaxObserved];

  double* words(uint64_t chain) const {
    return st->moments.data() + chain * obs.count * EnsembleState::kMomentWords;
  }
  static void begin(void* self, uint64_t first, int lanes) {
    auto& o = *static_cast<LaneObserver*>(self);
    for (int l = 0; l < lanes && first + l < o.st->chains; ++l)
      load_moments(o.mom[l], o.obs.count, o.words(first + l), 1);
  }
  static void end(void* self, uint64_t first, int lanes) {
    auto& o = *static_cast<LaneObserver*>(self);
    for (int l = 0; l < lanes && first + l < o.st->chains; ++l)
      store_moments(o.mom[l], o.obs.count, o.words(first + l), 1);
  }
  // As run_chain: a non-finite coordinate freezes the chain before any of the sample counts.
  static void observe(void* self, uint64_t first, int lanes, int half, const float* values,
                      int32_t* diverged) {
    auto& o = *static_cast<LaneObserver*>(self);
    for (int l = 0; l < lanes && first + l < o.st->chains; ++l) {
      if (diverged[l]) continue;
      bool finite = true;
      for (int k = 0; k < o.obs.count; ++k) finite = finite && lane::finite(values[k * lanes + l]);
      if (!finite) {
        diverged[l] = 2;
        continue;
      }
      for (int k = 0; k < o.obs.count; ++k) {
        const float v = values[k * lanes + l];
        o.mom[l][k].add(half, v);
        (*o.counts)[k][o.obs.bin[k].slot(v)] += 1;
      }
    }
  }
};

// The vector path: groups of lanes, split among the threads on group boundaries.
template <class S>
void advance_lanes(const S& s, simd::LanePath path, const RunSpec& spec, EnsembleState& st,
                   uint64_t n_end, uint64_t nthreads,
                   std::vector<std::vector<std::vector<uint64_t>>>& local) {
  const uint64_t lanes = static_cast<uint64_t>(simd::lane_count(path));
  const uint64_t groups = (st.chains + lanes - 1) / lanes;
  const Schedule& sched = spec.schedule;
  run_on_threads(nthreads, [&](uint64_t t) {
    const uint64_t g0 = groups * t / nthreads, g1 = groups * (t + 1) / nthreads;
    if (st.next_step == 0)
      init_range(s, spec, st, std::min(g0 * lanes, st.chains), std::min(g1 * lanes, st.chains));
    LaneObserver observer;
    observer.obs = make_observation_spec<float>(spec);
    observer.st = &st;
    observer.counts = &local[t];
    simd::LaneJob job;
    job.x = st.x.data();
    job.counters = st.counters.data();
    job.chains = st.chains;
    job.first_chain = st.first_chain;
    job.first = g0 * lanes;
    job.last = g1 * lanes;
    job.n0 = st.next_step;
    job.n1 = n_end;
    job.next_sample = sched.first_sample_time(st.next_step + 1);
    job.sample_index = (job.next_sample - sched.burn_in) / sched.thin - 1;
    job.thin = sched.thin;
    job.samples = sched.samples();
    job.key = NoiseKey{spec.seed};
    job.dim = s.model.layout.dim();
    job.observed = observer.obs.count;
    for (int k = 0; k < observer.obs.count; ++k) job.coord[k] = observer.obs.bin[k].coord;
    job.context = &observer;
    job.observe = &LaneObserver::observe;
    job.begin_group = &LaneObserver::begin;
    job.end_group = &LaneObserver::end;
    simd::run_lanes_on(path, s, job);
  });
}

// Threads for a run: --threads (0: every hardware thread), never more than chains.
uint64_t thread_count(const RunSpec& spec) { return cpu_thread_count(spec.threads, spec.chains); }

class CpuBackend : public Backend {
 public:
  std::string name() const override { return "cpu"; }

  // Starts (and ends) the run's threads once up front, so a thread count this machine cannot
  // start is refused before any sampling.
  void check_fits(const RunSpec& spec) const override {
    run_on_threads(thread_count(spec), [](uint64_t) {});
  }

  void advance_on_device(const RunSpec& spec, EnsembleState& st, uint64_t n_end) override {
    if (!st.host_current)
      throw std::logic_error("cpu advance: the state's newest copy is on a device; sync() first");
    if (!st.initialised()) allocate_state(spec, st);
    const auto t0 = std::chrono::steady_clock::now();
    const uint64_t nthreads = thread_count(spec);
    std::vector<std::vector<std::vector<uint64_t>>> local(nthreads);
    for (auto& l : local) {
      l.resize(st.pooled.size());
      for (size_t k = 0; k < st.pooled.size(); ++k) l[k].assign(st.pooled[k].size(), 0);
    }
    dispatch(spec, [&](const auto& sampler, const auto&) {
      using S = std::decay_t<decltype(sampler)>;
      const simd::LanePath path = simd::lane_path_for<S>();
      if (path != simd::LanePath::kScalar) {
        advance_lanes(sampler, path, spec, st, n_end, nthreads, local);
        return;
      }
      run_on_threads(nthreads, [&](uint64_t t) {
        const uint64_t first = st.chains * t / nthreads, last = st.chains * (t + 1) / nthreads;
        advance_range(sampler, spec, st, n_end, first, last, local[t]);
      });
    });
    for (const auto& l : local)
      for (size_t k = 0; k < l.size(); ++k)
        for (size_t b = 0; b < l[k].size(); ++b) st.pooled[k][b] += l[k][b];
    st.next_step = n_end;
    compute_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend() { return std::make_unique<CpuBackend>(); }

uint64_t state_words_per_chain(const RunSpec& spec) {
  return static_cast<uint64_t>(model_dimension(spec.model)) +
         spec.observe.size() * EnsembleState::kMomentWords;
}

void allocate_state(const RunSpec& spec, EnsembleState& st) {
  const parallel::Range mine = parallel::range_of(spec.chains);  // all of them on one rank
  st.chains = mine.count;
  st.first_chain = mine.first;
  st.dim = model_dimension(spec.model);
  st.observed = static_cast<int>(spec.observe.size());
  st.next_step = 0;
  st.device.reset();  // a device copy of an earlier run in this object is not this run's
  st.host_current = true;
  st.x.assign(st.chains * st.dim, 0.0);
  st.counters.assign(st.chains, ChainCounters{});
  st.moments.assign(st.chains * st.observed * EnsembleState::kMomentWords, 0.0);
  st.pooled.assign(st.observed, {});
  for (int k = 0; k < st.observed; ++k) st.pooled[k].assign(spec.observe[k].bins + 2, 0);
}

}  // namespace orbitmc
