// The training kernel: one seed per thread, the shared per-seed step
// (orbitmc/training/train_step.hpp) over steps [n0, n1). States, scratch and tallies in device
// memory with component k of seed i at k·seeds + i (a warp's accesses coalesce); each seed's
// data (teacher, truth, design, mask) is its own slice. Blocks of one warp spread an ensemble of
// a few thousand seeds over every SM.
#include <stdexcept>

#include "cuda_check.cuh"
#include "device_buffer.cuh"
#include "kernel_timer.cuh"
#include "nvtx_range.cuh"
#include "orbitmc/catalog.hpp"
#include "orbitmc/core/transpose.hpp"
#include "orbitmc/training/train_step.hpp"
#include "train_chains.cuh"

namespace orbitmc {
namespace cuda {
namespace {

constexpr int kTrainThreads = 32;

struct TrainDevice {
  DeviceBuffer<float> data, x, work;
  DeviceBuffer<double> tally, loss_sum;
  DeviceBuffer<ChainCounters> counters;
};

template <class Model>
__global__ void __launch_bounds__(kTrainThreads)
    train_kernel(Model model, TrainRule<float> rule, const float* __restrict__ data,
                 uint64_t stride, uint64_t seeds, int dim, uint32_t first_seed, NoiseKey key,
                 uint64_t n0, uint64_t n1, float* __restrict__ x, float* __restrict__ work,
                 double* __restrict__ tally, ChainCounters* __restrict__ counters,
                 double* __restrict__ loss_sum) {
  const uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= seeds) return;
  Model m = model;
  m.data = data + i * stride;
  const Strided<float> xv{x + i, seeds};
  const ViewWork<Strided<float>> w{Strided<float>{work + i, seeds}, dim, kTrainVectors};
  const Strided<double> tv{tally + i, seeds};
  ChainCounters c = counters[i];
  double loss = 0;
  for (uint64_t n = n0; n < n1; ++n)
    loss += train_step(m, rule, xv, w, tv, c, key, first_seed + static_cast<uint32_t>(i), n);
  counters[i] = c;
  loss_sum[i] = loss;
}

// Host (seed-major) ↔ device (component-major) layouts.
template <class T>
std::vector<T> to_columns(const T* rows, uint64_t seeds, int width) {
  std::vector<T> out(seeds * width);
  transpose(rows, seeds, width, out.data());
  return out;
}
template <class T>
void to_rows(const std::vector<T>& cols, uint64_t seeds, int width, T* rows) {
  transpose(cols.data(), width, seeds, rows);
}

}  // namespace

template <class Model>
void train(const Model& model, const TrainRule<float>& rule, const std::vector<float>& data,
           uint64_t stride, const TrainArgs& a, std::shared_ptr<void>& device) {
  if (a.seeds == 0) return;  // a grid of no blocks is a launch error
  NvtxRange range("orbitmc train");
  const int tw = a.blocks * BalanceTally::kWords;
  const int scratch = model.scratch_words();
  if (!device) {
    auto d = std::make_shared<TrainDevice>();
    d->data.reset(data.size());
    d->data.upload(data.data());
    d->x.reset(a.seeds * a.dim);
    d->x.upload(to_columns(a.x, a.seeds, a.dim).data());
    d->work.reset(a.seeds * (static_cast<uint64_t>(kTrainVectors) * a.dim + scratch));
    d->tally.reset(a.seeds * (tw > 0 ? tw : 1));
    if (tw > 0) d->tally.upload(to_columns(a.tally, a.seeds, tw).data());
    d->counters.reset(a.seeds);
    d->counters.upload(a.counters);
    d->loss_sum.reset(a.seeds);
    device = d;
  }
  auto* d = static_cast<TrainDevice*>(device.get());
  KernelTimer timer;
  const unsigned grid = static_cast<unsigned>((a.seeds + kTrainThreads - 1) / kTrainThreads);
  train_kernel<<<grid, kTrainThreads>>>(model, rule, d->data.get(), stride, a.seeds, a.dim,
                                        a.first_seed, a.key, a.n0, a.n1, d->x.get(), d->work.get(),
                                        d->tally.get(), d->counters.get(), d->loss_sum.get());
  ORBITMC_CUDA_CHECK(cudaGetLastError());
  const double seconds = timer.seconds();
  if (a.kernel_seconds) *a.kernel_seconds = seconds;
  std::vector<float> x(a.seeds * a.dim);
  d->x.download(x.data());
  to_rows(x, a.seeds, a.dim, a.x);
  if (tw > 0) {
    std::vector<double> t(a.seeds * tw);
    d->tally.download(t.data());
    to_rows(t, a.seeds, tw, a.tally);
  }
  d->counters.download(a.counters);
  if (a.loss_sum) d->loss_sum.download(a.loss_sum);
}

// Every registered model, at run-time sizes in float (the paper trains in float32).
#define ORBITMC_INSTANTIATE_TRAIN(...)                                                   \
  template void train(const __VA_ARGS__<float, RuntimeLayout>&, const TrainRule<float>&, \
                      const std::vector<float>&, uint64_t, const TrainArgs&,             \
                      std::shared_ptr<void>&);
ORBITMC_FOR_EACH_MODEL_TEMPLATE(ORBITMC_INSTANTIATE_TRAIN)
#undef ORBITMC_INSTANTIATE_TRAIN

}  // namespace cuda
}  // namespace orbitmc
