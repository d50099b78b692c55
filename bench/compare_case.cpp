// orbitmc's side of bench/compare.py: one case (model preset, sampler, parameters, chains,
// steps) run the way the peers run it, timed the same way, and its final orbit coordinates
// written for the agreement tests. Prints one JSON object: the compute seconds of each timed
// repeat (each repeat continues the chains for `steps` more steps), the path taken (register or
// general, and the CPU's instruction set), the set-up time and the resident memory. The coordinates
// (.npy, one per chain that did not diverge) are those after the last repeat; --data writes the
// model's data set for peers that need the same problem (relu).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "backend/simd/lane_dispatch.hpp"
#include "ensemble/run_spec.hpp"
#include "ensemble/sampler_dispatch.hpp"
#include "input_error.hpp"
#include "io/npy_write.hpp"
#include "models/model_registry.hpp"

namespace {

// Resident memory of this process now (VmRSS of /proc/self/status, Linux), 0 elsewhere.
uint64_t resident_bytes() {
  std::ifstream status("/proc/self/status");
  std::string key;
  uint64_t kib = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> kib;
      return kib * 1024;
    }
    status.ignore(1 << 20, '\n');
  }
  return 0;
}

// Orbit coordinate `coord` of every chain that did not diverge, from the host state.
template <class S>
std::vector<double> coordinates(const S& s, const orbitmc::EnsembleState& st, int coord) {
  using T = typename S::T;
  const int d = s.model.layout.dim();
  std::vector<T> x(d);
  std::vector<double> out;
  for (uint64_t i = 0; i < st.chains; ++i) {
    if (st.counters[i].diverged) continue;
    for (int k = 0; k < d; ++k) x[k] = static_cast<T>(st.x[i * d + k]);
    out.push_back(static_cast<double>(s.model.coord(x.data(), coord)));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"orbitmc_compare_case: one benchmark case for bench/compare.py"};
  std::string backend = "cpu", preset = "block_1_3", sampler = "ambient_em", coords_path;
  orbitmc::RunSpec spec;
  uint64_t steps = 1000;
  int repeats = 1, coord = 0;
  app.add_option("--backend", backend, "cpu, cuda or auto")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}));
  app.add_option("--model", preset, "a model preset (each model's presets() in host/models/)");
  app.add_option("--sampler", sampler, "a sampler name");
  app.add_option("--chains", spec.chains, "chains")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 32));
  app.add_option("--steps", steps, "steps per timed repeat")->check(CLI::PositiveNumber);
  app.add_option("--repeats", repeats, "timed repeats")->check(CLI::PositiveNumber);
  app.add_option("--h", spec.h, "step size")->check(CLI::PositiveNumber);
  app.add_option("--kappa", spec.kappa, "penalty of the ambient samplers");
  app.add_option("--beta", spec.beta, "inverse temperature")->check(CLI::PositiveNumber);
  app.add_option("--c", spec.correction_scale, "correction scale of the constrained samplers");
  app.add_option("--seed", spec.seed, "seed")->check(CLI::Range(uint64_t{1}, ~uint64_t{0}));
  app.add_option("--threads", spec.threads, "CPU threads (0: all)");
  app.add_option("--coord", coord, "orbit coordinate written to --coords")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--coords", coords_path, "write the final orbit coordinates here (.npy)");
  std::string data_path;
  app.add_option("--data", data_path, "write the model's data set here (.npy, for the peers)");
  CLI11_PARSE(app, argc, argv);
  const uint64_t resident_at_start = resident_bytes();
  try {
    auto b = orbitmc::make_backend(backend);
    spec.model = orbitmc::model_preset(preset);
    spec.sampler = orbitmc::parse_sampler(sampler, "--sampler");
    spec.observe = {orbitmc::HistogramSpec{coord, 0.0, 3.0, 64}};
    spec.schedule = orbitmc::Schedule{0, 1000000, uint64_t{1} << 40};  // no samples to speak of
    orbitmc::check_run_spec(spec, "", "");
    orbitmc::EnsembleState st;
    // Set-up (allocation, initial states, upload): one step, timed apart.
    b->advance_on_device(spec, st, 1);
    const double setup = b->last_compute_seconds();
    nlohmann::json seconds = nlohmann::json::array();
    uint64_t at = 1;
    for (int r = 0; r < repeats; ++r) {
      at += steps;
      b->advance_on_device(spec, st, at);
      seconds.push_back(b->last_compute_seconds());
    }
    b->sync(st);
    std::vector<double> values;
    std::string path;
    orbitmc::dispatch(spec, [&](const auto& s, const auto&) {
      using S = std::decay_t<decltype(s)>;
      values = coordinates(s, st, coord);
      path = std::string(orbitmc::model_of<S>::Layout::kFixed ? "register" : "general");
      if (b->name() == "cpu")
        path += std::string(" ") + orbitmc::simd::lane_name(orbitmc::simd::lane_path_for<S>());
    });
    if (!coords_path.empty()) orbitmc::write_npy(coords_path, values, {values.size()});
    if (!data_path.empty()) {
      const std::vector<double> data = orbitmc::model_data(spec.model);
      orbitmc::write_npy(data_path, data, {data.size()});
    }
    const nlohmann::json out = {{"tool", "orbitmc"},
                                {"backend", b->name()},
                                {"path", path},
                                {"model", preset},
                                {"sampler", sampler},
                                {"chains", spec.chains},
                                {"steps", steps},
                                {"setup_seconds", setup},
                                {"seconds", seconds},
                                {"diverged", spec.chains - values.size()},
                                // What the run holds: resident memory after it, and before it.
                                {"resident_bytes", resident_bytes()},
                                {"resident_bytes_at_start", resident_at_start}};
    std::printf("%s\n", out.dump().c_str());
  } catch (const orbitmc::InputError& e) {
    std::fprintf(stderr, "orbitmc_compare_case: error: %s\n", e.what());
    return 2;
  }
  return 0;
}
