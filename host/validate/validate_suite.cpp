// The validation suite driver and its table.
#include "validate/validate_suite.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>

#include "analysis/test_result.hpp"
#include "backend/backend.hpp"
#include "backend/cpu_threads.hpp"
#include "cases/case_checks.hpp"
#include "cases/case_memory.hpp"
#include "checkpoint/checkpoint.hpp"
#include "checkpoint/checkpoint_parts.hpp"
#include "input_error.hpp"
#include "io/atomic_file.hpp"
#include "io/output_folder.hpp"
#include "io/report_writer.hpp"
#include "parallel/ranks.hpp"
#include "profile_range.hpp"
#include "report/report_renderer.hpp"
#include "run/memory_budget.hpp"
#include "validate/validate_case.hpp"

namespace orbitmc {

namespace {

std::string p_cell(const SamplerResult* s) {
  if (!s || s->coords.empty() || !s->coords[0].tested) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2g",
                analysis::combined_p_value(s->coords[0].chi2, s->coords[0].ks));
  return buf;
}

const SamplerResult* find_role(const CaseResult& r, const std::string& role) {
  for (const auto& s : r.samplers)
    if (s.role.role == role) return &s;
  return nullptr;
}

void print_header() {
  std::printf("%-14s %-5s %8s %9s %9s %9s %22s %6s %7s %7s\n", "case", "back", "chains",
              "p_ambient", "p_correct", "p_uncorr", "c_hat [CI 1-alpha]", "TV", "c_scan",
              "verdict");
}

void print_row(const CaseResult& r) {
  const SamplerResult* amb = find_role(r, "ambient");
  const SamplerResult* cor = find_role(r, "corrected");
  const SamplerResult* unc = find_role(r, "uncorrected");
  char fit[64] = "-";
  if (r.has_fit)
    std::snprintf(fit, sizeof fit, "%.3f [%.3f, %.3f]", r.fit.c_hat, r.fit.ci_lo, r.fit.ci_hi);
  double tv = 0;
  for (const auto& s : r.samplers)
    if (s.role.expect == "match" && !s.coords.empty() && s.coords[0].tested)
      tv = std::max(tv, s.coords[0].tv);
  char scan[16] = "-";
  if (r.has_scan) std::snprintf(scan, sizeof scan, "%.2f", r.scan.c_min);
  std::printf("%-14s %-5s %8llu %9s %9s %9s %22s %6.4f %7s %7s\n", r.spec.name.c_str(),
              r.backend.c_str(), static_cast<unsigned long long>(r.spec.samplers[0].spec.chains),
              p_cell(amb).c_str(), p_cell(cor).c_str(), p_cell(unc).c_str(), fit, tv, scan,
              r.pass ? "PASS" : "FAIL");
  for (const auto& why : r.reasons) std::printf("    - %s\n", why.c_str());
  std::fflush(stdout);
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// Identifies a run for --resume: the case files' text and data sets, every override that changes
// numbers (doubles by their exact bits, as hexadecimal floats), the backend and the version. FNV-1a
// 64, so the value is the same for every build and platform.
std::string run_fingerprint(const std::vector<std::string>& files,
                            const std::vector<CaseSpec>& cases, const SuiteOptions& opt,
                            const std::string& backend) {
  std::ostringstream os;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    os << f << '\n' << in.rdbuf() << '\n';
  }
  // Data sets read from .npy files change the numbers as much as the case files do.
  for (const auto& c : cases) {
    const auto& data = c.samplers.front().spec.model.data;
    if (!data) continue;
    const std::string bytes(reinterpret_cast<const char*>(data->data()),
                            data->size() * sizeof(double));
    os << "data " << std::hex << fnv1a64(bytes, bytes.size()) << std::dec << '\n';
  }
  const CaseOverrides& o = opt.overrides;
  os << std::hexfloat << "quick " << o.quick << " c " << o.has_correction_scale << ' '
     << o.correction_scale << " chains " << o.chains << " seed " << o.seed << " refine " << o.refine
     << " longer " << o.longer << " backend " << backend << " version " << ORBITMC_VERSION;
  const std::string text = os.str();
  std::ostringstream hex;
  hex << std::hex << std::setw(16) << std::setfill('0') << fnv1a64(text, text.size());
  return hex.str();
}

// One progress line on a terminal: steps, chain-steps/s, time left.
void show_progress(const std::string& what, uint64_t chains, uint64_t done, uint64_t total,
                   double seconds) {
  const double rate = seconds > 0 ? static_cast<double>(chains) * done / seconds : 0;
  const double left = done > 0 ? seconds * (total - done) / done : 0;
  std::fprintf(stderr, "\r  %-28s %9llu/%llu steps  %9.3g chain-steps/s  %6.1f s left   ",
               what.c_str(), static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total), rate, left);
  if (done == total) std::fprintf(stderr, "\r%100s\r", "");
  std::fflush(stderr);
}

// What the run writes (the report, its log and page, the checkpoint) and reads (case files,
// their data files, the checkpoint resumed), for check_output_plan.
OutputPlan output_plan(const SuiteOptions& opt, const std::vector<std::string>& files,
                       const std::vector<CaseSpec>& cases, const std::string& ck_flag,
                       const std::string& ck_path) {
  OutputPlan plan;
  plan.out_dir = opt.out_dir;
  plan.out_files = {"report.json", "render.log", "report/index.html"};
  plan.out_folders = {"report"};
  if (!ck_path.empty()) plan.other_files.push_back({ck_flag, ck_path});
  for (const auto& f : files) plan.inputs.push_back({"the case file", f});
  for (const auto& c : cases) {
    const std::string data = data_file_path(c.samplers.front().spec.model, c.file);
    if (!data.empty()) plan.inputs.push_back({c.file + " model.data_file", data});
  }
  if (!opt.resume.empty()) {
    plan.inputs.push_back({"--resume", opt.resume});
    plan.resumed = opt.resume;
  }
  // A report.json there would be read as a case by every later validate of that folder.
  if (opt.single_case.empty()) plan.not_inside = {"--cases", opt.cases_dir};
  return plan;
}

// The cases of a run, as loaded, overridden and checked, and the backend that runs them.
struct SuitePlan {
  std::vector<std::string> files;
  std::vector<CaseSpec> cases;
  std::unique_ptr<Backend> backend;
};

// Every case fits in memory (under MPI each rank holds its share of the chains, in the memory of
// its node), and the threads its largest run asks for can start.
void check_cases_fit(const SuiteOptions& opt, const SuitePlan& plan) {
  const bool checkpointing = !opt.checkpoint.empty() || !opt.resume.empty();
  const uint64_t memory = physical_memory_bytes();
  uint64_t most_chains = 1;
  for (const auto& c : plan.cases) {
    check_case_fits(c, checkpointing, memory, *plan.backend,
                    static_cast<uint64_t>(parallel::size()),
                    static_cast<uint64_t>(parallel::local_size()));
    for (const RunSpec& r : case_runs(c)) most_chains = std::max(most_chains, r.chains);
  }
  check_threads_start(opt.overrides.threads, most_chains);
}

// Parse and check everything first: bad input stops the run before anything is written. Resolves
// --gpu-scale in opt once the backend is known.
SuitePlan plan_suite(SuiteOptions& opt) {
  SuitePlan plan;
  plan.files = opt.single_case.empty() ? list_case_files(opt.cases_dir)
                                       : std::vector<std::string>{opt.single_case};
  ProfileRange range("set-up");
  for (const auto& f : plan.files) plan.cases.push_back(load_case_file(f));
  plan.backend = make_backend(opt.backend);
  if (opt.gpu_scale && plan.backend->name() == "cuda") apply_gpu_scale(opt.overrides);
  for (auto& c : plan.cases) apply_overrides(c, opt.overrides);
  for (const auto& c : plan.cases) check_case_analysable(c);  // exit 2 before any sampling
  check_cases_fit(opt, plan);
  return plan;
}

// Under MPI every rank runs every case on its range of chains: every run of a case (its samplers
// and studies) must give every rank at least one chain.
void check_chains_per_rank(const std::vector<CaseSpec>& cases) {
  const uint64_t ranks = static_cast<uint64_t>(parallel::size());
  const auto enough = [&](uint64_t chains, const CaseSpec& c, const std::string& run) {
    if (chains < ranks)
      bad_input("mpirun", ranks,
                "more ranks than the " + std::to_string(chains) + " chains of case " + c.name +
                    " (" + run + "): use fewer ranks or more --chains");
  };
  for (const auto& c : cases) {
    for (const auto& s : c.samplers) enough(s.spec.chains, c, s.role);
    if (!c.stiffness.kappa.empty()) enough(c.stiffness.chains, c, "stiffness study");
    if (c.balance.enabled) enough(c.balance.chains, c, "balance study");
  }
}

// Where the run starts: the checkpoint --resume names, checked against this run and cut to this
// rank's chains, or (no --resume) one with no case done.
Checkpoint resume_point(const SuiteOptions& opt, const std::vector<CaseSpec>& cases,
                        const std::string& fingerprint) {
  Checkpoint ck;
  ck.completed_cases = nlohmann::json::array();
  if (opt.resume.empty()) return ck;
  ck = load_checkpoint(opt.resume);
  if (ck.fingerprint != fingerprint)
    bad_input("--resume", opt.resume,
              "was written by a different run (other case files, options, backend or "
              "version)");
  check_checkpoint_matches(ck, cases, opt.resume);  // every size, before any use
  // Each rank resumes its own range of chains: from the parts that hold it (a checkpoint of
  // R ranks, whatever the number now), or cut from a whole checkpoint.
  const auto rank = static_cast<uint64_t>(parallel::rank());
  const auto ranks = static_cast<uint64_t>(parallel::size());
  if (ck.parts.is_manifest())
    ck = load_checkpoint_share(ck, opt.resume, cases[ck.case_index], rank, ranks);
  else {
    for (auto& st : ck.finished) parallel::keep_own_range(st);
    if (ck.current.initialised()) parallel::keep_own_range(ck.current);
  }
  return ck;
}

// Last before sampling (rank 0), the places results go: checked, then created, probed and
// claimed.
void claim_outputs(const SuiteOptions& opt, const SuitePlan& plan, const std::string& ck_path,
                   std::optional<OutputFolder>& out) {
  const std::string ck_flag = !opt.checkpoint.empty() ? "--checkpoint" : "--resume";
  check_output_plan(output_plan(opt, plan.files, plan.cases, ck_flag, ck_path));
  if (!ck_path.empty()) prepare_checkpoint_location(ck_flag, ck_path);
  out.emplace(opt.out_dir);
}

// report.json as it starts: the run's settings and the cases a resumed run had already done.
nlohmann::json report_head(const SuiteOptions& opt, const std::string& backend, size_t planned,
                           const nlohmann::json& done) {
  nlohmann::json head;
  head["schema"] = "orbitmc.report/1";
  head["orbitmc_version"] = ORBITMC_VERSION;
  head["compiler"] = __VERSION__;
  head["created_utc"] = utc_now();
  head["command"] = printable(opt.command_line, 4096);
  head["backend"] = backend;
  head["threads"] = opt.overrides.threads;
  head["ranks"] = parallel::size();
  head["quick"] = opt.overrides.quick;
  head["refine"] = opt.overrides.refine;
  head["longer"] = opt.overrides.longer;
  head["gpu_scale"] = opt.gpu_scale && backend == "cuda";
  head["correction_scale_override"] = opt.overrides.has_correction_scale
                                          ? nlohmann::json(opt.overrides.correction_scale)
                                          : nlohmann::json(nullptr);
  head["seed_override"] =
      opt.overrides.seed ? nlohmann::json(opt.overrides.seed) : nlohmann::json(nullptr);
  // Incomplete until the last case is in: a killed run's report never reads as a pass.
  head["complete"] = false;
  head["interrupted"] = nullptr;
  head["cases_planned"] = planned;
  head["all_pass"] = false;
  head["cases"] = done;
  return head;
}

// Wall-clock seconds since t0.
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// What the loop over the cases shares: the run, where its checkpoints go, and its report.
struct CaseLoop {
  const SuiteOptions& opt;
  const SuitePlan& plan;
  const std::string& fingerprint;
  const std::string& ck_path;  // empty: no checkpoints
  CheckpointWriter& ck_writer;
  ReportWriter& report;
  bool writer;  // rank 0: prints the table and writes the report
  bool tty;     // progress lines on stderr
  std::chrono::steady_clock::time_point t0;
  long checkpoints_written = 0;  // for the test hook SuiteOptions::abort_after_checkpoints
};

// How case c runs: in segments between checkpoints, with a progress line per segment on a
// terminal.
RunControl case_control(const CaseLoop& loop, const CaseSpec& c) {
  RunControl control;
  if (!loop.ck_path.empty())
    control.segment_steps = loop.opt.checkpoint_every ? loop.opt.checkpoint_every : 1000;
  if (loop.tty) {
    control.segments = 20;
    control.on_segment = [&c](const std::string& label, uint64_t done, uint64_t total, double sec) {
      show_progress(label, c.samplers[0].spec.chains, done, total, sec);
    };
  }
  return control;
}

// Saves the progress of case ci (none without a checkpoint file): each rank writes its own
// chains; rank 0 commits them with the completed cases.
CheckpointFn checkpoint_saver(CaseLoop& loop, size_t ci) {
  if (loop.ck_path.empty()) return {};
  return [&loop, ci](const CaseProgress& p) {
    Checkpoint top =
        loop.ck_writer.write_part(loop.fingerprint, ci, loop.plan.cases[ci], p.finished, p.current);
    if (loop.writer)
      loop.report.exclusive([&](const nlohmann::json& done) {
        top.completed_cases = done["cases"];
        loop.ck_writer.commit(top);
      });
    loop.ck_writer.finish();
    // Test hook: simulate a kill right after the N-th checkpoint, once every rank is past it
    // (rank 0 removes the older generations after the others return from finish(): a rank
    // that died first would have the launcher kill rank 0 half-way through, and the test
    // would see a different set of files each time).
    const long after = loop.opt.abort_after_checkpoints;
    if (after > 0 && ++loop.checkpoints_written >= after) {
      parallel::barrier();
      std::_Exit(137);
    }
  };
}

// Runs case ci, from where the checkpoint left it when it is the one a resumed run was in, and
// prints its row.
CaseResult run_one_case(CaseLoop& loop, size_t ci, Checkpoint& ck) {
  const CaseSpec& c = loop.plan.cases[ci];
  const RunControl control = case_control(loop, c);
  CaseProgress progress;
  if (ci == ck.case_index && !loop.opt.resume.empty()) {
    progress.finished = std::move(ck.finished);
    progress.current = std::move(ck.current);
  }
  CaseResult r = run_case(c, *loop.plan.backend, control, &progress, checkpoint_saver(loop, ci));
  if (loop.writer) print_row(r);
  return r;
}

// Adds a finished case to report.json, rewritten after every case: a killed run keeps the cases
// already done.
void add_to_report(CaseLoop& loop, const CaseResult& r, bool last, bool all) {
  ProfileRange range("report");
  loop.report.update([&](nlohmann::json& j) {
    j["cases"].push_back(case_result_json(r));
    j["complete"] = last;
    j["all_pass"] = last && all;
    j["wall_seconds"] = seconds_since(loop.t0);
  });
}

// Runs the cases not yet done. Returns whether every case passed, those a resumed run had done
// included.
bool run_cases(CaseLoop& loop, Checkpoint& ck) {
  const size_t planned = loop.plan.cases.size();
  bool all = true;
  for (const auto& done : ck.completed_cases) all = all && done.value("pass", false);
  size_t done_cases = ck.completed_cases.size();
  for (size_t ci = done_cases; ci < planned; ++ci) {
    const CaseResult r = run_one_case(loop, ci, ck);
    all = all && r.pass;
    ++done_cases;
    add_to_report(loop, r, done_cases == planned, all);
  }
  return all;
}

// Seconds as the page writes them (validation/orbitmc_report/text.py fmt_seconds): "95.3 s",
// "2 min 32 s".
std::string seconds_text(double s) {
  char out[48];
  if (s < 120)
    std::snprintf(out, sizeof out, "%.1f s", s);
  else
    std::snprintf(out, sizeof out, "%d min %02d s", static_cast<int>(s / 60),
                  static_cast<int>(std::lround(std::fmod(s, 60.0))));
  return out;
}

// The end of the run: the page (when asked for), then the count of passes and the verdict line,
// whose wall time is the report's (the page shows the same figure; rendering the page is not
// in it).
void finish_suite(const CaseLoop& loop, bool all) {
  if (loop.opt.html && loop.writer) {
    ProfileRange range("report");
    render_report(loop.opt.out_dir);
  }
  const nlohmann::json final_report = loop.report.snapshot();
  const double wall = final_report.value("wall_seconds", seconds_since(loop.t0));
  const auto& done = final_report["cases"];
  const auto passed = static_cast<size_t>(std::count_if(
      done.begin(), done.end(), [](const nlohmann::json& j) { return j.value("pass", false); }));
  if (!loop.writer) return;
  std::printf("%zu passed, %zu failed\n", passed, done.size() - passed);
  std::printf(
      "%s: %zu cases, %s%s, wall time %s, report %s/report.json\n", all ? "PASS" : "FAIL",
      loop.plan.cases.size(), loop.plan.backend->name().c_str(),
      parallel::size() > 1 ? (" × " + std::to_string(parallel::size()) + " ranks").c_str() : "",
      seconds_text(wall).c_str(), printable(loop.opt.out_dir, 4096).c_str());
}

}  // namespace

// Plan, resume, claim the outputs, run the cases, report.
int run_validation_suite(const SuiteOptions& given) {
  SuiteOptions opt = given;  // with --gpu-scale resolved once the backend is known
  const SuitePlan plan = plan_suite(opt);
  check_chains_per_rank(plan.cases);
  // Under MPI every rank runs every case on its range of chains; rank 0 alone writes.
  const bool writer = parallel::root();
  const std::string fingerprint =
      run_fingerprint(plan.files, plan.cases, opt, plan.backend->name());
  Checkpoint ck = resume_point(opt, plan.cases, fingerprint);
  const std::string ck_path = !opt.checkpoint.empty() ? opt.checkpoint : opt.resume;
  // Every rank: the generations of this run's part files come after those on disk.
  CheckpointWriter ck_writer(ck_path);
  std::optional<OutputFolder> out;
  if (writer) claim_outputs(opt, plan, ck_path, out);
  // The other ranks write checkpoint parts into the folder rank 0 has just made, and sample only
  // once rank 0's checks of the output passed (a failed one ends every rank, parallel/ranks).
  parallel::barrier();
  const auto t0 = std::chrono::steady_clock::now();

  ReportWriter report(report_head(opt, plan.backend->name(), plan.cases.size(), ck.completed_cases),
                      writer ? opt.out_dir + "/report.json" : std::string());
  // At once: a previous run's report in this folder must not stand for this run if it dies.
  report.update([](nlohmann::json&) {});
  const IncompleteOnInterrupt marker(report, opt.out_dir + "/report.json", "cases", "cases_planned",
                                     parallel::size() > 1,
                                     [](nlohmann::json& r) { r["all_pass"] = false; });

  CaseLoop loop{opt,       plan,   fingerprint, ck_path,
                ck_writer, report, writer,      writer && opt.progress && ::isatty(2),
                t0};
  if (writer) print_header();
  const bool all = run_cases(loop, ck);
  finish_suite(loop, all);
  return all ? 0 : 1;
}

}  // namespace orbitmc
