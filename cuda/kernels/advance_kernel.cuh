// The chain kernel and its driver template: one chain per thread, pooled histograms binned in
// block-private shared memory and flushed once per block with global atomics. Two shapes of the
// same per-chain code (orbitmc/chain_runner.hpp): the register path (sizes compiled in: state
// and scratch in registers for a whole launch) and the general path (any size: state and
// scratch in device memory, component k of chain i at k·chains + i, so a warp's accesses
// coalesce). The ensemble lives in a DeviceEnsemble between launches.
#pragma once

#include <memory>
#include <stdexcept>
#include <vector>

#include "cuda_check.cuh"
#include "device_ensemble.cuh"
#include "kernel_timer.cuh"
#include "nvtx_range.cuh"
#include "orbitmc/chain_runner.hpp"
#include "orbitmc/core/transpose.hpp"
#include "orbitmc/samplers/sampler_params.hpp"
#include "run_chains.cuh"

namespace orbitmc {
namespace cuda {

constexpr int kBlockThreads = 256;

template <class S>
__global__ void __launch_bounds__(kBlockThreads)
    advance_kernel(S s, ObservationSpec<typename S::T> obs, HistLayout hl, Schedule sched,
                   NoiseKey key, uint64_t chains, uint32_t first_chain, uint64_t n0, uint64_t n1,
                   bool init, typename S::T init_lo, typename S::T init_hi,
                   typename S::T* __restrict__ x, ChainCounters* __restrict__ counters,
                   typename S::T* __restrict__ moments, unsigned long long* __restrict__ pooled,
                   typename S::T* __restrict__ work) {
  using T = typename S::T;
  using Model = model_of<S>;
  extern __shared__ unsigned int hist[];
  const int slots = hl.slots;
  for (int i = threadIdx.x; i < slots; i += blockDim.x) hist[i] = 0;
  __syncthreads();

  const uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < chains) {
    const uint32_t chain = first_chain + static_cast<uint32_t>(i);  // global: its noise
    SplitMoments<T> mom[kMaxObserved];
    load_moments(mom, obs.count, moments + i, chains);
    ChainCounters c = counters[i];
    auto sink = [&](int k, int slot) { atomicAdd(&hist[hl.offset[k] + slot], 1u); };
    if constexpr (Model::Layout::kFixed) {
      constexpr int D = Model::Layout::kDim;
      T xl[D];
      RegisterWork<T, D, S::kVectors, Model::kScratch> w;
      if (init) {
        init_chain(s.model, key, chain, init_lo, init_hi, static_cast<T*>(xl));
      } else {
#pragma unroll
        for (int k = 0; k < D; ++k) xl[k] = x[k * chains + i];
      }
      run_chain(s, static_cast<T*>(xl), w, c, mom, obs, sched, key, chain, n0, n1, sink);
#pragma unroll
      for (int k = 0; k < D; ++k) x[k * chains + i] = xl[k];
    } else {
      const Strided<T> xv{x + i, chains};
      ViewWork<Strided<T>> w{Strided<T>{work + i, chains}, s.model.layout.dim(), S::kVectors};
      if (init) init_chain(s.model, key, chain, init_lo, init_hi, xv);
      run_chain(s, xv, w, c, mom, obs, sched, key, chain, n0, n1, sink);
    }
    store_moments(mom, obs.count, moments + i, chains);
    counters[i] = c;
  }
  __syncthreads();
  for (int j = threadIdx.x; j < slots; j += blockDim.x)
    if (hist[j]) atomicAdd(&pooled[j], static_cast<unsigned long long>(hist[j]));
}

// A device copy of the host arrays of `a` with the model's data set (host AoS double → device
// SoA T; float states round-trip exactly through double).
template <class T>
std::shared_ptr<void> upload(const ObservationSpec<T>& obs, const AdvanceArgs& a,
                             const std::vector<T>& data) {
  NvtxRange range("upload");
  auto dev = std::make_shared<DeviceEnsemble>();
  const uint64_t n = a.chains;
  const int D = a.dim, nobs = obs.count;
  dev->owner = a.owner;
  dev->word_bytes = sizeof(T);
  dev->chains = n;
  dev->dim = D;
  dev->nobs = nobs;
  dev->step = a.n0;
  int slots = 0;
  for (int k = 0; k < nobs; ++k) {
    dev->bins[k] = obs.bin[k].bins;
    dev->hist_layout.offset[k] = slots;
    slots += obs.bin[k].bins + 2;
  }
  dev->hist_layout.slots = slots;
  std::vector<T> hx(n * D), hm(n * nobs * kMomentWords);
  transpose(a.x, n, D, hx.data());
  transpose(a.moments, n, nobs * kMomentWords, hm.data());
  dev->x.reset(hx.size() * sizeof(T));
  dev->moments.reset(hm.size() * sizeof(T));
  dev->data.reset(data.size() * sizeof(T));
  dev->counters.reset(n);
  dev->hist.reset(slots);
  dev->x.upload(reinterpret_cast<const unsigned char*>(hx.data()));
  dev->moments.upload(reinterpret_cast<const unsigned char*>(hm.data()));
  dev->data.upload(reinterpret_cast<const unsigned char*>(data.data()));
  dev->counters.upload(a.counters);
  dev->hist.zero();
  return dev;
}

template <class S>
void advance(const S& sampler, const std::vector<typename S::T>& data,
             const ObservationSpec<typename S::T>& obs, const AdvanceArgs& a,
             std::shared_ptr<void>& handle) {
  using T = typename S::T;
  auto* dev = static_cast<DeviceEnsemble*>(handle.get());
  if (!dev || dev->owner != a.owner || dev->step != a.n0 || dev->word_bytes != sizeof(T) ||
      dev->chains != a.chains || dev->dim != a.dim || dev->nobs != obs.count) {
    // Uploading host arrays that are behind a device copy would silently lose steps (a copy of
    // a state made without sync(), or a state advanced by another backend).
    if (!a.host_current)
      throw std::logic_error("cuda advance: the host arrays are behind the device; sync() first");
    handle = upload(obs, a, data);
    dev = static_cast<DeviceEnsemble*>(handle.get());
  }
  const uint64_t n = a.chains;
  S s = sampler;
  s.model.data = reinterpret_cast<const T*>(dev->data.get());
  if (!model_of<S>::Layout::kFixed) {  // the general path's scratch: kVectors vectors + model's
    const size_t words = n * (static_cast<size_t>(S::kVectors) * a.dim + s.model.scratch_words());
    if (dev->work.size() < words * sizeof(T)) dev->work.reset(words * sizeof(T));
  }
  T* x = reinterpret_cast<T*>(dev->x.get());
  T* mom = reinterpret_cast<T*>(dev->moments.get());
  T* work = reinterpret_cast<T*>(dev->work.get());

  const unsigned grid = static_cast<unsigned>((n + kBlockThreads - 1) / kBlockThreads);
  const size_t shmem = dev->hist_layout.slots * sizeof(unsigned int);
  // Four coordinates of 4096 bins need 64 KiB: above 48 KiB a kernel must opt in (Hopper
  // allows up to 227 KiB per block).
  if (shmem > 48 * 1024)
    ORBITMC_CUDA_CHECK(cudaFuncSetAttribute(
        advance_kernel<S>, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(shmem)));
  // Launches of bounded length keep shared-memory counts far from 2^32 and let a long segment
  // be split without changing any chain's noise (it depends on the step index only). A launch
  // never straddles the end of burn-in, so the profiler's "burn-in" and "sampling" ranges
  // hold exactly those kernels.
  const uint64_t max_steps = 1u << 16;
  const uint64_t burn = a.schedule.burn_in;
  KernelTimer timer;
  for (uint64_t s0 = a.n0; s0 < a.n1;) {
    const bool burning = s0 < burn;
    uint64_t s1 = s0 + max_steps < a.n1 ? s0 + max_steps : a.n1;
    if (burning && s1 > burn) s1 = burn;
    NvtxRange phase(burning ? "burn-in" : "sampling");
    advance_kernel<S><<<grid, kBlockThreads, shmem>>>(
        s, obs, dev->hist_layout, a.schedule, a.key, n, static_cast<uint32_t>(a.first_chain), s0,
        s1, s0 == 0, static_cast<T>(a.init_sigma_lo), static_cast<T>(a.init_sigma_hi), x,
        dev->counters.get(), mom, dev->hist.get(), work);
    ORBITMC_CUDA_CHECK(cudaGetLastError());
    s0 = s1;
  }
  const double seconds = timer.seconds();
  if (a.kernel_seconds) *a.kernel_seconds = seconds;
  dev->step = a.n1;
}

}  // namespace cuda
}  // namespace orbitmc
