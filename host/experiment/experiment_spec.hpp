// One `orbitmc experiment` invocation: which experiment, its settings, the ensemble (seeds,
// offset, key), the noise models side by side, and where it runs and writes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "experiment/experiment_settings.hpp"
#include "orbitmc/training/train_rule.hpp"

namespace orbitmc {

struct ExperimentSpec {
  std::string name;  // relu, attention, matcomp, spectral, tv
  Settings settings{nlohmann::json::object()};
  uint64_t seeds = 0;        // 0: 1000 on a GPU, 16 on the CPU
  uint64_t seed = 20261201;  // the key of every draw
  uint32_t seed_offset = 0;  // global index of the first seed: continues an ensemble
  std::vector<NoiseModel> noises = {NoiseModel::kSgd};
  double beta = 1e4;             // Langevin's inverse temperature
  std::string backend = "auto";  // cpu, cuda, or auto (the GPU when one is usable)
  uint64_t threads = 0;
  std::string out_dir = "experiment_out";
  uint64_t max_log_points = 401;  // the log interval grows (multiples of log_every) to fit
  std::string command_line;
};

const char* noise_name(NoiseModel n);
// "sgd,gd,langevin" → the list; an InputError names `where` otherwise.
std::vector<NoiseModel> parse_noise_list(const std::string& text, const std::string& where);
// Reads an experiment file: {"experiment": NAME, "settings": {...}, and optionally "seeds",
// "seed", "seed_offset", "noise", "beta"} into spec (settings start from NAME's defaults).
void read_experiment_file(const std::string& path, ExperimentSpec& spec);
// The same from the file's text (`path` names it in errors).
void parse_experiment_text(const std::string& text, const std::string& path, ExperimentSpec& spec);

}  // namespace orbitmc
