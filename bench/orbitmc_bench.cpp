// Chain-steps per second for every model × sampler on one backend, each printed beside the
// noise ceiling of the same model (the same Philox noise with a trivial update, i.e. what no
// Langevin step of that dimension can beat) and the ratio to it. Times only the chain
// computation (kernel time on CUDA); the median of several repeats. Writes JSON with --json.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "backend/backend.hpp"
#include "input_error.hpp"

namespace {

struct Workload {
  const char* label;
  orbitmc::ModelSpec model;
};

std::vector<Workload> workloads() {
  std::vector<Workload> w;
  orbitmc::ModelSpec m;
  m.name = "block";
  m.n = 1;
  m.m = 3;
  w.push_back({"block(1,3)", m});
  m.n = 2;
  w.push_back({"block(2,3)", m});
  orbitmc::ModelSpec s;
  s.name = "scalar";
  w.push_back({"scalar", s});
  orbitmc::ModelSpec r;
  r.name = "relu";
  w.push_back({"relu(3,3,8)", r});
  orbitmc::ModelSpec f;
  f.name = "matfac";
  w.push_back({"matfac(3,3,2)", f});
  return w;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Median compute time of `repeats` advances of `steps` steps each, after one warm-up.
double time_run(orbitmc::Backend& b, orbitmc::RunSpec spec, uint64_t steps, int repeats) {
  spec.schedule = orbitmc::Schedule{0, 10, steps * (repeats + 1)};
  orbitmc::EnsembleState st;
  b.advance(spec, st, steps);  // warm-up: allocation, module load, initial states
  std::vector<double> t;
  for (int r = 1; r <= repeats; ++r) {
    b.advance(spec, st, steps * (r + 1));
    t.push_back(b.last_compute_seconds());
  }
  return median(t);
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
  app.add_option("--steps", steps, "steps per timed repeat (default: 2000 on CUDA, 200 on CPU)");
  app.add_option("--repeats", repeats, "timed repeats (median)")->check(CLI::PositiveNumber);
  app.add_option("--precision", precision, "float or double")
      ->check(CLI::IsMember({"float", "double"}));
  app.add_option("--json", json_path, "write the results as JSON");
  CLI11_PARSE(app, argc, argv);
  try {
    auto b = orbitmc::make_backend(backend);
    const bool gpu = b->name() == "cuda";
    if (!chains) chains = gpu ? (1u << 22) : (1u << 14);
    if (!steps) steps = gpu ? 2000 : 200;
    using K = orbitmc::SamplerKind;
    const K kinds[] = {K::kNoiseCeiling,
                       K::kAmbientEM,
                       K::kAmbientLM,
                       K::kAmbientMALA,
                       K::kConstrainedProjection,
                       K::kConstrainedMetropolis};
    nlohmann::json out = {{"backend", b->name()}, {"precision", precision},
                          {"chains", chains},     {"steps", steps},
                          {"repeats", repeats},   {"results", nlohmann::json::array()}};
    std::printf("backend %s, %s, %llu chains x %llu steps, median of %d\n", b->name().c_str(),
                precision.c_str(), static_cast<unsigned long long>(chains),
                static_cast<unsigned long long>(steps), repeats);
    std::printf("%-14s %-24s %14s %10s\n", "model", "sampler", "chain-steps/s", "x ceiling");
    for (const auto& w : workloads()) {
      double ceiling = 0;
      for (K k : kinds) {
        orbitmc::RunSpec spec;
        spec.model = w.model;
        spec.sampler = k;
        spec.use_double = precision == "double";
        spec.chains = chains;
        spec.h = k == K::kConstrainedMetropolis ? 0.2 : 2e-4;
        spec.kappa = 200;
        spec.observe = {orbitmc::HistogramSpec{0, 0.0, 3.0, 64}};
        const double sec = time_run(*b, spec, steps, repeats);
        const double rate = static_cast<double>(chains) * steps / sec;
        if (k == K::kNoiseCeiling) ceiling = rate;
        std::printf("%-14s %-24s %14.4g %10.3f\n", w.label, orbitmc::sampler_name(k), rate,
                    rate / ceiling);
        std::fflush(stdout);
        out["results"].push_back({{"model", w.label},
                                  {"sampler", orbitmc::sampler_name(k)},
                                  {"seconds", sec},
                                  {"chain_steps_per_second", rate},
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
