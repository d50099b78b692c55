// The `orbitmc` command line: validate (the validation suite), run (one case file), experiment
// (an ensemble of trainings of the paper's experiments), models (the catalogue). Bad input exits 2
// with one line naming the value and what is allowed.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <utility>

#include "experiment/experiment_command.hpp"
#include "experiment/experiment_registry.hpp"
#include "input_error.hpp"
#include "io/interrupt.hpp"
#include "models/model_registry.hpp"
#include "parallel/ranks.hpp"
#include "report/report_renderer.hpp"
#include "validate/case_file.hpp"
#include "validate/validate_suite.hpp"

namespace {

void print_models() {
  std::cout << "models (case-file keys in each line; any size runs):\n"
            << orbitmc::model_catalogue()
            << "sizes compiled into the register path (faster, chosen automatically):\n"
            << orbitmc::compiled_sizes() << "samplers:\n"
            << orbitmc::sampler_catalogue();
}

// CLI11 converts leniently: "" becomes 0, "nan" and "1e309" become non-finite doubles, an
// integer past 2^64 saturates. These validators see the text first and accept only what
// converts exactly.
const CLI::Validator kFiniteNumber(
    [](std::string& s) -> std::string {
      const char* b = s.c_str();
      char* end = nullptr;
      errno = 0;
      const double v = std::strtod(b, &end);
      const bool starts = !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) ||
                                         s[0] == '-' || s[0] == '+' || s[0] == '.');
      if (!starts || *end != '\0' || errno == ERANGE || !std::isfinite(v))
        return "'" + orbitmc::printable(s) + "' is not a finite number in the range of a double";
      return "";
    },
    "FINITE");
// A finite number above zero, in one validator (CLI11 runs both sides of `&` and would print
// two messages; its PositiveNumber prints its range as a 309-digit double and admits 0).
const CLI::Validator kPositiveNumber(
    [](std::string& s) -> std::string {
      std::string why = kFiniteNumber(s);
      if (!why.empty()) return why;
      if (std::strtod(s.c_str(), nullptr) > 0) return "";
      return "'" + orbitmc::printable(s) + "' is not a number > 0";
    },
    "POSITIVE");
const CLI::Validator kUnsigned64(
    [](std::string& s) -> std::string {
      char* end = nullptr;
      errno = 0;
      const bool digits = !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
        return std::isdigit(static_cast<unsigned char>(ch));
      });
      if (digits) std::strtoull(s.c_str(), &end, 10);
      // CLI11 reads a leading 0 as octal ("010" would be 8): refused rather than guessed.
      if (!digits || errno == ERANGE || (s.size() > 1 && s[0] == '0'))
        return "'" + orbitmc::printable(s) +
               "' is not a decimal integer in 0..2^64-1 (no sign, no leading zero)";
      return "";
    },
    "UINT");
// Threads beyond this gain nothing on any machine orbitmc targets, and each costs a stack.
constexpr unsigned kMaxThreads = 1024;

}  // namespace

namespace {

int run_cli(int argc, char** argv) {
  CLI::App app{"orbitmc: Langevin ensembles on orbit slices, checked against the coarea theorem"};
  app.require_subcommand(1);

  orbitmc::SuiteOptions opt;
  opt.cases_dir = orbitmc::shipped_data_folder();  // empty: validate then needs --cases
  std::string run_case_path;
  double correction_scale = 1.0;
  bool quiet = false;
  bool no_html = false;

  auto add_common = [&](CLI::App* sub) {
    sub->add_option("--backend", opt.backend, "cpu, cuda or auto (GPU when present)")
        ->check(CLI::IsMember({"cpu", "cuda", "auto"}));
    sub->add_option("--out", opt.out_dir, "output folder for report.json");
    sub->add_flag("--quick", opt.overrides.quick, "fewer chains (for CI)");
    sub->add_option("--correction-scale", correction_scale,
                    "override c of the constrained samplers expected to match")
        ->check(kFiniteNumber);
    sub->add_option("--chains", opt.overrides.chains, "override the number of chains")
        ->check(kUnsigned64 & CLI::Range(uint64_t{1}, uint64_t{0xffffffff}));  // 32-bit indices
    sub->add_option("--seed", opt.overrides.seed, "override the case seeds (1..2^64-1)")
        ->check(kUnsigned64 & CLI::Range(uint64_t{1}, UINT64_MAX));
    sub->add_option("--threads", opt.overrides.threads, "CPU threads (0: all hardware threads)")
        ->check(kUnsigned64 & CLI::Range(0u, kMaxThreads));
    sub->add_flag("--quiet", quiet, "no progress output");
    sub->add_flag("--no-html", no_html, "write report.json only (no figures, no HTML)");
    sub->add_option("--checkpoint", opt.checkpoint, "write checkpoints to FILE (atomically)");
    sub->add_option("--checkpoint-every", opt.checkpoint_every, "steps between checkpoints")
        ->check(kUnsigned64 & CLI::Range(uint64_t{1}, UINT64_MAX));
    sub->add_option("--resume", opt.resume, "continue the run saved in FILE");
    sub->add_option("--refine", opt.overrides.refine,
                    "Langevin steps h/K, K times as many, penalty kappa*K (large ensembles)")
        ->check(kUnsigned64 & CLI::Range(1, 1000));
    sub->add_option("--longer", opt.overrides.longer,
                    "take L times the steps at the same step size (slow relaxation)")
        ->check(kUnsigned64 & CLI::Range(1, 1000));
    sub->add_flag(
        "--gpu-scale", opt.gpu_scale,
        "on the GPU: 10^6 chains per case, --refine 8 --longer 4 (on the CPU: no effect)");
  };
  auto* validate = app.add_subcommand("validate", "run every case in the validation folder");
  add_common(validate);
  validate->add_option("--cases", opt.cases_dir, "folder of case files");
  auto* run = app.add_subcommand("run", "run one case file");
  add_common(run);
  run->add_option("case", run_case_path, "case file (JSON)")->required();
  app.add_subcommand("models", "list models, parameters and samplers");

  orbitmc::ExperimentOptions xo;
  std::string x_target, x_noise;
  std::vector<std::string> x_set;
  uint64_t x_steps = 0, x_log_every = 0, x_batch = 0;
  double x_eta = 0;
  bool x_quiet = false, x_no_html = false;
  auto* experiment =
      app.add_subcommand("experiment",
                         "train an ensemble of one of the paper's experiments under several noise "
                         "models:\n" +
                             orbitmc::experiment_catalogue() + "  or FILE.json");
  experiment
      ->add_option("experiment", x_target, "relu, attention, matcomp, spectral, tv, or FILE.json")
      ->required();
  experiment
      ->add_option("--seeds", xo.spec.seeds,
                   "independent trainings (default 1000 on a GPU, 16 on the CPU)")
      ->check(kUnsigned64 & CLI::Range(uint64_t{1}, uint64_t{1} << 24));
  experiment->add_option("--noise", x_noise, "noise models side by side: sgd,gd,langevin");
  experiment->add_option("--beta", xo.spec.beta, "inverse temperature of langevin (default 1e4)")
      ->check(kPositiveNumber);
  experiment->add_option("--steps", x_steps, "training steps (setting steps)")
      ->check(kUnsigned64 & CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  experiment->add_option("--log-every", x_log_every, "steps between log points (setting log_every)")
      ->check(kUnsigned64 & CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  experiment->add_option("--batch", x_batch, "sgd batch (setting batch)")
      ->check(kUnsigned64 & CLI::Range(uint64_t{1}, uint64_t{1} << 16));
  experiment->add_option("--eta", x_eta, "learning rate (setting eta)")->check(kPositiveNumber);
  experiment->add_option("--set", x_set, "KEY=VALUE: any setting of the experiment (repeatable)");
  experiment->add_option("--seed", xo.spec.seed, "key of every draw (1..2^64-1)")
      ->check(kUnsigned64 & CLI::Range(uint64_t{1}, UINT64_MAX));
  experiment
      ->add_option("--seed-offset", xo.spec.seed_offset,
                   "global index of the first seed (continues an ensemble)")
      ->check(kUnsigned64 & CLI::Range(uint64_t{0}, uint64_t{0xffffffff}));
  experiment
      ->add_option("--max-log-points", xo.spec.max_log_points,
                   "at most this many log points, step 0 and the last step included (the "
                   "interval grows in multiples of log_every; default 401)")
      ->check(kUnsigned64 & CLI::Range(uint64_t{2}, uint64_t{100000}));
  experiment->add_option("--backend", xo.spec.backend, "cpu, cuda or auto (GPU when present)")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}));
  experiment->add_option("--threads", xo.spec.threads, "CPU threads (0: all hardware threads)")
      ->check(kUnsigned64 & CLI::Range(0u, kMaxThreads));
  experiment->add_option("--out", xo.spec.out_dir, "output folder (experiment.json, page/)");
  experiment->add_flag("--save-states", xo.save_states,
                       "also write states/*.npy: problems, first and last states of every run");
  experiment->add_flag("--quiet", x_quiet, "no progress output");
  experiment->add_flag("--no-html", x_no_html, "write experiment.json only");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  for (int i = 0; i < argc; ++i) opt.command_line += (i ? " " : "") + std::string(argv[i]);
  try {
    if (app.got_subcommand("models")) {
      print_models();
      return 0;
    }
    if (app.got_subcommand("experiment")) {
      orbitmc::ExperimentSpec& xs = xo.spec;
      const uint64_t seeds = xs.seeds, seed = xs.seed;
      const uint32_t offset = xs.seed_offset;
      const double beta = xs.beta;
      const bool is_file = x_target.size() > 5 && x_target.substr(x_target.size() - 5) == ".json";
      if (is_file) {
        orbitmc::read_experiment_file(x_target, xs);
      } else {
        const auto& e = orbitmc::find_experiment(x_target, "experiment");
        xs.name = e.name;
        xs.settings = orbitmc::Settings(e.defaults());
      }
      // Flags override the file.
      if (experiment->count("--seeds")) xs.seeds = seeds;
      if (experiment->count("--seed")) xs.seed = seed;
      if (experiment->count("--seed-offset")) xs.seed_offset = offset;
      if (experiment->count("--beta")) xs.beta = beta;
      if (experiment->count("--noise")) xs.noises = orbitmc::parse_noise_list(x_noise, "--noise");
      if (experiment->count("--steps")) xs.settings.set("steps", x_steps, "--steps");
      if (experiment->count("--log-every"))
        xs.settings.set("log_every", x_log_every, "--log-every");
      if (experiment->count("--batch")) xs.settings.set("batch", x_batch, "--batch");
      if (experiment->count("--eta")) xs.settings.set("eta", x_eta, "--eta");
      for (const auto& a : x_set) {
        // A flag and --set naming the same setting: refused rather than one silently winning.
        const std::string key = a.substr(0, a.find('='));
        const std::pair<const char*, const char*> flags[] = {{"steps", "--steps"},
                                                             {"log_every", "--log-every"},
                                                             {"batch", "--batch"},
                                                             {"eta", "--eta"}};
        for (const auto& [setting, flag] : flags)
          if (key == setting && experiment->count(flag))
            orbitmc::bad_input("--set", a,
                               std::string(flag) + " sets " + key + " too; give one of them");
        xs.settings.set_text(a, "--set");
      }
      if (xs.out_dir.empty()) orbitmc::bad_input("--out", "\"\"", "name a folder");
      xs.command_line = opt.command_line;
      xo.progress = !x_quiet;
      xo.html = !x_no_html;
      return orbitmc::run_experiment_command(xo);
    }
    auto* sub = app.got_subcommand("validate") ? validate : run;
    if (sub->count("--correction-scale")) {
      opt.overrides.has_correction_scale = true;
      opt.overrides.correction_scale = correction_scale;
    }
    if (opt.gpu_scale)
      for (const char* flag : {"--chains", "--refine", "--longer", "--quick"})
        if (sub->count(flag))
          orbitmc::bad_input("--gpu-scale", flag,
                             "--gpu-scale sets --chains, --refine and --longer itself; give "
                             "either it or them (and not --quick)");
    if (sub->count("--checkpoint") && opt.checkpoint.empty())
      orbitmc::bad_input("--checkpoint", "\"\"", "name a file");
    if (sub->count("--resume") && opt.resume.empty())
      orbitmc::bad_input("--resume", "\"\"", "name a file");
    if (sub->count("--checkpoint-every") && opt.checkpoint.empty() && opt.resume.empty())
      orbitmc::bad_input("--checkpoint-every", opt.checkpoint_every,
                         "needs --checkpoint FILE (or --resume FILE) to write to");
    opt.progress = !quiet;
    opt.html = !no_html;
    if (sub == run) {
      // One case: run it through the same suite driver on a one-file folder view.
      opt.cases_dir.clear();
      opt.single_case = run_case_path;
    }
    return orbitmc::run_validation_suite(opt);
  } catch (const orbitmc::InputError& e) {
    std::cerr << "orbitmc: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "orbitmc: failed: " << e.what() << "\n";
    return 3;
  }
}

}  // namespace

// Under an MPI launcher every rank runs the same command (parallel/ranks.hpp). An error on one
// rank (exit status 2 or more) ends every rank at once: the others may be waiting in a
// collective for it, and a run must fail, not hang.
int main(int argc, char** argv) {
  orbitmc::block_interrupts();  // before any thread starts (MPI's too): they inherit the mask
  orbitmc::parallel::init(&argc, &argv);
  const int code = run_cli(argc, argv);
  if (code >= 2 && orbitmc::parallel::size() > 1) orbitmc::parallel::abort_all("", code);
  orbitmc::parallel::finalize();
  return code;
}
