// Bridge from the host to the CUDA drivers: picks the sampler instantiation with the shared
// dispatch and calls the driver over the EnsembleState's host arrays. Includes no CUDA header;
// without a CUDA build it only reports why the backend is unavailable.
#include "backend/backend.hpp"
#include "input_error.hpp"
#include "parallel/ranks.hpp"

#if ORBITMC_HAVE_CUDA

#include "ensemble/observation_spec.hpp"
#include "ensemble/sampler_dispatch.hpp"
#include "kernels/run_chains.cuh"
#endif

namespace orbitmc {

#if ORBITMC_HAVE_CUDA
namespace {

class CudaBackend : public Backend {
 public:
  std::string name() const override { return "cuda"; }
  bool on_device() const override { return true; }
  uint64_t device_free_bytes() const override {
    uint64_t free_bytes = 0, total = 0;
    cuda::device_memory(&free_bytes, &total);
    return free_bytes;
  }
  void advance_on_device(const RunSpec& spec, EnsembleState& st, uint64_t n_end) override {
    if (!st.initialised()) {
      check_fits(spec);  // checked for the whole case up front; free memory may have changed
      allocate_state(spec, st);
    }
    cuda::AdvanceArgs a = host_arrays(st);
    a.host_current = st.host_current;
    a.n0 = st.next_step;
    a.n1 = n_end;
    a.schedule = spec.schedule;
    a.key = NoiseKey{spec.seed};
    a.init_sigma_lo = spec.init_sigma_lo;
    a.init_sigma_hi = spec.init_sigma_hi;
    a.kernel_seconds = &compute_seconds_;
    dispatch(spec, [&](const auto& sampler, const auto& data) {
      using T = typename std::decay_t<decltype(sampler)>::T;
      cuda::advance(sampler, data, make_observation_spec<T>(spec), a, st.device);
    });
    st.next_step = n_end;
    st.host_current = false;
  }

  void sync(EnsembleState& st) override {
    if (st.host_current) return;
    cuda::AdvanceArgs a = host_arrays(st);
    a.n1 = st.next_step;
    cuda::download(st.device, a);
    st.host_current = true;
  }

  // The device holds positions, split moments (in the chains' precision), counters and, on the
  // general path, each sampler's scratch vectors, and the data set; a run that cannot fit is
  // refused with the limit instead of failing in cudaMalloc.
  void check_fits(const RunSpec& spec) const override {
    const uint64_t word = spec.use_double ? 8 : 4;
    uint64_t per_chain = state_words_per_chain(spec) * word + sizeof(ChainCounters);
    dispatch(spec, [&](const auto& s, const auto&) {
      using S = std::decay_t<decltype(s)>;
      if constexpr (!model_of<S>::Layout::kFixed)
        per_chain +=
            (static_cast<uint64_t>(S::kVectors) * s.model.layout.dim() + s.model.scratch_words()) *
            word;
    });
    const double need = double(spec.chains) * double(per_chain) +
                        double(model_data_words(spec.model)) * double(word);
    check_device_room(need, "chains", spec.chains, "the chain states; use fewer chains");
  }

 private:
  static cuda::AdvanceArgs host_arrays(EnsembleState& st) {
    cuda::AdvanceArgs a;
    a.chains = st.chains;
    a.first_chain = st.first_chain;
    a.dim = st.dim;
    a.owner = &st;
    a.x = st.x.data();
    a.counters = st.counters.data();
    a.moments = st.moments.data();
    for (int k = 0; k < st.observed; ++k) a.pooled[k] = st.pooled[k].data();
    return a;
  }
};
}  // namespace

bool cuda_usable(std::string* why) { return cuda::device_count(why) > 0; }

std::unique_ptr<Backend> make_cuda_backend() {
  std::string why;
  if (!cuda_usable(&why)) bad_input("--backend", "cuda", why + " (use --backend cpu or auto)");
  cuda::use_device(parallel::local_rank());  // one GPU per rank of a node, round robin
  return std::make_unique<CudaBackend>();
}
#else
bool cuda_usable(std::string* why) {
  if (why) *why = "this build has no CUDA backend (nvcc was not found at configure time)";
  return false;
}

std::unique_ptr<Backend> make_cuda_backend() {
  std::string why;
  cuda_usable(&why);
  bad_input("--backend", "cuda", why + " (use --backend cpu or auto)");
}
#endif

std::unique_ptr<Backend> make_backend(const std::string& name) {
  if (name == "cpu") return make_cpu_backend();
  if (name == "cuda") return make_cuda_backend();
  if (name == "auto") return cuda_usable(nullptr) ? make_cuda_backend() : make_cpu_backend();
  bad_input("--backend", name, "allowed: cpu, cuda, auto");
}

}  // namespace orbitmc
