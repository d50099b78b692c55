// The `orbitmc` command line: validate (the validation suite), run (one case file), experiment
// (an ensemble of trainings of the paper's experiments), models (the catalogue). Bad input exits 2
// with one line naming the value and what is allowed.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cases/case_file.hpp"
#include "cli/readable_help.hpp"
#include "experiment/experiment_command.hpp"
#include "experiment/experiment_registry.hpp"
#include "input_error.hpp"
#include "io/interrupt.hpp"
#include "models/model_registry.hpp"
#include "parallel/ranks.hpp"
#include "report/report_renderer.hpp"
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
// One validator for an integer and its range: CLI11's Range beside it would print the value a
// second time, raw ("Value 555...5 not in range", 5000 digits of it).
CLI::Validator decimal_in(uint64_t lo, uint64_t hi) {
  // The message gives the bounds in decimal (to paste), the help as 2^k (to read).
  const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
  return CLI::Validator(
      [lo, hi, range](std::string& s) -> std::string {
        char* end = nullptr;
        errno = 0;
        const bool digits = !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
          return std::isdigit(static_cast<unsigned char>(ch));
        });
        const uint64_t v = digits ? std::strtoull(s.c_str(), &end, 10) : 0;
        // CLI11 reads a leading 0 as octal ("010" would be 8): refused rather than guessed.
        if (!digits || errno == ERANGE || (s.size() > 1 && s[0] == '0') || v < lo || v > hi)
          return "'" + orbitmc::printable(s) + "' must be a decimal integer in " + range +
                 " (no sign, no leading zero)";
        return "";
      },
      "[" + orbitmc::readable_bound(lo) + ".." + orbitmc::readable_bound(hi) + "]");
}
// Threads beyond this gain nothing on any machine orbitmc targets, and each costs a stack.
constexpr unsigned kMaxThreads = 1024;

// What each argument is, for a message naming the one on which two ranks differ: the
// subcommand, an option (also for its values: "--seed" for "5" in "--seed 5") or a
// positional's name. Read from the definitions, not a parse: the ranks are compared before
// parsing, which could fail on one rank only.
std::vector<std::string> argument_names(CLI::App& app, const std::vector<std::string>& args) {
  std::vector<std::string> names(args.size());
  CLI::App* sub = nullptr;
  std::vector<CLI::Option*> positionals;
  size_t next_positional = 0;
  std::string option;   // the option whose values come next ("" when none)
  bool greedy = false;  // it takes every value up to the next option (--set a=1 b=2)
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (i == 0) {
      names[i] = "subcommand";
      const auto subs = app.get_subcommands([&](CLI::App* s) { return s->check_name(a); });
      if (!subs.empty()) {
        sub = subs.front();
        positionals = sub->get_options([](const CLI::Option* o) { return o->get_positional(); });
      }
    } else if (a.size() > 1 && a[0] == '-') {
      const size_t eq = a.find('=');
      names[i] = a.substr(0, eq);
      const CLI::Option* o = sub ? sub->get_option_no_throw(names[i]) : nullptr;
      const int values = o ? o->get_items_expected_max() : 1;  // unknown: as if it took one
      option = eq == std::string::npos && values > 0 ? names[i] : "";
      greedy = values > 1;
    } else if (!option.empty()) {
      names[i] = option;
      if (!greedy) option.clear();
    } else {
      names[i] = next_positional < positionals.size()
                     ? positionals[next_positional++]->get_name(true)
                     : "argument " + std::to_string(i + 1);
    }
  }
  return names;
}

}  // namespace

namespace {

// Everything the command line sets. The suite's and the experiment's options are filled in place;
// the other values are staged here until the subcommand is known (merged with an experiment
// file, or checked against the other flags).
struct CliValues {
  orbitmc::SuiteOptions opt;
  std::string run_case_path;
  double correction_scale = 1.0;
  bool quiet = false;
  bool no_html = false;

  orbitmc::ExperimentOptions xo;
  std::string x_target, x_noise;
  std::vector<std::string> x_set;
  uint64_t x_steps = 0, x_log_every = 0, x_batch = 0;
  double x_eta = 0;
  bool x_quiet = false, x_no_html = false;

  std::string help_topic;  // orbitmc help [COMMAND]
};

// The subcommands that take options, to ask after the parse which one ran and what it was given.
struct Commands {
  CLI::App* validate = nullptr;
  CLI::App* run = nullptr;
  CLI::App* experiment = nullptr;
  CLI::App* help = nullptr;
};

// Test hook: the suite simulates a kill right after this many checkpoints (0: never). Read here,
// once, so that the suite's loop sees an option rather than the environment.
long abort_after_checkpoints() {
  const char* value = std::getenv("ORBITMC_ABORT_AFTER_CHECKPOINTS");
  return value ? std::atol(value) : 0;
}

// The options validate and run share.
void add_suite_options(CLI::App* sub, CliValues& v) {
  orbitmc::SuiteOptions& opt = v.opt;
  sub->add_option("--backend", opt.backend, "cpu, cuda or auto (GPU when present)")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}))
      ->capture_default_str();
  sub->add_option("--out", opt.out_dir, "output folder for report.json")->capture_default_str();
  sub->add_flag("--quick", opt.overrides.quick, "fewer chains (for CI)");
  sub->add_option("--correction-scale", v.correction_scale,
                  "override c of the constrained samplers expected to match")
      ->check(kFiniteNumber);
  sub->add_option("--chains", opt.overrides.chains, "override the number of chains")
      ->check(decimal_in(1, 0xffffffff));  // 32-bit indices
  sub->add_option("--seed", opt.overrides.seed, "override the case seeds (1..2^64-1)")
      ->check(decimal_in(1, UINT64_MAX));
  sub->add_option("--threads", opt.overrides.threads, "CPU threads (0: all hardware threads)")
      ->check(decimal_in(0, kMaxThreads))
      ->capture_default_str();
  sub->add_flag("--quiet", v.quiet, "no progress output");
  sub->add_flag("--no-html", v.no_html, "write report.json only (no figures, no HTML)");
  sub->add_option("--checkpoint", opt.checkpoint, "write checkpoints to FILE (atomically)");
  sub->add_option("--checkpoint-every", opt.checkpoint_every, "steps between checkpoints")
      ->check(decimal_in(1, UINT64_MAX));
  sub->add_option("--resume", opt.resume, "continue the run saved in FILE");
  sub->add_option("--refine", opt.overrides.refine,
                  "Langevin steps h/K, K times as many, penalty kappa*K (large ensembles)")
      ->check(decimal_in(1, 1000));
  sub->add_option("--longer", opt.overrides.longer,
                  "take L times the steps at the same step size (slow relaxation)")
      ->check(decimal_in(1, 1000));
  sub->add_flag("--gpu-scale", opt.gpu_scale,
                "on the GPU: 10^6 chains per case, --refine 8 --longer 4 (on the CPU: no effect)");
}

// The options of the experiment subcommand.
void add_experiment_options(CLI::App* experiment, CliValues& v) {
  orbitmc::ExperimentSpec& spec = v.xo.spec;
  experiment->add_option("experiment", v.x_target, orbitmc::experiment_names() + ", or FILE.json")
      ->required();
  experiment
      ->add_option("--seeds", spec.seeds,
                   "independent trainings (default 1000 on a GPU, 16 on the CPU)")
      ->check(decimal_in(1, uint64_t{1} << 24));
  experiment->add_option("--noise", v.x_noise,
                         "noise models side by side, any of sgd,gd,langevin (default sgd)");
  experiment->add_option("--beta", spec.beta, "inverse temperature of langevin")
      ->check(kPositiveNumber)
      ->capture_default_str();
  experiment
      ->add_option("--steps", v.x_steps,
                   "training steps (setting steps, whose default the experiment sets)")
      ->check(decimal_in(1, uint64_t{1} << 40));
  experiment
      ->add_option(
          "--log-every", v.x_log_every,
          "steps between log points (setting log_every, whose default the experiment sets)")
      ->check(decimal_in(1, uint64_t{1} << 40));
  experiment
      ->add_option("--batch", v.x_batch,
                   "sgd batch (setting batch, whose default the experiment sets)")
      ->check(decimal_in(1, uint64_t{1} << 16));
  experiment
      ->add_option("--eta", v.x_eta,
                   "learning rate (setting eta, whose default the experiment sets)")
      ->check(kPositiveNumber);
  experiment->add_option("--set", v.x_set, "KEY=VALUE: any setting of the experiment (repeatable)");
  experiment->add_option("--seed", spec.seed, "key of every draw (1..2^64-1)")
      ->check(decimal_in(1, UINT64_MAX))
      ->capture_default_str();
  experiment
      ->add_option("--seed-offset", spec.seed_offset,
                   "global index of the first seed (continues an ensemble)")
      ->check(decimal_in(0, 0xffffffff));
  experiment
      ->add_option("--max-log-points", spec.max_log_points,
                   "at most this many log points, step 0 and the last step included (the "
                   "interval grows in multiples of log_every)")
      ->check(decimal_in(2, 100000))
      ->capture_default_str();
  experiment->add_option("--backend", spec.backend, "cpu, cuda or auto (GPU when present)")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}))
      ->capture_default_str();
  experiment->add_option("--threads", spec.threads, "CPU threads (0: all hardware threads)")
      ->check(decimal_in(0, kMaxThreads))
      ->capture_default_str();
  experiment->add_option("--out", spec.out_dir, "output folder (experiment.json, page/)")
      ->capture_default_str();
  experiment->add_flag("--save-states", v.xo.save_states,
                       "also write states/*.npy: problems, first and last states of every run");
  experiment->add_flag("--quiet", v.x_quiet, "no progress output");
  experiment->add_flag("--no-html", v.x_no_html, "write experiment.json only");
}

// Every subcommand with its options, in the order --help lists them.
Commands define_commands(CLI::App& app, CliValues& v) {
  Commands cmd;
  cmd.validate = app.add_subcommand("validate", "run every case in the validation folder");
  add_suite_options(cmd.validate, v);
  cmd.validate->add_option("--cases", v.opt.cases_dir, "folder of case files");
  cmd.run = app.add_subcommand("run", "run one case file");
  add_suite_options(cmd.run, v);
  cmd.run->add_option("case", v.run_case_path, "case file (JSON)")->required();
  app.add_subcommand("models", "list models, parameters and samplers");
  cmd.experiment =
      app.add_subcommand("experiment",
                         "train an ensemble of one of the paper's experiments under several noise "
                         "models:\n" +
                             orbitmc::experiment_catalogue() + "  or FILE.json");
  add_experiment_options(cmd.experiment, v);
  cmd.help = app.add_subcommand("help", "show this help, or a command's: orbitmc help COMMAND");
  cmd.help->add_option("command", v.help_topic, "the command to explain");
  return cmd;
}

// Levenshtein distance, for suggesting the command a user meant.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The name in `names` nearest to `typed`, if within a third of its length (at least 2 edits).
std::string nearest_name(const std::string& typed, const std::vector<std::string>& names) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, typed.size() / 3) + 1;
  for (const std::string& n : names) {
    const size_t d = edit_distance(typed, n);
    if (d < best_distance) {
      best_distance = d;
      best = n;
    }
  }
  return best;
}

// Arguments no option took ("--chians 5"), in the order given (CLI11 lists them reversed), with
// the nearest option of the command for the first that looks like one.
std::string unexpected_arguments(const CLI::App& app) {
  const CLI::App* sub = &app;
  for (const CLI::App* s : app.get_subcommands()) sub = s;
  std::vector<std::string> rest = sub->remaining();
  if (rest.empty()) rest = app.remaining();
  std::string given, hint;
  for (const std::string& a : rest) {
    given += (given.empty() ? "" : " ") + orbitmc::printable(a, 200);
    if (hint.empty() && a.rfind("--", 0) == 0) {
      std::vector<std::string> names;
      for (const CLI::Option* o : sub->get_options())
        for (const std::string& n : o->get_lnames()) names.push_back("--" + n);
      const std::string near = nearest_name(a.substr(0, a.find('=')), names);
      if (!near.empty()) hint = "; did you mean " + near + "?";
    }
  }
  return "unexpected argument" + std::string(rest.size() == 1 ? "" : "s") + ": " + given + hint;
}

// "allowed: a, b, c", and "; did you mean b?" when one name is within a third of its length.
std::string allowed_commands(const CLI::App& app, const std::string& typed) {
  std::vector<std::string> names;
  std::string allowed;
  for (const auto* sub : app.get_subcommands(nullptr)) {
    names.push_back(sub->get_name());
    allowed += (allowed.empty() ? "" : ", ") + sub->get_name();
  }
  const std::string best = nearest_name(typed, names);
  return "allowed: " + allowed + (best.empty() ? "" : "; did you mean " + best + "?");
}

// Every rank must run the same command; compared before the parse, which every rank reaches
// (a rank whose parse failed, or that printed --help, would leave the others waiting in this
// collective). Rank 0 prints the one line; the barrier keeps the others' exit (which ends
// every rank: main) from cutting it off.
bool same_command_on_every_rank(CLI::App& app, int argc, char** argv) {
  const std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  const std::string differs = orbitmc::parallel::differing_command(args, argument_names(app, args));
  if (differs.empty()) return true;
  if (orbitmc::parallel::root()) std::cerr << "orbitmc: error: " << differs << std::endl;
  orbitmc::parallel::barrier();
  return false;
}

// The parse. Returns the exit code where it ends the command (--help, or a bad argument, told in
// one line), nothing where the command goes on.
std::optional<int> parse_arguments(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help (exit code 0): CLI11 prints it. Every other message quotes the arguments, which
    // may hold escape sequences, bidi controls, invalid UTF-8 or 5000 digits: made printable
    // and cut like the case-file errors.
    if (e.get_exit_code() == 0) return app.exit(e);
    std::string message = orbitmc::printable(e.what(), 400);
    // A mistyped subcommand: CLI11 says only "A subcommand is required".
    const std::vector<std::string> rest = app.remaining();
    if (app.get_subcommands().empty() && !rest.empty() && rest.front().rfind('-', 0) != 0)
      message = "subcommand = " + orbitmc::printable(rest.front()) + ": " +
                allowed_commands(app, rest.front());
    else if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr)
      message = unexpected_arguments(app);
    std::cerr << "orbitmc: error: " << message << "\nRun with --help for more information.\n";
    return 2;
  }
  return std::nullopt;
}

// The experiment named, or the one FILE.json describes, into xo.
void read_experiment_target(const std::string& target, orbitmc::ExperimentOptions& xo) {
  orbitmc::ExperimentSpec& xs = xo.spec;
  const bool is_file = target.size() > 5 && target.substr(target.size() - 5) == ".json";
  if (is_file) {
    orbitmc::read_experiment_file(target, xs);
    xo.source_file = target;  // an input: no output may replace it
  } else {
    const auto& e = orbitmc::find_experiment(target, "experiment");
    xs.name = e.name;
    xs.settings = orbitmc::Settings(e.defaults());
  }
}

// Flags override the file: each flag given replaces what the file (or the experiment's defaults)
// set. `flags` is the spec as the parse left it, before the file was read over it.
void merge_experiment_flags(const orbitmc::ExperimentSpec& flags, const CliValues& v,
                            const CLI::App& experiment, orbitmc::ExperimentSpec& xs) {
  if (experiment.count("--seeds")) xs.seeds = flags.seeds;
  if (experiment.count("--seed")) xs.seed = flags.seed;
  if (experiment.count("--seed-offset")) xs.seed_offset = flags.seed_offset;
  if (experiment.count("--beta")) xs.beta = flags.beta;
  if (experiment.count("--noise")) xs.noises = orbitmc::parse_noise_list(v.x_noise, "--noise");
  if (experiment.count("--steps")) xs.settings.set("steps", v.x_steps, "--steps");
  if (experiment.count("--log-every")) xs.settings.set("log_every", v.x_log_every, "--log-every");
  if (experiment.count("--batch")) xs.settings.set("batch", v.x_batch, "--batch");
  if (experiment.count("--eta")) xs.settings.set("eta", v.x_eta, "--eta");
  for (const auto& a : v.x_set) {
    // A flag and --set naming the same setting: refused rather than one silently winning.
    const std::string key = a.substr(0, a.find('='));
    const std::pair<const char*, const char*> setting_flags[] = {
        {"steps", "--steps"}, {"log_every", "--log-every"}, {"batch", "--batch"}, {"eta", "--eta"}};
    for (const auto& [setting, flag] : setting_flags)
      if (key == setting && experiment.count(flag))
        orbitmc::bad_input("--set", a,
                           std::string(flag) + " sets " + key + " too; give one of them");
    xs.settings.set_text(a, "--set");
  }
}

// `orbitmc experiment`: the spec from the experiment (or its file) and the flags, then the run.
int run_experiment_cli(CliValues& v, const CLI::App& experiment) {
  const orbitmc::ExperimentSpec flags = v.xo.spec;  // before a file replaces the flags' values
  read_experiment_target(v.x_target, v.xo);
  orbitmc::ExperimentSpec& xs = v.xo.spec;
  merge_experiment_flags(flags, v, experiment, xs);
  if (xs.out_dir.empty()) orbitmc::bad_input("--out", "\"\"", "name a folder");
  xs.command_line = v.opt.command_line;
  v.xo.progress = !v.x_quiet;
  v.xo.html = !v.x_no_html;
  return orbitmc::run_experiment_command(v.xo);
}

// Flags of validate and run that contradict each other or name nothing: refused before any work.
void check_suite_flags(const orbitmc::SuiteOptions& opt, const CLI::App& sub) {
  if (opt.gpu_scale)
    for (const char* flag : {"--chains", "--refine", "--longer", "--quick"})
      if (sub.count(flag))
        orbitmc::bad_input("--gpu-scale", flag,
                           "--gpu-scale sets --chains, --refine and --longer itself; give "
                           "either it or them (and not --quick)");
  if (sub.count("--checkpoint") && opt.checkpoint.empty())
    orbitmc::bad_input("--checkpoint", "\"\"", "name a file");
  if (sub.count("--resume") && opt.resume.empty())
    orbitmc::bad_input("--resume", "\"\"", "name a file");
  if (sub.count("--checkpoint-every") && opt.checkpoint.empty() && opt.resume.empty())
    orbitmc::bad_input("--checkpoint-every", opt.checkpoint_every,
                       "needs --checkpoint FILE (or --resume FILE) to write to");
}

// `orbitmc validate` and `orbitmc run`: the suite's options completed and checked, then the suite.
int run_suite_cli(CliValues& v, const CLI::App& sub, bool one_case) {
  orbitmc::SuiteOptions& opt = v.opt;
  if (sub.count("--correction-scale")) {
    opt.overrides.has_correction_scale = true;
    opt.overrides.correction_scale = v.correction_scale;
  }
  check_suite_flags(opt, sub);
  opt.progress = !v.quiet;
  opt.html = !v.no_html;
  if (one_case) {
    // One case: run it through the same suite driver on a one-file folder view.
    opt.cases_dir.clear();
    opt.single_case = v.run_case_path;
  }
  return orbitmc::run_validation_suite(opt);
}

// The subcommand the parse chose, with every error it raises made one line and an exit code:
// 2 for bad input, 3 for a failure.
// orbitmc help [COMMAND]: the help --help prints, of the program or of one command.
int print_help(const CLI::App& app, const std::string& topic) {
  // (app.help() would show the help command's own help: it is the subcommand that ran.)
  if (topic.empty()) {
    std::cout << app.get_formatter()->make_help(&app, "orbitmc", CLI::AppFormatMode::Normal);
    return 0;
  }
  for (const auto* sub : app.get_subcommands(nullptr))
    if (sub->get_name() == topic) {
      std::cout << sub->help("orbitmc");
      return 0;
    }
  std::cerr << "orbitmc: error: help command = " << orbitmc::printable(topic) << ": "
            << allowed_commands(app, topic) << "\n";
  return 2;
}

int run_command(CLI::App& app, const Commands& cmd, CliValues& v) {
  try {
    if (app.got_subcommand("models")) {
      print_models();
      return 0;
    }
    if (app.got_subcommand("help")) return print_help(app, v.help_topic);
    if (app.got_subcommand("experiment")) return run_experiment_cli(v, *cmd.experiment);
    const bool one_case = !app.got_subcommand("validate");
    return run_suite_cli(v, one_case ? *cmd.run : *cmd.validate, one_case);
  } catch (const orbitmc::InputError& e) {
    // bad_input() made its parts printable; an InputError built otherwise may not have.
    std::cerr << "orbitmc: error: " << orbitmc::printable(e.what(), 2000) << "\n";
    return 2;
  } catch (const std::exception& e) {
    // Such messages may quote a path or a value as given (std::filesystem's do).
    std::cerr << "orbitmc: failed: " << orbitmc::printable(e.what(), 1000) << "\n";
    return 3;
  }
}

// Defines the command line, checks every rank was given the same one, parses it and runs it.
int run_cli(int argc, char** argv) {
  CLI::App app{"orbitmc: Langevin ensembles on orbit slices, checked against the coarea theorem"};
  app.require_subcommand(1);
  app.formatter(std::make_shared<orbitmc::ReadableHelp>());
  app.set_version_flag("--version", std::string("orbitmc ") + ORBITMC_VERSION_STRING);
  CliValues v;
  v.opt.cases_dir = orbitmc::shipped_data_folder();  // empty: validate then needs --cases
  v.opt.abort_after_checkpoints = abort_after_checkpoints();
  const Commands cmd = define_commands(app, v);
  if (!same_command_on_every_rank(app, argc, argv)) return 2;
  if (const std::optional<int> code = parse_arguments(app, argc, argv)) return *code;
  for (int i = 0; i < argc; ++i) v.opt.command_line += (i ? " " : "") + std::string(argv[i]);
  return run_command(app, cmd, v);
}

}  // namespace

// Under an MPI launcher every rank runs the same command (parallel/ranks.hpp). An error on one
// rank (exit status 2 or more) ends every rank at once: the others may be waiting in a
// collective for it, and a run must fail, not hang.
int main(int argc, char** argv) {
  orbitmc::block_interrupts();  // before any thread starts (MPI's too): they inherit the mask
  orbitmc::parallel::init(&argc, &argv);
  const int code = run_cli(argc, argv);
  // A signal near the end (while the page renders, say): the watcher ends the process with
  // 128 + the signal, never this return with 0 or 1.
  orbitmc::wait_if_interrupted();
  if (code >= 2 && orbitmc::parallel::size() > 1) orbitmc::parallel::abort_all("", code);
  orbitmc::parallel::finalize();
  return code;
}
