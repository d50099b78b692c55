// CPU backend: runs the shared per-chain functors on std::threads, one contiguous range of
// chains per thread. Every chain's noise is a pure function of (seed, chain, step) and the
// histograms are integer counts, so results are identical for any thread count.
#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <vector>

#include "backend/backend.hpp"
#include "backend/cpu_threads.hpp"
#include "input_error.hpp"
#include "orbitmc/chain_runner.hpp"
#include "run/observation_spec.hpp"
#include "run/sampler_dispatch.hpp"

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
  for (uint64_t i = first; i < last; ++i) {
    if (st.next_step == 0) {
      init_chain(s.model, key, static_cast<uint32_t>(i), static_cast<T>(spec.init_sigma_lo),
                 static_cast<T>(spec.init_sigma_hi), x);
    } else {
      for (int k = 0; k < D; ++k) x[k] = static_cast<T>(st.x[i * D + k]);
    }
    SplitMoments<T> mom[kMaxObserved];
    double* mw = st.moments.data() + i * nobs * EnsembleState::kMomentWords;
    load_moments(mom, nobs, mw, 1);
    ChainCounters c = st.counters[i];
    run_chain(s, x, mem.work, c, mom, obs, spec.schedule, key, static_cast<uint32_t>(i),
              st.next_step, n_end, sink);
    st.counters[i] = c;
    for (int k = 0; k < D; ++k) st.x[i * D + k] = static_cast<double>(x[k]);
    store_moments(mom, nobs, mw, 1);
  }
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
  st.chains = spec.chains;
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
