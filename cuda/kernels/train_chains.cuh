// Thin driver between the experiment runner and the training kernel: a plain function over
// host arrays (no CUDA header here, so host code may include it). The trainings stay on the
// device between calls: train() uploads the per-seed data and the starting states once (empty
// handle), advances every training on the device, and copies the states, tallies and counters
// back to the host arrays for the runner's observations (a training's state is small), with
// each training's sum of its step losses over the call.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "orbitmc/core/chain_state.hpp"
#include "orbitmc/core/philox_noise.hpp"
#include "orbitmc/training/train_rule.hpp"

namespace orbitmc {
namespace cuda {

struct TrainArgs {
  uint64_t seeds = 0;
  int dim = 0;
  int blocks = 0;
  uint32_t first_seed = 0;
  NoiseKey key{0};
  uint64_t n0 = 0, n1 = 0;            // steps [n0, n1)
  float* x = nullptr;                 // seeds × dim (in: the start when the handle is empty)
  double* tally = nullptr;            // seeds × blocks × BalanceTally::kWords
  ChainCounters* counters = nullptr;  // seeds
  double* loss_sum = nullptr;         // seeds (out): Σ of the losses of steps [n0, n1)
  double* kernel_seconds = nullptr;   // out (optional)
};

// Instantiated in train_chains.cu for every registered model (float, run-time layouts). Seed i's
// model reads data[i·stride, (i+1)·stride).
template <class Model>
void train(const Model& model, const TrainRule<float>& rule, const std::vector<float>& data,
           uint64_t stride, const TrainArgs& args, std::shared_ptr<void>& device);

}  // namespace cuda
}  // namespace orbitmc
