// The validation suite driver and its table.
#include "validate_suite.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "atomic_file.hpp"
#include "backend/backend.hpp"
#include "checkpoint.hpp"
#include "input_error.hpp"
#include "memory_budget.hpp"
#include "profile_range.hpp"
#include "validate_case.hpp"

namespace orbitmc {

namespace {

std::string p_cell(const SamplerResult* s) {
  if (!s || s->coords.empty() || !s->coords[0].tested) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2g",
                std::min(s->coords[0].chi2.p_value, s->coords[0].ks.p_value));
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

// The figures come from validation/render_report.py (Python with NumPy and Matplotlib), which
// reads only report.json; without Python the JSON stands alone and we say how to render it.
void render_html(const std::string& out_dir) {
  const char* env = std::getenv("ORBITMC_PYTHON");
  std::string py =
      env ? env : (std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
  const std::string script = std::string(ORBITMC_SOURCE_DIR) + "/validation/render_report.py";
  const std::string cmd = "'" + py + "' '" + script + "' '" + out_dir + "/report.json' --out '" +
                          out_dir + "/report' > '" + out_dir + "/render.log' 2>&1";
  if (std::system(cmd.c_str()) != 0)
    std::printf(
        "note: the HTML report could not be rendered (see %s/render.log); run\n"
        "  python3 %s %s/report.json\n",
        out_dir.c_str(), script.c_str(), out_dir.c_str());
}

// Identifies a run for --resume: the case files' text, every override and the backend.
std::string run_fingerprint(const std::vector<std::string>& files, const SuiteOptions& opt,
                            const std::string& backend) {
  std::ostringstream os;
  for (const auto& f : files) {
    std::ifstream in(f);
    os << f << '\n' << in.rdbuf() << '\n';
  }
  const CaseOverrides& o = opt.overrides;
  os << o.quick << ' ' << o.has_correction_scale << ' ' << o.correction_scale << ' ' << o.chains
     << ' ' << o.seed << ' ' << o.refine << ' ' << o.longer << ' ' << backend;
  std::ostringstream hex;
  hex << std::hex << std::hash<std::string>{}(os.str());
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

}  // namespace

int run_validation_suite(const SuiteOptions& given) {
  SuiteOptions opt = given;  // with --gpu-scale resolved once the backend is known
  // Parse everything first: a bad case file stops the run before anything is written.
  std::vector<CaseSpec> cases;
  const std::vector<std::string> files = opt.single_case.empty()
                                             ? list_case_files(opt.cases_dir)
                                             : std::vector<std::string>{opt.single_case};
  std::unique_ptr<Backend> backend;
  {
    ProfileRange range("set-up");
    for (const auto& f : files) cases.push_back(load_case_file(f));
    backend = make_backend(opt.backend);
    if (opt.gpu_scale && backend->name() == "cuda") apply_gpu_scale(opt.overrides);
    for (auto& c : cases) apply_overrides(c, opt.overrides);
    const bool checkpointing = !opt.checkpoint.empty() || !opt.resume.empty();
    const uint64_t memory = physical_memory_bytes();
    for (const auto& c : cases) check_case_fits(c, checkpointing, memory, *backend);
  }
  const std::string fingerprint = run_fingerprint(files, opt, backend->name());
  Checkpoint ck;
  ck.completed_cases = nlohmann::json::array();
  if (!opt.resume.empty()) {
    ck = load_checkpoint(opt.resume);
    if (ck.fingerprint != fingerprint)
      bad_input("--resume", opt.resume,
                "was written by a different run (other case files, options or backend)");
  }
  const std::string ck_path = !opt.checkpoint.empty() ? opt.checkpoint : opt.resume;
  const auto t0 = std::chrono::steady_clock::now();

  nlohmann::json report;
  report["schema"] = "orbitmc.report/1";
  report["orbitmc_version"] = ORBITMC_VERSION;
  report["compiler"] = __VERSION__;
  report["created_utc"] = utc_now();
  report["command"] = opt.command_line;
  report["backend"] = backend->name();
  report["threads"] = opt.overrides.threads;
  report["quick"] = opt.overrides.quick;
  report["refine"] = opt.overrides.refine;
  report["longer"] = opt.overrides.longer;
  report["gpu_scale"] = opt.gpu_scale && backend->name() == "cuda";
  report["correction_scale_override"] = opt.overrides.has_correction_scale
                                            ? nlohmann::json(opt.overrides.correction_scale)
                                            : nlohmann::json(nullptr);
  report["cases"] = ck.completed_cases;

  const bool tty = opt.progress && ::isatty(2);
  // Test hook: simulate a kill right after the N-th checkpoint.
  const char* abort_env = std::getenv("ORBITMC_ABORT_AFTER_CHECKPOINTS");
  const long abort_after = abort_env ? std::atol(abort_env) : 0;
  long written = 0;

  print_header();
  bool all = true;
  for (const auto& done : report["cases"]) all = all && done.value("pass", false);
  for (size_t ci = report["cases"].size(); ci < cases.size(); ++ci) {
    const CaseSpec& c = cases[ci];
    RunControl control;
    if (!ck_path.empty())
      control.segment_steps = opt.checkpoint_every ? opt.checkpoint_every : 1000;
    if (tty) {
      control.segments = 20;
      control.on_segment = [&](const std::string& label, uint64_t done, uint64_t total,
                               double sec) {
        show_progress(label, c.samplers[0].spec.chains, done, total, sec);
      };
    }
    CaseProgress progress;
    if (ci == ck.case_index && !opt.resume.empty()) {
      progress.finished = std::move(ck.finished);
      progress.current = std::move(ck.current);
    }
    CheckpointFn save;
    if (!ck_path.empty())
      save = [&](const CaseProgress& p) {
        Checkpoint out;
        out.fingerprint = fingerprint;
        out.completed_cases = report["cases"];
        out.case_index = ci;
        out.finished = p.finished;
        out.current = p.current;
        save_checkpoint(ck_path, out);
        if (abort_after > 0 && ++written >= abort_after) std::_Exit(137);
      };
    const CaseResult r = run_case(c, *backend, control, &progress, save);
    print_row(r);
    all = all && r.pass;
    report["cases"].push_back(case_result_json(r));
    report["all_pass"] = all;
    report["wall_seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // Rewritten after every case: a killed run keeps the cases already done.
    ProfileRange range("report");
    write_file_atomically(opt.out_dir + "/report.json", report.dump(1) + "\n");
  }
  if (opt.html) {
    ProfileRange range("report");
    render_html(opt.out_dir);
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%zu passed, %zu failed\n",
              static_cast<size_t>(
                  std::count_if(report["cases"].begin(), report["cases"].end(),
                                [](const nlohmann::json& j) { return j.value("pass", false); })),
              static_cast<size_t>(
                  std::count_if(report["cases"].begin(), report["cases"].end(),
                                [](const nlohmann::json& j) { return !j.value("pass", false); })));
  std::printf("%s: %zu cases, %s, wall time %.1f s, report %s/report.json\n", all ? "PASS" : "FAIL",
              cases.size(), backend->name().c_str(), wall, opt.out_dir.c_str());
  return all ? 0 : 1;
}

}  // namespace orbitmc
