// Strict JSON parsing of validation case files.
#include "cases/case_file.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "input_error.hpp"
#include "io/json_fields.hpp"
#include "io/json_file.hpp"
#include "models/model_registry.hpp"
#include "models/npy_file.hpp"

namespace orbitmc {

using nlohmann::json;

namespace {

// Step counts checked in 64 bits: they stay far from overflow after --refine and --longer (1000
// each).
constexpr uint64_t kMaxSteps = uint64_t{1} << 40;
// Case files are a few kilobytes; a larger one is a mistake (or /dev/zero) to refuse unread.
constexpr uint64_t kMaxCaseFileBytes = uint64_t{16} << 20;
// Correction scales the fit may search: far beyond any exponent the theory produces, and
// small enough that every number printed from them is short.
constexpr double kMaxCorrection = 1e3;

uint64_t get_count(const json& j, const std::string& key, const std::string& where, uint64_t dflt) {
  return get_uint(j, key, where, dflt, 0, kMaxSteps);
}

// A number of chains: chain indices are 32-bit, and every count must fit them (this also keeps
// the memory estimate of case_memory.cpp far from overflow).
uint64_t get_chain_count(const json& j, const std::string& key, const std::string& where,
                         uint64_t dflt) {
  return get_uint(j, key, where, dflt, 1, 0xffffffffull);
}

void check_name(const std::string& name, const std::string& field) {
  const bool ok =
      !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.';
      });
  if (!ok)
    bad_input(field, "\"" + name + "\"",
              "1 to 64 letters, digits, '_', '-' or '.' (it names table rows and files)");
}

// Names that end up in table rows, file names and HTML: letters, digits, '_', '-', '.'.
std::string get_name(const json& j, const std::string& key, const std::string& where) {
  const std::string name = get_string(j, key, where, "");
  check_name(name, where + "." + key);
  return name;
}

// Reads model.data_file (relative to the case file's folder) into model.data, checked against
// the size the model's parameters give. The sizes are checked first, so a huge model is refused
// before any file is read.
void read_data_file(ModelSpec& m, const std::string& case_file, const std::string& w) {
  if (m.data_file.empty()) return;
  const std::string field = w + ".model.data_file";
  check_run_spec_model(m, w + ".");
  const int64_t words = model_data_words(m);
  if (words == 0) bad_input(field, m.data_file, "model " + m.name + " has no data set");
  m.data = std::make_shared<const std::vector<double>>(
      read_npy_words(data_file_path(m, case_file), words, field));
}

std::vector<HistogramSpec> parse_observe(const json& j, const std::string& w) {
  if (!j.is_array() || j.empty())
    bad_input(w, brief(j), std::string("must be a non-empty array, not ") + type_name(j));
  std::vector<HistogramSpec> out;
  for (size_t k = 0; k < j.size(); ++k) {
    const std::string wk = w + "[" + std::to_string(k) + "]";
    check_keys(j[k], wk, {"coord", "lo", "hi", "bins"});
    HistogramSpec h;
    h.coord = get_size(j[k], "coord", wk, 0);
    h.lo = get_number(j[k], "lo", wk, h.lo);
    h.hi = get_number(j[k], "hi", wk, h.hi);
    h.bins = get_size(j[k], "bins", wk, h.bins, 1);
    out.push_back(h);
  }
  return out;
}

}  // namespace

namespace {

// The case's identity: name, title, kind (theory or comparison) and reference role.
void parse_case_head(const json& j, const std::string& w, CaseSpec& c) {
  c.name = get_name(j, "name", w);
  c.title = printable(get_string(j, "title", w, c.name), 400);
  c.rhat_note = printable(get_string(j, "rhat_note", w, ""), 600);
  c.kind = get_string(j, "kind", w, "theory");
  if (c.kind != "theory" && c.kind != "comparison")
    bad_input(w + ".kind", c.kind, "allowed: theory, comparison");
  c.reference = get_string(j, "reference", w, c.reference);
}

// What every sampler of the case shares: the model (and its data file), β, the precision, the
// chains and their seed, the initial σ range and the observed coordinates.
RunSpec parse_shared_run(const json& j, const std::string& w, const std::string& file,
                         CaseSpec& c) {
  if (!j.contains("model")) bad_input(w + ".model", "(missing)", "every case needs a model");
  RunSpec base;
  base.model = parse_model(j.at("model"), w + ".model");
  read_data_file(base.model, file, w);
  if (c.kind == "theory" && !model_has_closed_form(base.model.name))
    bad_input(w + ".kind", c.kind,
              "theory cases need a model with a closed-form law of σ (" +
                  closed_form_model_names() + ")");
  base.beta = get_number(j, "beta", w, base.beta);
  const std::string prec = get_string(j, "precision", w, "float");
  if (prec != "float" && prec != "double")
    bad_input(w + ".precision", prec, "allowed: float, double");
  base.use_double = prec == "double";
  c.seed = get_seed(j, "seed", w, 1);
  c.chains = get_chain_count(j, "chains", w, 10000);
  c.quick_chains = get_chain_count(j, "quick_chains", w, c.chains);
  base.chains = c.chains;
  if (j.contains("init")) {
    check_keys(j.at("init"), w + ".init", {"sigma_lo", "sigma_hi"});
    base.init_sigma_lo = get_number(j.at("init"), "sigma_lo", w + ".init", base.init_sigma_lo);
    base.init_sigma_hi = get_number(j.at("init"), "sigma_hi", w + ".init", base.init_sigma_hi);
  }
  if (!j.contains("observe"))
    bad_input(w + ".observe", "(missing)", "list the coordinates to histogram");
  base.observe = parse_observe(j.at("observe"), w + ".observe");
  return base;
}

// How the case decides: the exponent fit and its range, the significance levels and the
// fraction of diverged chains it tolerates.
void parse_verdict_settings(const json& j, const std::string& w, CaseSpec& c) {
  if (j.contains("fit_exponent") && !j.at("fit_exponent").is_boolean())
    bad_input(w + ".fit_exponent", brief(j.at("fit_exponent")), "must be true or false");
  c.fit_exponent = j.value("fit_exponent", false);
  if (j.contains("c_range")) {
    const json& r = j.at("c_range");
    if (!r.is_array() || r.size() != 2 || !r[0].is_number() || !r[1].is_number() ||
        !(r[0].get<double>() < r[1].get<double>()) ||
        !(std::fabs(r[0].get<double>()) <= kMaxCorrection) ||
        !(std::fabs(r[1].get<double>()) <= kMaxCorrection))
      bad_input(w + ".c_range", brief(r),
                "must be [c_min, c_max] with c_min < c_max, both in [-1000, 1000]");
    c.c_min = r[0].get<double>();
    c.c_max = r[1].get<double>();
  }
  c.alpha = get_number(j, "alpha", w, c.alpha);
  c.control_alpha = get_number(j, "control_alpha", w, c.control_alpha);
  c.max_diverged_fraction = get_number(j, "max_diverged_fraction", w, c.max_diverged_fraction);
  // The intervals are at level 1 − alpha: below 1e-12 that level rounds to 1 (5e-324 gives
  // exactly 1) and the fit's quantile has no value, which showed only after the sampling.
  if (!(c.alpha >= 1e-12 && c.alpha < 1)) bad_input(w + ".alpha", c.alpha, "must be in [1e-12, 1)");
  if (!(c.control_alpha > 0 && c.control_alpha < 1))
    bad_input(w + ".control_alpha", c.control_alpha, "must be in (0, 1)");
  if (!(c.max_diverged_fraction >= 0 && c.max_diverged_fraction <= 1))
    bad_input(w + ".max_diverged_fraction", c.max_diverged_fraction,
              "a fraction of the chains: must be in [0, 1]");
}

void parse_stiffness_study(const json& st, const std::string& ws, CaseSpec& c) {
  check_keys(st, ws, {"kappa", "chains", "quick_chains"});
  if (!st.contains("kappa") || !st.at("kappa").is_array() || st.at("kappa").size() < 2 ||
      st.at("kappa").size() > 64)
    bad_input(ws + ".kappa", st.contains("kappa") ? brief(st.at("kappa")) : "(missing)",
              "a list of 2 to 64 values κ > 0");
  for (const auto& k : st.at("kappa")) {
    if (!k.is_number() || !(k.get<double>() > 0))
      bad_input(ws + ".kappa", brief(k), "each κ must be > 0");
    c.stiffness.kappa.push_back(k.get<double>());
  }
  c.stiffness.chains = get_chain_count(st, "chains", ws, c.chains);
  c.stiffness.quick_chains = get_chain_count(st, "quick_chains", ws, c.quick_chains);
}

void parse_balance_study(const json& b, const std::string& wb, CaseSpec& c) {
  check_keys(b, wb, {"chains", "quick_chains", "steps", "records"});
  c.balance.enabled = true;
  c.balance.chains = get_chain_count(b, "chains", wb, 20000);
  c.balance.quick_chains = get_chain_count(b, "quick_chains", wb, c.balance.chains);
  c.balance.steps = get_count(b, "steps", wb, 2000);
  c.balance.records = get_size(b, "records", wb, 20);
  if (c.balance.records < 2 || c.balance.steps < static_cast<uint64_t>(c.balance.records))
    bad_input(wb + ".records", c.balance.records, "need 2 <= records <= steps");
}

void parse_correction_scan(const json& cs, const std::string& wc, CaseSpec& c) {
  check_keys(cs, wc, {"from", "to", "step"});
  c.c_scan.enabled = true;
  c.c_scan.from = get_number(cs, "from", wc, c.c_scan.from);
  c.c_scan.to = get_number(cs, "to", wc, c.c_scan.to);
  c.c_scan.step = get_number(cs, "step", wc, c.c_scan.step);
  if (!(c.c_scan.from < c.c_scan.to) || !(c.c_scan.step > 0) ||
      !(std::fabs(c.c_scan.from) <= kMaxCorrection) ||
      !(std::fabs(c.c_scan.to) <= kMaxCorrection) ||
      (c.c_scan.to - c.c_scan.from) / c.c_scan.step > 10000)
    bad_input(wc, brief(cs), "need from < to in [-1000, 1000] and 0 < step, at most 10000 points");
}

// One sampler role: the shared run with this sampler's own settings and seed, checked whole.
SamplerRole parse_sampler_role(const std::string& role, const json& s, const std::string& w,
                               const RunSpec& base, const CaseSpec& c) {
  check_name(role, w + ".samplers key");
  const std::string ws = w + ".samplers." + role;
  check_keys(s, ws, {"kind", "h", "kappa", "c", "steps", "burn_in", "thin", "expect", "bound"});
  SamplerRole r;
  r.role = role;
  r.expect = get_string(s, "expect", ws, "match");
  if (r.expect != "match" && r.expect != "reject")
    bad_input(ws + ".expect", r.expect, "allowed: match, reject");
  r.spec = base;
  r.spec.seed = derive_seed(c.seed, r.role);
  r.spec.sampler = parse_sampler(get_string(s, "kind", ws, ""), ws + ".kind");
  r.spec.h = get_number(s, "h", ws, r.spec.h);
  r.spec.kappa = get_number(s, "kappa", ws, r.spec.kappa);
  r.spec.correction_scale = get_number(s, "c", ws, r.spec.correction_scale);
  r.spec.bound = get_number(s, "bound", ws, r.spec.bound);
  r.spec.schedule.steps = get_count(s, "steps", ws, 1000);
  r.spec.schedule.burn_in = get_count(s, "burn_in", ws, r.spec.schedule.steps / 2);
  r.spec.schedule.thin = get_count(s, "thin", ws, 1);
  check_run_spec(r.spec, w, ws);
  return r;
}

void parse_samplers(const json& j, const std::string& w, const RunSpec& base, CaseSpec& c) {
  if (!j.contains("samplers")) bad_input(w + ".samplers", "(missing)", "every case needs samplers");
  if (!j.at("samplers").is_object() || j.at("samplers").empty())
    bad_input(w + ".samplers", brief(j.at("samplers")),
              "must be a non-empty object of role → sampler settings");
  for (auto it = j.at("samplers").begin(); it != j.at("samplers").end(); ++it)
    c.samplers.push_back(parse_sampler_role(it.key(), it.value(), w, base, c));
  if (c.kind == "comparison") {
    const bool has_ref = std::any_of(c.samplers.begin(), c.samplers.end(),
                                     [&](const SamplerRole& r) { return r.role == c.reference; });
    if (!has_ref) bad_input(w + ".reference", c.reference, "must name one of the samplers' roles");
  }
}

}  // namespace

CaseSpec parse_case_text(const std::string& text, const std::string& file) {
  const json j = parse_strict(text, file);
  const std::string w = file;
  check_keys(j, w, {"name",         "title",         "kind",
                    "reference",    "model",         "beta",
                    "precision",    "seed",          "chains",
                    "quick_chains", "init",          "observe",
                    "samplers",     "fit_exponent",  "c_range",
                    "alpha",        "control_alpha", "max_diverged_fraction",
                    "stiffness",    "balance",       "c_scan",
                    "rhat_note"});
  CaseSpec c;
  c.file = file;
  parse_case_head(j, w, c);
  const RunSpec base = parse_shared_run(j, w, file, c);
  parse_verdict_settings(j, w, c);
  if (j.contains("stiffness")) parse_stiffness_study(j.at("stiffness"), w + ".stiffness", c);
  if (j.contains("balance")) parse_balance_study(j.at("balance"), w + ".balance", c);
  if (j.contains("c_scan")) parse_correction_scan(j.at("c_scan"), w + ".c_scan", c);
  parse_samplers(j, w, base, c);
  return c;
}

CaseSpec load_case_file(const std::string& path) {
  return parse_case_text(read_small_file(path, "case file", kMaxCaseFileBytes), path);
}

void apply_overrides(CaseSpec& c, const CaseOverrides& o) {
  const uint64_t chains = o.chains ? o.chains : (o.quick ? c.quick_chains : c.chains);
  if (o.seed) c.seed = o.seed;  // the report names the seed actually used
  for (auto& r : c.samplers) {
    r.spec.chains = chains;
    r.spec.seed = derive_seed(c.seed, r.role);
    r.spec.threads = o.threads;
    if (o.has_correction_scale && is_constrained(r.spec.sampler) && r.expect == "match")
      r.spec.correction_scale = o.correction_scale;
    refine(r.spec, o.refine);
    lengthen(r.spec, o.longer);
  }
  if (o.quick) {
    c.stiffness.chains = c.stiffness.quick_chains;
    c.balance.chains = c.balance.quick_chains;
  }
  if (o.chains) {
    c.stiffness.chains = o.chains;
    c.balance.chains = std::min(o.chains, std::max<uint64_t>(c.balance.chains, 1));
  }
}

void refine(RunSpec& spec, uint64_t k) {
  if (k <= 1 || is_exact(spec.sampler)) return;  // exact samplers have no step bias to refine
  spec.h /= static_cast<double>(k);
  spec.kappa *= static_cast<double>(k);  // stiffer penalty, same h·κ: the O(1/κ) bias shrinks too
  spec.schedule.steps *= k;
  spec.schedule.burn_in *= k;
  spec.schedule.thin *= k;
}

void lengthen(RunSpec& spec, uint64_t l) {
  spec.schedule.steps *= l;
  spec.schedule.burn_in *= l;
  spec.schedule.thin *= l;
}

uint64_t derive_seed(uint64_t seed, const std::string& role) {
  uint64_t z = seed;
  for (unsigned char ch : role) z = (z ^ ch) * 0x100000001b3ull;  // FNV-1a over the role
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::string data_file_path(const ModelSpec& m, const std::string& case_file) {
  if (m.data_file.empty()) return "";
  std::filesystem::path p(m.data_file);
  if (p.is_relative()) p = std::filesystem::path(case_file).parent_path() / p;
  return p.string();
}

std::vector<std::string> list_case_files(const std::string& dir) {
  namespace fs = std::filesystem;
  if (dir.empty())
    bad_input("--cases", "(not given)",
              "no validation cases were found beside orbitmc (PREFIX/share/orbitmc/validation); "
              "give --cases DIR");
  if (!fs::is_directory(dir)) bad_input("--cases", dir, "must be a folder of case files (*.json)");
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  if (files.empty()) bad_input("--cases", dir, "holds no *.json case files");
  return files;
}

}  // namespace orbitmc
