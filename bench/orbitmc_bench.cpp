// Chain-steps per second for every model × sampler on one backend, each printed beside the
// noise ceiling of the same model (the same Philox noise with a trivial update, i.e. what no
// Langevin step of that dimension can beat) and the ratio to it. Times only the chain
// computation (kernel time on CUDA); the median of several repeats. Writes JSON with --json.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "backend/backend.hpp"
#include "backend/simd/lane_dispatch.hpp"
#include "ensemble/run_spec.hpp"
#include "input_error.hpp"
#include "models/model_registry.hpp"

namespace {

struct Workload {
  const char* preset;  // a model preset (below)
  orbitmc::ExecutionPath path;
};

// Every model on the paths it runs: compiled-in sizes on both paths (their ratio is what the
// register path buys), other sizes (the paper's among them) on the general path.
std::vector<Workload> workloads() {
  using P = orbitmc::ExecutionPath;
  return {{"block_1_3", P::kRegister},
          {"block_1_3", P::kGeneral},
          {"block_2_3", P::kRegister},
          {"block_2_3", P::kGeneral},
          {"scalar", P::kRegister},
          {"relu_3_3", P::kRegister},
          {"relu_3_3", P::kGeneral},
          {"matfac_3_3_2", P::kRegister},
          {"matfac_3_3_2", P::kGeneral},
          {"block_4_7", P::kGeneral},
          {"relu_16_3", P::kGeneral},
          {"relu_16_3_batch8", P::kGeneral},
          {"matfac_20_20_20", P::kGeneral},
          {"hadamard_64_cosine", P::kGeneral},
          {"hadamard_200_cumsum", P::kGeneral},
          {"attention_16_8", P::kGeneral}};
}

struct Timing {
  uint64_t steps = 0;                   // per timed repeat
  double median = 0, min = 0, max = 0;  // seconds per repeat
};

// Compute time of `repeats` advances after a warm-up (allocation, module load, initial states;
// the ensemble then stays on the device). steps == 0: each repeat is sized from the warm-up to
// take at least min_seconds, so that a repeat measures the work, not the timer.
Timing time_run(orbitmc::Backend& b, orbitmc::RunSpec spec, uint64_t steps, int repeats,
                double min_seconds, bool gpu) {
  const uint64_t probe = steps ? steps : (gpu ? 200 : 20);
  spec.schedule = orbitmc::Schedule{0, 10, uint64_t{1} << 40};
  orbitmc::EnsembleState st;
  b.advance_on_device(spec, st, probe);
  Timing t;
  t.steps = steps;
  uint64_t at = probe;
  if (!steps) {
    // The warm-up's time includes the set-up: a second probe of about a fifth of the target
    // gives the per-step time.
    double per_step = std::max(b.last_compute_seconds(), 1e-9) / probe;
    const uint64_t second =
        std::max<uint64_t>(probe, static_cast<uint64_t>(std::ceil(0.2 * min_seconds / per_step)));
    at += second;
    b.advance_on_device(spec, st, at);
    per_step = std::max(b.last_compute_seconds(), 1e-9) / second;
    t.steps = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(1.1 * min_seconds / per_step)));
  }
  std::vector<double> v;
  for (int r = 0; r < repeats; ++r) {
    at += t.steps;
    b.advance_on_device(spec, st, at);
    v.push_back(b.last_compute_seconds());
  }
  std::sort(v.begin(), v.end());
  t.median = v[v.size() / 2];
  t.min = v.front();
  t.max = v.back();
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"orbitmc_bench: chain-steps/s per model and sampler against the noise ceiling"};
  std::string backend = "auto", json_path, precision = "float";
  uint64_t chains = 0, steps = 0;
  int repeats = 3;
  app.add_option("--backend", backend, "cpu, cuda or auto")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}));
  app.add_option("--chains", chains, "chains (default: 4194304 on CUDA, 16384 on CPU)");
  double min_seconds = 1.0;
  app.add_option("--steps", steps,
                 "steps per timed repeat (default: sized per workload to --min-seconds)");
  app.add_option("--min-seconds", min_seconds, "least time of a timed repeat without --steps")
      ->check(CLI::PositiveNumber);
  app.add_option("--repeats", repeats, "timed repeats (median)")->check(CLI::PositiveNumber);
  app.add_option("--precision", precision, "float or double")
      ->check(CLI::IsMember({"float", "double"}));
  app.add_option("--json", json_path, "write the results as JSON");
  std::string only;
  app.add_option("--only", only, "run the workloads whose model name contains this text");
  CLI11_PARSE(app, argc, argv);
  try {
    auto b = orbitmc::make_backend(backend);
    const bool gpu = b->name() == "cuda";
    if (!chains) chains = gpu ? (1u << 22) : (1u << 14);
    using K = orbitmc::SamplerKind;
    // Every registered sampler, the noise ceiling (which samples no law) first: the others'
    // rates are read against it.
    std::vector<K> kinds = orbitmc::sampler_kinds();
    std::stable_partition(kinds.begin(), kinds.end(),
                          [](K k) { return !orbitmc::samples_a_law(k); });
    nlohmann::json out = {{"backend", b->name()},
                          {"precision", precision},
                          {"chains", chains},
                          {"steps", steps},
                          {"min_seconds", min_seconds},
                          {"repeats", repeats},
                          {"results", nlohmann::json::array()}};
    // The CPU's vector path (float chains): its instruction set, or "scalar".
    const std::string cpu_path = precision == "float"
                                     ? orbitmc::simd::lane_name(orbitmc::simd::chosen_lane_path())
                                     : "scalar";
    if (!gpu) out["cpu_path"] = cpu_path;
    std::printf("backend %s%s, %s, %llu chains, median of %d repeats of %s\n", b->name().c_str(),
                gpu ? "" : (" (" + cpu_path + " path)").c_str(), precision.c_str(),
                static_cast<unsigned long long>(chains), repeats,
                steps ? (std::to_string(steps) + " steps").c_str()
                      : (">= " + std::to_string(min_seconds) + " s each").c_str());
    std::printf("%-20s %-9s %-23s %8s %8s %14s %21s %10s\n", "model", "path", "sampler", "chains",
                "steps", "chain-steps/s", "min-max", "x ceiling");
    for (const auto& w : workloads()) {
      if (!only.empty() && std::string(w.preset).find(only) == std::string::npos) continue;
      const orbitmc::ModelSpec model = orbitmc::model_preset(w.preset);
      // Work per chain-step grows with the dimension: fewer chains keep every workload's time
      // (and the general path's per-chain scratch) in proportion; never fewer than a full GPU.
      const int dim = orbitmc::model_dimension(model);
      const uint64_t n = std::max<uint64_t>(gpu ? 65536 : 256, chains * 4 / std::max(4, dim));
      double ceiling = 0;
      for (K k : kinds) {
        orbitmc::RunSpec spec;
        spec.model = model;
        spec.path = w.path;
        spec.sampler = k;
        spec.use_double = precision == "double";
        spec.chains = n;
        spec.h = k == K::kConstrainedMetropolis ? 0.05 : 2e-5;
        spec.kappa = 200;
        spec.observe = {orbitmc::HistogramSpec{0, 0.0, 3.0, 64}};
        spec.schedule = orbitmc::Schedule{0, 10, uint64_t{1} << 40};
        orbitmc::check_run_spec(spec, "", "");
        const Timing t = time_run(*b, spec, steps, repeats, min_seconds, gpu);
        const double work = static_cast<double>(n) * t.steps;
        const double rate = work / t.median;
        if (k == K::kNoiseCeiling) ceiling = rate;
        char spread[64];
        std::snprintf(spread, sizeof spread, "%.4g-%.4g", work / t.max, work / t.min);
        std::printf("%-20s %-9s %-23s %8llu %8llu %14.4g %21s %10.3f\n", w.preset,
                    orbitmc::path_name(w.path), orbitmc::sampler_name(k),
                    static_cast<unsigned long long>(n), static_cast<unsigned long long>(t.steps),
                    rate, spread, rate / ceiling);
        std::fflush(stdout);
        out["results"].push_back({{"model", w.preset},
                                  {"path", orbitmc::path_name(w.path)},
                                  {"sampler", orbitmc::sampler_name(k)},
                                  {"dimension", dim},
                                  {"chains", n},
                                  {"steps", t.steps},
                                  {"seconds", t.median},
                                  {"chain_steps_per_second", rate},
                                  {"chain_steps_per_second_min", work / t.max},
                                  {"chain_steps_per_second_max", work / t.min},
                                  {"ratio_to_ceiling", rate / ceiling}});
      }
    }
    if (!json_path.empty()) std::ofstream(json_path) << out.dump(1) << "\n";
  } catch (const orbitmc::InputError& e) {
    std::fprintf(stderr, "orbitmc_bench: error: %s\n", e.what());
    return 2;
  }
  return 0;
}
