// The trainings of one (model variant, noise model) of an experiment: their parameters, balance
// tallies and counters (TrainingEnsemble), and a job that advances all of them to a step. The
// CPU job runs the shared per-seed step (cuda/orbitmc/training/train_step.hpp) on threads, one
// contiguous range of seeds per thread; each seed's model reads its own data (teacher, truth,
// design, mask) at data + seed·stride. The CUDA job runs the same step in a kernel.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "backend/cpu_threads.hpp"
#include "orbitmc/core/chain_state.hpp"
#include "orbitmc/training/train_step.hpp"
#if ORBITMC_HAVE_CUDA
#include "kernels/train_chains.cuh"
#endif

namespace orbitmc {

struct TrainingEnsemble {
  int dim = 0;
  int blocks = 0;
  uint64_t seeds = 0;
  uint32_t first_seed = 0;              // global index of seed 0 (--seed-offset)
  std::vector<float> x;                 // seeds × dim: the paper trains in float32
  std::vector<double> tally;            // seeds × blocks × BalanceTally::kWords
  std::vector<ChainCounters> counters;  // diverged trainings are frozen and left out
  uint64_t step = 0;                    // steps taken by every training
  // The last advance: its step count, and per seed the sum of its steps' losses (each at θ
  // before its step; SGD's over the step's minibatch) — the training curve's running loss.
  uint64_t last_steps = 0;
  std::vector<double> last_loss_sum;

  TrainingEnsemble(int d, int b, uint64_t n, uint32_t first)
      : dim(d),
        blocks(b),
        seeds(n),
        first_seed(first),
        x(n * d, 0.f),
        tally(n * b * BalanceTally::kWords, 0.0),
        counters(n),
        last_loss_sum(n, 0.0) {}
  const float* theta(uint64_t i) const { return x.data() + i * dim; }
};

class TrainingJob {
 public:
  virtual ~TrainingJob() = default;
  // Advances every training from e.step to n_end.
  virtual void advance(TrainingEnsemble& e, uint64_t n_end) = 0;
  // GPU memory a seed holds for the whole run (0 on the CPU): checked before any training.
  virtual uint64_t device_bytes_per_seed() const { return 0; }
  // Host memory a seed's data holds in the job (its float copy, which a derived design matrix or
  // teacher can make larger than the problem): checked before any training.
  virtual uint64_t host_bytes_per_seed() const = 0;
};

template <class Model>
class CpuTrainingJob : public TrainingJob {
 public:
  CpuTrainingJob(const Model& model, TrainRule<float> rule, std::vector<float> data,
                 uint64_t stride, uint64_t seed, uint64_t threads)
      : model_(model),
        rule_(rule),
        data_(std::move(data)),
        stride_(stride),
        key_{seed},
        threads_(threads) {}

  void advance(TrainingEnsemble& e, uint64_t n_end) override {
    run_on_ranges(threads_, e.seeds, [&](uint64_t first, uint64_t last) {
      const int d = model_.layout.dim();
      std::vector<float> words(static_cast<size_t>(kTrainVectors) * d + model_.scratch_words());
      const ViewWork<float*> w{words.data(), d, kTrainVectors};
      for (uint64_t i = first; i < last; ++i) {
        Model m = model_;
        m.data = data_.data() + i * stride_;
        float* x = e.x.data() + i * e.dim;
        double* tally = e.tally.data() + i * e.blocks * BalanceTally::kWords;
        const uint32_t seed = e.first_seed + static_cast<uint32_t>(i);
        double loss = 0;
        for (uint64_t n = e.step; n < n_end; ++n)
          loss += train_step(m, rule_, x, w, tally, e.counters[i], key_, seed, n);
        e.last_loss_sum[i] = loss;
      }
    });
    e.last_steps = n_end - e.step;
    e.step = n_end;
  }
  uint64_t host_bytes_per_seed() const override { return sizeof(float) * stride_; }

 private:
  Model model_;
  TrainRule<float> rule_;
  std::vector<float> data_;  // seeds × stride
  uint64_t stride_;
  NoiseKey key_;
  uint64_t threads_;
};

#if ORBITMC_HAVE_CUDA
// The same trainings on the GPU (cuda/kernels/train_chains.cu): the data and the states stay on
// the device; each advance brings the states back for the runner's observations.
template <class Model>
class CudaTrainingJob : public TrainingJob {
 public:
  CudaTrainingJob(const Model& model, TrainRule<float> rule, std::vector<float> data,
                  uint64_t stride, uint64_t seed)
      : model_(model), rule_(rule), data_(std::move(data)), stride_(stride), key_{seed} {}

  void advance(TrainingEnsemble& e, uint64_t n_end) override {
    cuda::TrainArgs a;
    a.seeds = e.seeds;
    a.dim = e.dim;
    a.blocks = e.blocks;
    a.first_seed = e.first_seed;
    a.key = key_;
    a.n0 = e.step;
    a.n1 = n_end;
    a.x = e.x.data();
    a.tally = e.tally.data();
    a.counters = e.counters.data();
    a.loss_sum = e.last_loss_sum.data();
    cuda::train(model_, rule_, data_, stride_, a, device_);
    e.last_steps = n_end - e.step;
    e.step = n_end;
    if (!data_.empty()) {  // uploaded with the first advance: the host copy is no longer read
      data_.clear();
      data_.shrink_to_fit();
    }
  }
  // The data, the state, the step's work vectors and the model's scratch in float, the balance
  // tallies and the loss sum in double, the counters (cuda/kernels/train_chains.cu allocates
  // these).
  uint64_t device_bytes_per_seed() const override {
    const uint64_t d = static_cast<uint64_t>(model_.layout.dim());
    const uint64_t tally =
        std::max<uint64_t>(1, uint64_t(model_.layout.blocks()) * BalanceTally::kWords);
    return 4 * (stride_ + d + kTrainVectors * d + static_cast<uint64_t>(model_.scratch_words())) +
           8 * (tally + 1) + sizeof(ChainCounters);
  }
  // Until the first advance uploads it.
  uint64_t host_bytes_per_seed() const override { return sizeof(float) * stride_; }

 private:
  Model model_;
  TrainRule<float> rule_;
  std::vector<float> data_;
  uint64_t stride_;
  NoiseKey key_;
  std::shared_ptr<void> device_;
};
#endif

// What a job needs besides the model: the noise model and its constants, the key of the
// per-step noise, the ensemble size, and where it runs.
struct JobContext {
  NoiseModel noise = NoiseModel::kGd;
  double beta = 1e4;
  uint64_t seed = 1;
  uint64_t threads = 0;  // CPU threads (0: all)
  uint64_t seeds = 0;
  bool on_device = false;  // Backend::on_device() of the backend that runs the experiment
};

// The trainings of `model` with learning rate eta under ctx.noise; seed i reads
// data[i·stride, (i+1)·stride).
template <class Model>
std::unique_ptr<TrainingJob> make_training_job(const Model& model, double eta,
                                               std::vector<float> data, uint64_t stride,
                                               const JobContext& ctx) {
  const TrainRule<float> rule{ctx.noise, static_cast<float>(eta), static_cast<float>(ctx.beta)};
#if ORBITMC_HAVE_CUDA
  if (ctx.on_device)
    return std::make_unique<CudaTrainingJob<Model>>(model, rule, std::move(data), stride, ctx.seed);
#endif
  return std::make_unique<CpuTrainingJob<Model>>(model, rule, std::move(data), stride, ctx.seed,
                                                 ctx.threads);
}

}  // namespace orbitmc
