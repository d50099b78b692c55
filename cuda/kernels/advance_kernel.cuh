// The chain kernel and its driver template: one chain per thread, state in registers for a
// whole launch, pooled histograms binned in block-private shared memory and flushed once per
// block with global atomics. The per-chain math is orbitmc/chain_runner.hpp, unchanged.
#pragma once

#include <vector>

#include "cuda_check.cuh"
#include "device_buffer.cuh"
#include "nvtx_range.cuh"
#include "orbitmc/chain_runner.hpp"
#include "run_chains.cuh"

namespace orbitmc {
namespace cuda {

constexpr int kBlockThreads = 256;

struct HistLayout {
  int offset[kMaxObserved];  // first slot of each observed coordinate
  int slots;                 // total slots (a separate field: indexing offset[] with the run-time
                             // count would move the struct to local memory)
};

// Device arrays are structure-of-arrays (component k of chain i at k * chains + i) so that a
// warp's loads and stores are coalesced.
template <class S>
__global__ void __launch_bounds__(kBlockThreads)
    advance_kernel(S s, ObservationSpec<typename S::T> obs, HistLayout hl, Schedule sched,
                   NoiseKey key, uint64_t chains, uint64_t n0, uint64_t n1, bool init,
                   typename S::T init_lo, typename S::T init_hi, typename S::T* __restrict__ x,
                   ChainCounters* __restrict__ counters, typename S::T* __restrict__ moments,
                   unsigned long long* __restrict__ pooled) {
  using T = typename S::T;
  using Model = decltype(s.model);
  constexpr int D = S::kDim;
  extern __shared__ unsigned int hist[];
  const int slots = hl.slots;
  for (int i = threadIdx.x; i < slots; i += blockDim.x) hist[i] = 0;
  __syncthreads();

  const uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < chains) {
    T xl[D];
    if (init) {
      init_chain<Model>(key, static_cast<uint32_t>(i), init_lo, init_hi, xl);
    } else {
#pragma unroll
      for (int k = 0; k < D; ++k) xl[k] = x[k * chains + i];
    }
    SplitMoments<T> mom[kMaxObserved];
    load_moments(mom, obs.count, moments + i, chains);
    ChainCounters c = counters[i];
    auto sink = [&](int k, int slot) { atomicAdd(&hist[hl.offset[k] + slot], 1u); };
    run_chain(s, xl, c, mom, obs, sched, key, static_cast<uint32_t>(i), n0, n1, sink);
#pragma unroll
    for (int k = 0; k < D; ++k) x[k * chains + i] = xl[k];
    store_moments(mom, obs.count, moments + i, chains);
    counters[i] = c;
  }
  __syncthreads();
  for (int j = threadIdx.x; j < slots; j += blockDim.x)
    if (hist[j]) atomicAdd(&pooled[j], static_cast<unsigned long long>(hist[j]));
}

template <class S>
void advance(const S& sampler, const ObservationSpec<typename S::T>& obs, const AdvanceArgs& a) {
  using T = typename S::T;
  constexpr int D = S::kDim;
  const uint64_t n = a.chains;
  const int nobs = obs.count;
  HistLayout hl{};
  int slots = 0;
  for (int k = 0; k < nobs; ++k) {
    hl.offset[k] = slots;
    slots += obs.bin[k].bins + 2;
  }
  hl.slots = slots;

  NvtxRange upload("upload");
  // Host AoS double → device SoA T (float states round-trip exactly through double).
  std::vector<T> hx(n * D), hm(n * nobs * kMomentWords);
  for (uint64_t i = 0; i < n; ++i)
    for (int k = 0; k < D; ++k) hx[k * n + i] = static_cast<T>(a.x[i * D + k]);
  for (uint64_t i = 0; i < n; ++i)
    for (int w = 0; w < nobs * kMomentWords; ++w)
      hm[w * n + i] = static_cast<T>(a.moments[i * nobs * kMomentWords + w]);
  DeviceBuffer<T> dx(n * D), dm(n * nobs * kMomentWords);
  DeviceBuffer<ChainCounters> dc(n);
  DeviceBuffer<unsigned long long> dh(slots);
  dx.upload(hx.data());
  dm.upload(hm.data());
  dc.upload(a.counters);
  dh.zero();
  upload.end();

  const unsigned grid = static_cast<unsigned>((n + kBlockThreads - 1) / kBlockThreads);
  const size_t shmem = slots * sizeof(unsigned int);
  // Launches of bounded length keep shared-memory counts far from 2^32 and let a long segment
  // be split without changing any chain's noise (it depends on the step index only). A launch
  // never straddles the end of burn-in, so the profiler's "burn-in" and "sampling" ranges
  // hold exactly those kernels.
  const uint64_t max_steps = 1u << 16;
  const uint64_t burn = a.schedule.burn_in;
  cudaEvent_t start, stop;
  ORBITMC_CUDA_CHECK(cudaEventCreate(&start));
  ORBITMC_CUDA_CHECK(cudaEventCreate(&stop));
  ORBITMC_CUDA_CHECK(cudaEventRecord(start));
  for (uint64_t s0 = a.n0; s0 < a.n1;) {
    const bool burning = s0 < burn;
    uint64_t s1 = s0 + max_steps < a.n1 ? s0 + max_steps : a.n1;
    if (burning && s1 > burn) s1 = burn;
    NvtxRange phase(burning ? "burn-in" : "sampling");
    advance_kernel<S><<<grid, kBlockThreads, shmem>>>(
        sampler, obs, hl, a.schedule, a.key, n, s0, s1, s0 == 0, static_cast<T>(a.init_sigma_lo),
        static_cast<T>(a.init_sigma_hi), dx.get(), dc.get(), dm.get(), dh.get());
    ORBITMC_CUDA_CHECK(cudaGetLastError());
    s0 = s1;
  }
  ORBITMC_CUDA_CHECK(cudaEventRecord(stop));
  ORBITMC_CUDA_CHECK(cudaEventSynchronize(stop));
  float ms = 0;
  ORBITMC_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  if (a.kernel_seconds) *a.kernel_seconds = 1e-3 * ms;

  NvtxRange download("download");
  dx.download(hx.data());
  dm.download(hm.data());
  dc.download(a.counters);
  std::vector<unsigned long long> hh(slots);
  dh.download(hh.data());
  for (uint64_t i = 0; i < n; ++i)
    for (int k = 0; k < D; ++k) a.x[i * D + k] = static_cast<double>(hx[k * n + i]);
  for (uint64_t i = 0; i < n; ++i)
    for (int w = 0; w < nobs * kMomentWords; ++w)
      a.moments[i * nobs * kMomentWords + w] = static_cast<double>(hm[w * n + i]);
  for (int k = 0; k < nobs; ++k)
    for (int b = 0; b < obs.bin[k].bins + 2; ++b) a.pooled[k][b] += hh[hl.offset[k] + b];
}

}  // namespace cuda
}  // namespace orbitmc
