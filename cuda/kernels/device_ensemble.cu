// Download of a device ensemble into the host arrays (device SoA T → host AoS double).
#include <stdexcept>
#include <vector>

#include "device_ensemble.cuh"
#include "nvtx_range.cuh"
#include "orbitmc/core/transpose.hpp"
#include "run_chains.cuh"

namespace orbitmc {
namespace cuda {
namespace {

template <class T>
void download_typed(DeviceEnsemble& dev, const AdvanceArgs& a) {
  const uint64_t n = dev.chains;
  const int D = dev.dim, nobs = dev.nobs;
  std::vector<T> hx(n * D), hm(n * nobs * kMomentWords);
  dev.x.download(reinterpret_cast<unsigned char*>(hx.data()));
  dev.moments.download(reinterpret_cast<unsigned char*>(hm.data()));
  dev.counters.download(a.counters);
  std::vector<unsigned long long> hh(dev.hist.size());
  dev.hist.download(hh.data());
  dev.hist.zero();  // counts move to the host: the next download adds only newer ones
  transpose(hx.data(), D, n, a.x);
  transpose(hm.data(), nobs * kMomentWords, n, a.moments);
  for (int k = 0; k < nobs; ++k)
    for (int b = 0; b < dev.bins[k] + 2; ++b) a.pooled[k][b] += hh[dev.hist_layout.offset[k] + b];
}

}  // namespace

void download(const std::shared_ptr<void>& handle, const AdvanceArgs& a) {
  auto* dev = static_cast<DeviceEnsemble*>(handle.get());
  // Only the state the copy was made for, at the step it has reached, may take it: a copy of a
  // state (sharing the handle) would otherwise take the other's counts or a later step.
  if (!dev || dev->owner != a.owner || dev->step != a.n1 || dev->chains != a.chains ||
      dev->dim != a.dim)
    throw std::logic_error("cuda download: the device copy does not belong to this state");
  NvtxRange range("download");
  if (dev->word_bytes == sizeof(float))
    download_typed<float>(*dev, a);
  else
    download_typed<double>(*dev, a);
}

}  // namespace cuda
}  // namespace orbitmc
