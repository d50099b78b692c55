// Benchmark of the experiment ensembles: for each experiment and noise model, the
// trainings per second (seed-steps/s) of the chosen backend at the given seeds, measured over
// `--steps` steps (no observation between them), and the time the paper's full run
// (its `steps` setting) would take at that rate: on the CPU the target is 16 seeds × one noise
// model under 3 minutes, on an H200 1000 seeds under 60 s (relu under 10 s).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>

#include "backend/backend.hpp"
#include "experiment/experiment_registry.hpp"
#include "experiment/seed_draws.hpp"

using namespace orbitmc;

int main(int argc, char** argv) {
  CLI::App app{"orbitmc experiment benchmark: seed-steps per second per experiment"};
  std::string backend = "cpu", only;
  uint64_t seeds = 0, steps = 2000, threads = 0;
  app.add_option("--backend", backend, "cpu or cuda")->check(CLI::IsMember({"cpu", "cuda"}));
  app.add_option("--seeds", seeds, "seeds (default 16 on the CPU, 1000 on the GPU)");
  app.add_option("--steps", steps, "steps timed per experiment and noise model");
  app.add_option("--threads", threads, "CPU threads (0: all)");
  app.add_option("--only", only, "one experiment");
  CLI11_PARSE(app, argc, argv);
  const bool on_device = make_backend(backend)->on_device();  // an InputError without a device
  if (seeds == 0) seeds = on_device ? 1000 : 16;
  std::printf("%-10s %-9s %-9s %8s %8s %12s %14s %14s\n", "experiment", "variant", "noise", "seeds",
              "steps", "seconds", "seed-steps/s", "paper run (s)");
  for (const ExperimentEntry& e : experiment_registry()) {
    if (!only.empty() && only != e.name) continue;
    const Settings settings(e.defaults());
    const auto ex = e.make(settings);
    std::vector<double> problems(seeds * ex->problem_words());
    for (uint64_t i = 0; i < seeds; ++i) {
      SeedDraws d(1, static_cast<uint32_t>(i), DrawPurpose::kProblem);
      ex->make_problem(d, problems.data() + i * ex->problem_words());
    }
    for (const Variant& v : ex->variants())
      for (NoiseModel noise : {NoiseModel::kSgd, NoiseModel::kGd, NoiseModel::kLangevin}) {
        TrainingEnsemble ens(v.layout.dim(), v.layout.blocks(), seeds, 0);
        std::vector<double> th(v.layout.dim());
        for (uint64_t i = 0; i < seeds; ++i) {
          SeedDraws d(1, static_cast<uint32_t>(i), DrawPurpose::kInit);
          ex->init(v, d, th.data());
          for (int k = 0; k < v.layout.dim(); ++k) ens.x[i * v.layout.dim() + k] = float(th[k]);
        }
        const JobContext ctx{noise, 1e4, 1, threads, seeds, on_device};
        const auto job = ex->job(v, ctx, problems.data());
        job->advance(ens, 10);  // warm-up (and the upload on the GPU)
        const auto t0 = std::chrono::steady_clock::now();
        job->advance(ens, 10 + steps);
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double rate = double(seeds) * steps / s;
        const char* names[] = {"sgd", "gd", "langevin"};
        std::printf("%-10s %-9s %-9s %8llu %8llu %12.3f %14.4g %14.1f\n", e.name, v.name.c_str(),
                    names[static_cast<int>(noise)], static_cast<unsigned long long>(seeds),
                    static_cast<unsigned long long>(steps), s, rate,
                    double(seeds) * double(ex->steps()) / rate);
        std::fflush(stdout);
      }
  }
  return 0;
}
