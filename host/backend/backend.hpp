// One backend interface, two implementations (CPU threads and CUDA), chosen at run time.
// A backend advances every chain of an EnsembleState to a given step, and makes the training
// jobs of the experiments (backend/training_job.hpp); everything else (set-up, analysis,
// reports) is shared host code.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "ensemble/ensemble_state.hpp"
#include "ensemble/run_spec.hpp"
#include "input_error.hpp"

namespace orbitmc {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  // Advances every chain to step n_end, initialising the state first when it is empty; the
  // state's host arrays are current on return.
  void advance(const RunSpec& spec, EnsembleState& state, uint64_t n_end) {
    advance_on_device(spec, state, n_end);
    sync(state);
  }
  // The same, but the newest state may stay on the device (state.host_current false) for the
  // next call: a run uploads its ensemble once and downloads it only when it is read.
  virtual void advance_on_device(const RunSpec& spec, EnsembleState& state, uint64_t n_end) = 0;
  // Brings the state's host arrays up to date with its device copy (nothing to do on the CPU).
  virtual void sync(EnsembleState&) {}
  // Throws InputError when a run of this spec cannot fit the backend's own memory (the GPU's);
  // host memory is checked by run/memory_budget.hpp and cases/case_memory.hpp.
  virtual void check_fits(const RunSpec&) const {}
  // True when the backend keeps its ensembles in device memory: training jobs
  // (backend/training_job.hpp) then run there too, within device_free_bytes().
  virtual bool on_device() const { return false; }
  // Bytes of device memory free now (0 for a backend without a device).
  virtual uint64_t device_free_bytes() const { return 0; }
  // The one device-memory refusal of sampling and training: `bytes` of device allocations must
  // fit in 90 % of the free memory (the rest for the allocator's rounding, the histograms and
  // the driver), or InputError names `field` = `value` with the sizes and `advice`. Nothing to
  // check without a device.
  void check_device_room(double bytes, const std::string& field, uint64_t value,
                         const std::string& advice) const {
    if (!on_device()) return;
    const uint64_t free_bytes = device_free_bytes();
    if (bytes <= 0.9 * double(free_bytes)) return;
    char msg[160];
    std::snprintf(msg, sizeof msg, "needs %.2f GiB of GPU memory, %.2f GiB are free",
                  bytes / 1073741824.0, free_bytes / 1073741824.0);
    bad_input(field, value, std::string(msg) + " (" + advice + ")");
  }
  // Seconds the last advance() spent computing chains (CPU: its wall time; CUDA: kernel time,
  // without transfers), for benchmarks.
  double last_compute_seconds() const { return compute_seconds_; }

 protected:
  double compute_seconds_ = 0;
};

std::unique_ptr<Backend> make_cpu_backend();
// Throws InputError when this build has no CUDA backend or no device is present.
std::unique_ptr<Backend> make_cuda_backend();
// True when the CUDA backend is compiled in and a device is present; otherwise false with the
// reason in *why.
bool cuda_usable(std::string* why);
// "cpu", "cuda" or "auto" (the GPU when usable, else the CPU); anything else is an InputError.
std::unique_ptr<Backend> make_backend(const std::string& name);

// Lays out an empty state for the spec (sizes only; the backend fills in initial positions).
void allocate_state(const RunSpec& spec, EnsembleState& state);
// Numbers one chain's state holds (positions and split moments), for the memory checks.
uint64_t state_words_per_chain(const RunSpec& spec);

}  // namespace orbitmc
