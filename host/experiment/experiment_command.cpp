// The experiment command: checks, the report as it grows, the summary.
#include "experiment/experiment_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <vector>

#include "backend/backend.hpp"
#include "backend/cpu_threads.hpp"
#include "experiment/experiment_registry.hpp"
#include "experiment/experiment_report.hpp"
#include "experiment/experiment_runner.hpp"
#include "input_error.hpp"
#include "io/output_folder.hpp"
#include "io/report_writer.hpp"
#include "parallel/ranks.hpp"
#include "report/report_renderer.hpp"
#include "run/memory_budget.hpp"

namespace orbitmc {
namespace {

// What the run writes (the report, the page and its log, the states) and reads (the
// experiment file), for check_output_plan.
OutputPlan output_plan(const ExperimentSpec& spec, const std::string& source_file) {
  OutputPlan plan;
  plan.out_dir = spec.out_dir;
  plan.out_files = {"experiment.json", "render.log", "page/index.html"};
  plan.out_folders = {"page", "states"};
  if (!source_file.empty()) plan.inputs.push_back({"the experiment file", source_file});
  return plan;
}

}  // namespace

int run_experiment_command(const ExperimentOptions& opt) {
  ExperimentSpec spec = opt.spec;  // the backend and the seed count are resolved below
  const ExperimentEntry& entry = find_experiment(spec.name, "experiment");
  const std::unique_ptr<Experiment> ex = entry.make(spec.settings);  // checks every setting
  // The backend refuses `cuda` where no device is usable; `auto` becomes what it chose.
  const std::unique_ptr<Backend> backend = make_backend(spec.backend);
  spec.backend = backend->name();
  if (spec.seeds == 0) spec.seeds = backend->on_device() ? 1000 : 16;
  if (spec.seed_offset + (spec.seeds - 1) > 0xffffffffull)
    bad_input("--seed-offset", spec.seed_offset,
              "seed indices are 32-bit: offset + seeds - 1 must stay below 2^32");
  // Every check that writes nothing comes first, so a refusal leaves --out as it was.
  const JobBytes per_seed = job_bytes_per_seed(*ex, spec, *backend);
  check_experiment_memory(*ex, spec, physical_memory_bytes(), per_seed.host);
  check_threads_start(spec.threads, spec.seeds);
  // On the device: each seed's data, state, work, scratch and tallies, as the jobs allocate
  // them; refused now rather than by a failed allocation after some runs.
  backend->check_device_room(double(spec.seeds) * double(per_seed.device), "--seeds", spec.seeds,
                             "the ensemble's trainings; use fewer seeds or --backend cpu");
  // Under MPI every rank trains its range of seeds; rank 0 alone writes.
  const bool writer = parallel::root();
  if (spec.seeds < static_cast<uint64_t>(parallel::size()))
    bad_input("mpirun", parallel::size(),
              "more ranks than the " + std::to_string(spec.seeds) + " seeds: use fewer ranks");
  std::optional<OutputFolder> folder;
  if (writer) {
    check_output_plan(output_plan(spec, opt.source_file));
    folder.emplace(spec.out_dir, "experiment.json", "page", std::vector<std::string>{"states"});
  }
  RunnerHooks hooks;
  if (writer) {
    // A previous run's states must not stand beside this run's report (states/ is no symlink:
    // check_output_plan refused one).
    std::error_code ec;
    for (const auto& f : std::filesystem::directory_iterator(spec.out_dir + "/states", ec))
      if (f.path().extension() == ".npy") std::filesystem::remove(f.path(), ec);
  }
  hooks.gather_states = opt.save_states;
  if (opt.save_states && writer) {
    hooks.states_dir = spec.out_dir + "/states";
    std::error_code ec;
    std::filesystem::create_directories(hooks.states_dir, ec);
    if (ec) bad_input("--save-states", hooks.states_dir, "cannot be created: " + ec.message());
  }
  // The other ranks train only once rank 0's checks of the output passed (a failed one ends
  // every rank: cli/main.cpp, parallel::abort_all).
  parallel::barrier();

  const size_t planned = ex->variants().size() * spec.noises.size();
  ReportWriter report(experiment_head(spec, planned, ex->test_series()),
                      writer ? spec.out_dir + "/experiment.json" : std::string());
  report.update([](nlohmann::json&) {});  // a previous run's report must not stand for this one
  const IncompleteOnInterrupt marker(report, spec.out_dir + "/experiment.json", "runs",
                                     "runs_planned", parallel::size() > 1);

  const bool tty = writer && opt.progress && ::isatty(2);
  hooks.on_run = [&](const std::vector<RunResult>& runs) {
    report.update([&](nlohmann::json& r) { r["runs"].push_back(run_json(runs.back())); });
    if (opt.progress && writer)
      std::fprintf(stderr, "%s%s / %s: %llu seeds x %llu steps in %.1f s\n", tty ? "\r" : "",
                   runs.back().variant.c_str(), runs.back().noise.c_str(),
                   static_cast<unsigned long long>(runs.back().seeds),
                   static_cast<unsigned long long>(runs.back().steps), runs.back().seconds);
  };
  if (tty)
    hooks.on_progress = [](const std::string& what, uint64_t done, uint64_t total, double sec) {
      std::fprintf(stderr, "\r  %-28s %10llu/%llu steps  %6.1f s   ", what.c_str(),
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                   sec);
    };

  const std::vector<RunResult> runs = run_experiment(*ex, spec, *backend, hooks);
  const std::vector<ComparisonResult> comparisons = compare_variants(*ex, runs);
  const std::vector<std::string> lines = summary_lines(spec.name, runs, comparisons);
  report.update([&](nlohmann::json& r) {
    for (const auto& c : comparisons) r["comparisons"].push_back(comparison_json(c));
    r["summary"] = lines;
    r["complete"] = true;
  });
  if (!writer) return 0;
  for (const std::string& l : lines) std::cout << l << "\n";
  std::cout << "report: " << printable(spec.out_dir, 4096) << "/experiment.json\n";
  std::cout.flush();
  if (opt.html) render_experiment_page(spec.out_dir);
  return 0;
}

}  // namespace orbitmc
