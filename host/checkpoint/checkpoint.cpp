// CBOR serialisation of checkpoints (doubles are stored exactly), the checksummed file format
// and the checks that keep a damaged or hand-made checkpoint from being resumed.
#include "checkpoint/checkpoint.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>

#include "input_error.hpp"
#include "io/atomic_file.hpp"
#include "parallel/ranks.hpp"
#include "run/memory_budget.hpp"

namespace orbitmc {

namespace {

using nlohmann::json;

constexpr const char* kMagic = "orbitmc.checkpoint/2";
// Files of format /1 are a bare CBOR map whose last key ("magic", keys are sorted) holds this
// text string (CBOR head 0x74: a text of 20 bytes), so such a file ends with these 21 bytes.
// A /2 file ends with its binary trailer instead (and a file ending like this is refused
// either way; only the message differs).
constexpr char kOldMagicTail[] = "\x74orbitmc.checkpoint/1";
constexpr size_t kTrailer = 16;  // payload length, then checksum, 8 little-endian bytes each
// A checkpoint nests a few levels (report entries included); deeper CBOR is refused before
// nlohmann's reader, which recurses once per level, could exhaust the stack on it.
constexpr int kMaxDepth = 32;
// Larger than any compiled model's dimension; bounds the per-chain arithmetic below.
constexpr uint64_t kMaxDim = 1u << 16;
// Chain indices are 32-bit (case files, the CLI); a part's first chain is one of them.
constexpr uint64_t kMaxChains = 0xffffffffull;
// More ranks than any run has; bounds the range arithmetic of parallel::range_of.
constexpr uint64_t kMaxRanks = 1u << 24;

[[noreturn]] void invalid(const std::string& what) { throw InputError(what); }

template <class V>
std::string str(const V& v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// a·b, false when it does not fit in 64 bits (a claimed count must not wrap to a small size).
bool product(uint64_t a, uint64_t b, uint64_t& out) {
  if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a) return false;
  out = a * b;
  return true;
}

void append_le64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t read_le64(const std::string& in, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= static_cast<uint64_t>(static_cast<uint8_t>(in[at + i])) << (8 * i);
  return v;
}

std::string hex64(uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}

const json& member(const json& obj, const char* key, const std::string& where) {
  const auto it = obj.find(key);
  if (it == obj.end()) invalid(where + "." + key + " is missing");
  return *it;
}

void only_keys(const json& obj, std::initializer_list<const char*> keys, const std::string& where) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (const char* k : keys) known = known || it.key() == k;
    if (!known) invalid(where + " has an unknown field \"" + it.key() + "\"");
  }
}

uint64_t unsigned_of(const json& v, const std::string& what) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer() && v.get<int64_t>() >= 0)
    return static_cast<uint64_t>(v.get<int64_t>());
  invalid(what + " is " + (v.is_number() ? v.dump() : std::string("a ") + v.type_name()) +
          ", not a non-negative integer");
}

// Entry i of the array `what` as unsigned_of, naming it only when it fails (a state has
// millions of entries).
uint64_t unsigned_at(const json& array, size_t i, const std::string& what) {
  const json& v = array[i];
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  return unsigned_of(v, what + "[" + str(i) + "]");
}

// The array `what` with exactly n entries (n is computed from the state's counts, so a claimed
// count is only trusted once the file really holds that many values).
const json& array_of(const json& v, uint64_t n, const std::string& what,
                     const std::string& expected) {
  if (!v.is_array()) invalid(what + " is a " + std::string(v.type_name()) + ", not an array");
  if (v.size() != n)
    invalid(what + " has " + str(v.size()) + " entries, expected " + expected + " = " + str(n));
  return v;
}

std::vector<double> doubles_of(const json& v, const std::string& what) {
  std::vector<double> out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_number()) invalid(what + "[" + str(i) + "] is a " + v[i].type_name());
    out.push_back(v[i].get<double>());
  }
  return out;
}

// Values that would make the reduction of a resumed run fail: a divergence code other than
// 0, 1, 2, or split moments of a live chain that the convergence analysis throws on (it needs
// finite moments with m2 >= 0 for every half of n >= 2 draws). Sizes must already be
// consistent.
void check_state_values(const EnsembleState& s, const std::string& where) {
  for (uint64_t i = 0; i < s.chains; ++i) {
    const ChainCounters& c = s.counters[i];
    if (c.diverged > 2)
      invalid(where + ".counters: chain " + str(i) + " has diverged = " + str(c.diverged) +
              ", allowed 0, 1 or 2");
    if (c.diverged) continue;
    for (int k = 0; k < s.observed; ++k) {
      const double* w = s.moments.data() + (i * s.observed + k) * EnsembleState::kMomentWords;
      for (int h = 0; h < 2; ++h) {
        const double n = w[h], mean = w[2 + h], m2 = w[4 + h];
        const bool ok = std::isfinite(n) && n >= 0 &&
                        (n < 2 || (std::isfinite(mean) && std::isfinite(m2) && m2 >= 0));
        if (!ok)
          invalid(where + ".moments: chain " + str(i) + ", coordinate " + str(k) + ", half " +
                  str(h) + " has n = " + str(n) + ", mean = " + str(mean) + ", m2 = " + str(m2) +
                  " (a chain not diverged needs finite n >= 0, and finite moments with m2 >= 0 "
                  "when n >= 2)");
      }
    }
  }
}

// Structure-only pass over the CBOR payload that stops at kMaxDepth.
class DepthLimit : public nlohmann::json_sax<json> {
 public:
  bool too_deep = false;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return enter(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return leave(); }
  bool start_array(std::size_t) override { return enter(); }
  bool end_array() override { return leave(); }
  bool parse_error(std::size_t, const std::string&, const json::exception&) override {
    return false;
  }

 private:
  int depth_ = 0;
  bool enter() {
    too_deep = ++depth_ > kMaxDepth;
    return !too_deep;
  }
  bool leave() {
    --depth_;
    return true;
  }
};

// Whether the state differs from an empty EnsembleState (one that a run would start afresh).
bool has_content(const EnsembleState& s) {
  return s.initialised() || s.chains || s.dim || s.observed || s.next_step || !s.counters.empty() ||
         !s.moments.empty() || !s.pooled.empty();
}

// Every size of `s` against the state allocate_state makes for `spec` (for the chains
// [first, first + count) of its ensemble), then its values.
void check_state_fits(const EnsembleState& s, const RunSpec& spec, bool finished,
                      const std::string& where, parallel::Range range) {
  const uint64_t dim = static_cast<uint64_t>(model_dimension(spec.model));
  const uint64_t observed = spec.observe.size();
  if (s.first_chain != range.first || s.chains != range.count)
    invalid(where + " holds chains [" + str(s.first_chain) + ", " + str(s.first_chain + s.chains) +
            "), expected [" + str(range.first) + ", " + str(range.first + range.count) +
            ") of the run's " + str(spec.chains));
  if (s.dim < 0 || static_cast<uint64_t>(s.dim) != dim)
    invalid(where + ".dim = " + str(s.dim) + ", the model has " + str(dim));
  if (s.observed < 0 || static_cast<uint64_t>(s.observed) != observed)
    invalid(where + ".observed = " + str(s.observed) + ", the run observes " + str(observed));
  // chains < 2^32 (case files), dim and observed are small: none of these overflows.
  const uint64_t chains = s.chains;
  const auto sized = [&](size_t have, uint64_t want, const char* what, const char* expected) {
    if (have != want)
      invalid(where + "." + what + " has " + str(have) + " entries, expected " + expected + " = " +
              str(want));
  };
  sized(s.x.size(), chains * dim, "x", "chains × dim");
  sized(s.counters.size(), chains, "counters", "chains");
  sized(s.moments.size(), chains * observed * EnsembleState::kMomentWords, "moments",
        "chains × observed × 6");
  sized(s.pooled.size(), observed, "pooled", "observed");
  for (size_t k = 0; k < observed; ++k)
    sized(s.pooled[k].size(), static_cast<uint64_t>(spec.observe[k].bins) + 2,
          ("pooled[" + str(k) + "]").c_str(), "bins + 2");
  const uint64_t steps = spec.schedule.steps;
  if (finished ? s.next_step != steps : s.next_step > steps)
    invalid(where + ".next_step = " + str(s.next_step) + ", the sampler runs " + str(steps) +
            " steps" + (finished ? " and this one is finished" : ""));
  check_state_values(s, where);
}

// The "parts" member: a manifest's {ranks, generation, finished, current_step} or a part's
// {ranks, generation, rank}.
CheckpointParts parts_from_json(const json& j) {
  const std::string where = "checkpoint.parts";
  if (!j.is_object()) invalid(where + " is a " + std::string(j.type_name()) + ", not an object");
  only_keys(j, {"ranks", "generation", "rank", "finished", "current_step"}, where);
  CheckpointParts p;
  p.ranks = unsigned_of(member(j, "ranks", where), where + ".ranks");
  if (p.ranks < 1 || p.ranks > kMaxRanks)
    invalid(where + ".ranks = " + str(p.ranks) + ": must be in [1, " + str(kMaxRanks) + "]");
  p.generation = unsigned_of(member(j, "generation", where), where + ".generation");
  if (j.contains("rank")) {
    if (j.contains("finished") || j.contains("current_step"))
      invalid(where + " has both a part's field (rank) and a manifest's (finished, current_step)");
    const uint64_t rank = unsigned_of(j["rank"], where + ".rank");
    if (rank >= p.ranks)
      invalid(where + ".rank = " + str(rank) + ": must be below ranks = " + str(p.ranks));
    p.rank = static_cast<int64_t>(rank);
    return p;
  }
  p.finished = unsigned_of(member(j, "finished", where), where + ".finished");
  const json& step = member(j, "current_step", where);
  p.has_current = !step.is_null();
  if (p.has_current) p.current_step = unsigned_of(step, where + ".current_step");
  return p;
}

// Every state of `ck` against the samplers of case `c` (the finished ones, then the one in
// progress if any), each holding the range of chains of rank `rank` of `ranks`.
void check_states_fit(const Checkpoint& ck, const CaseSpec& c, uint64_t rank, uint64_t ranks) {
  for (size_t i = 0; i < ck.finished.size(); ++i) {
    const SamplerRole& role = c.samplers[i];
    check_state_fits(ck.finished[i], role.spec, true,
                     "finished[" + str(i) + "] (" + c.name + "/" + role.role + ")",
                     parallel::range_of(role.spec.chains, rank, ranks));
  }
  if (has_content(ck.current)) {
    const SamplerRole& now = c.samplers[ck.finished.size()];
    check_state_fits(ck.current, now.spec, false, "current (" + c.name + "/" + now.role + ")",
                     parallel::range_of(now.spec.chains, rank, ranks));
  }
}

}  // namespace

nlohmann::json state_to_json(const EnsembleState& s) {
  std::vector<uint32_t> counters;
  counters.reserve(3 * s.counters.size());
  for (const auto& c : s.counters) {
    counters.push_back(c.rejected);
    counters.push_back(c.failed);
    counters.push_back(c.diverged);
  }
  return {{"chains", s.chains},     {"first_chain", s.first_chain}, {"dim", s.dim},
          {"observed", s.observed}, {"next_step", s.next_step},     {"x", s.x},
          {"counters", counters},   {"moments", s.moments},         {"pooled", s.pooled}};
}

EnsembleState state_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) invalid(where + " is a " + std::string(j.type_name()) + ", not an object");
  only_keys(j,
            {"chains", "first_chain", "dim", "observed", "next_step", "x", "counters", "moments",
             "pooled"},
            where);
  EnsembleState s;
  s.chains = unsigned_of(member(j, "chains", where), where + ".chains");
  if (j.contains("first_chain"))
    s.first_chain = unsigned_of(j["first_chain"], where + ".first_chain");
  if (s.first_chain > kMaxChains || s.chains > kMaxChains - s.first_chain)
    invalid(where + " holds chains [" + str(s.first_chain) + ", " + str(s.first_chain) + " + " +
            str(s.chains) + "): chain indices must be < 2^32");
  const uint64_t dim = unsigned_of(member(j, "dim", where), where + ".dim");
  const uint64_t observed = unsigned_of(member(j, "observed", where), where + ".observed");
  s.next_step = unsigned_of(member(j, "next_step", where), where + ".next_step");
  if (s.chains < 1) invalid(where + ".chains = 0: a state holds at least one chain");
  if (dim < 1 || dim > kMaxDim)
    invalid(where + ".dim = " + str(dim) + ": must be in [1, " + str(kMaxDim) + "]");
  if (observed > static_cast<uint64_t>(kMaxObserved))
    invalid(where + ".observed = " + str(observed) + ": at most " + str(kMaxObserved));
  s.dim = static_cast<int>(dim);
  s.observed = static_cast<int>(observed);

  // Array sizes from the counts, checked against the arrays the file really holds before any
  // vector is sized: a huge claimed count is refused here, without allocating.
  uint64_t nx = 0, nc = 0, nm = 0;
  if (!product(s.chains, dim, nx) || !product(s.chains, 3, nc) ||
      !product(s.chains, observed * EnsembleState::kMomentWords, nm))
    invalid(where + ".chains = " + str(s.chains) + " is too large for a state of dimension " +
            str(dim));
  s.x = doubles_of(array_of(member(j, "x", where), nx, where + ".x", "chains × dim"), where + ".x");
  const json& counters =
      array_of(member(j, "counters", where), nc, where + ".counters", "3 × chains");
  s.counters.resize(s.chains);
  for (uint64_t i = 0; i < s.chains; ++i) {
    uint32_t v[3];
    for (int f = 0; f < 3; ++f) {
      const uint64_t u = unsigned_at(counters, 3 * i + f, where + ".counters");
      if (u > std::numeric_limits<uint32_t>::max())
        invalid(where + ".counters[" + str(3 * i + f) + "] = " + str(u) + " > 2^32 - 1");
      v[f] = static_cast<uint32_t>(u);
    }
    s.counters[i] = ChainCounters{v[0], v[1], v[2]};
  }
  s.moments = doubles_of(
      array_of(member(j, "moments", where), nm, where + ".moments", "chains × observed × 6"),
      where + ".moments");
  const json& pooled =
      array_of(member(j, "pooled", where), observed, where + ".pooled", "observed");
  s.pooled.resize(observed);
  for (uint64_t k = 0; k < observed; ++k) {
    const std::string what = where + ".pooled[" + str(k) + "]";
    const json& p = pooled[k];
    if (!p.is_array() || p.size() < 3) invalid(what + " is not an array of bins + 2 >= 3 counts");
    s.pooled[k].reserve(p.size());
    for (size_t b = 0; b < p.size(); ++b) s.pooled[k].push_back(unsigned_at(p, b, what));
  }
  check_state_values(s, where);
  return s;
}

uint64_t fnv1a64(const std::string& bytes, size_t count) {
  // FNV-1a: h <- (h xor byte) · P mod 2^64. For a fixed byte each step is a bijection of h (xor
  // is invertible and P is odd, so invertible mod 2^64), and for a fixed h different bytes give
  // different h xor byte, hence different products. So changing any one byte changes h right
  // there, every later step maps the two different states to two different states, and the
  // final checksum differs: every single-byte change (every flipped bit included) of the
  // covered bytes is detected with certainty; a change of the stored checksum is detected
  // because it no longer equals the recomputed one. Damage to several bytes goes unnoticed
  // only by a 2^-64 coincidence (not cryptographic: it guards against accidents, not forgery;
  // check_checkpoint_matches guards against what a forged file could hold).
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < count; ++i) {
    h ^= static_cast<uint8_t>(bytes[i]);
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string seal_checkpoint(const std::string& payload) {
  std::string out = payload;
  out.reserve(payload.size() + kTrailer);
  append_le64(out, payload.size());
  append_le64(out, fnv1a64(out, out.size()));  // covers the payload and its length
  return out;
}

std::string checkpoint_payload(const Checkpoint& c) {
  json j = {{"magic", kMagic},
            {"fingerprint", c.fingerprint},
            {"completed_cases", c.completed_cases},
            {"case_index", c.case_index},
            {"finished", json::array()}};
  for (const auto& s : c.finished) j["finished"].push_back(state_to_json(s));
  if (c.current.initialised()) j["current"] = state_to_json(c.current);
  const CheckpointParts& p = c.parts;
  if (p.is_part())
    j["parts"] = {{"ranks", p.ranks}, {"generation", p.generation}, {"rank", p.rank}};
  else if (p.is_manifest())
    j["parts"] = {{"ranks", p.ranks},
                  {"generation", p.generation},
                  {"finished", p.finished},
                  {"current_step", p.has_current ? json(p.current_step) : json(nullptr)}};
  std::string out;
  json::to_cbor(j, out);
  return out;
}

void save_checkpoint(const std::string& path, const Checkpoint& c) {
  write_file_atomically(path, seal_checkpoint(checkpoint_payload(c)));
}

Checkpoint parse_checkpoint_bytes(const std::string& bytes, const std::string& path) {
  const size_t size = bytes.size();
  const bool sealed = size >= kTrailer && fnv1a64(bytes, size - 8) == read_le64(bytes, size - 8);
  if (!sealed) {
    const std::string old_tail(kOldMagicTail, sizeof kOldMagicTail - 1);
    if (size >= old_tail.size() &&
        bytes.compare(size - old_tail.size(), old_tail.size(), old_tail) == 0)
      bad_input("--resume", path,
                "is an orbitmc.checkpoint/1 file (written by an older orbitmc, without a "
                "checksum) and cannot be resumed: start the run again");
    if (size < kTrailer)
      bad_input("--resume", path,
                "is corrupt (truncated): " + str(size) + " bytes, shorter than the " +
                    str(kTrailer) + "-byte trailer of an orbitmc checkpoint");
    bad_input("--resume", path,
              "is corrupt (checksum mismatch): the file stores " +
                  hex64(read_le64(bytes, size - 8)) + ", its first " + str(size - 8) +
                  " bytes give " + hex64(fnv1a64(bytes, size - 8)) +
                  "; it was damaged, or is not an orbitmc checkpoint");
  }
  const uint64_t length = read_le64(bytes, size - kTrailer);
  if (length != size - kTrailer)
    bad_input("--resume", path,
              "is corrupt (length mismatch): its trailer gives " + str(length) +
                  " payload bytes, the file holds " + str(size - kTrailer));

  const auto* first = reinterpret_cast<const uint8_t*>(bytes.data());
  const auto* last = first + length;
  json j;
  try {
    DepthLimit depth;
    json::sax_parse(first, last, &depth, json::input_format_t::cbor, true);
    if (depth.too_deep)
      bad_input("--resume", path,
                "is not a readable orbitmc checkpoint: its CBOR nests deeper than " +
                    str(kMaxDepth) + " levels");
    // Malformed CBOR fails here at the same place, within the depth the pass above checked.
    j = json::from_cbor(first, last);
  } catch (const nlohmann::json::exception& e) {
    bad_input("--resume", path, std::string("is not a readable orbitmc checkpoint: ") + e.what());
  }
  if (!j.is_object() || !j.contains("magic") || j["magic"] != kMagic)
    bad_input("--resume", path, std::string("is not an orbitmc checkpoint of format ") + kMagic);

  Checkpoint c;
  try {
    only_keys(
        j,
        {"magic", "fingerprint", "completed_cases", "case_index", "finished", "current", "parts"},
        "checkpoint");
    const json& fingerprint = member(j, "fingerprint", "checkpoint");
    if (!fingerprint.is_string()) invalid("checkpoint.fingerprint is not a string");
    c.fingerprint = fingerprint.get<std::string>();
    c.completed_cases = member(j, "completed_cases", "checkpoint");
    if (!c.completed_cases.is_array()) invalid("checkpoint.completed_cases is not an array");
    const uint64_t case_index =
        unsigned_of(member(j, "case_index", "checkpoint"), "checkpoint.case_index");
    if (case_index > std::numeric_limits<size_t>::max())
      invalid("checkpoint.case_index = " + str(case_index) + " is out of range");
    c.case_index = static_cast<size_t>(case_index);
    const json& finished = member(j, "finished", "checkpoint");
    if (!finished.is_array()) invalid("checkpoint.finished is not an array");
    for (size_t i = 0; i < finished.size(); ++i)
      c.finished.push_back(state_from_json(finished[i], "finished[" + str(i) + "]"));
    if (j.contains("current")) c.current = state_from_json(j["current"], "current");
    if (j.contains("parts")) c.parts = parts_from_json(j["parts"]);
  } catch (const nlohmann::json::exception& e) {
    bad_input("--resume", path, std::string("is not a valid orbitmc checkpoint: ") + e.what());
  } catch (const InputError& e) {
    bad_input("--resume", path, std::string("is not a valid orbitmc checkpoint: ") + e.what());
  }
  return c;
}

Checkpoint load_checkpoint(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) bad_input("--resume", path, "cannot be opened for reading (no such file)");
  if (fs::is_directory(st)) bad_input("--resume", path, "is a folder, not a checkpoint file");
  // A FIFO or device would be read without end (/dev/zero) or block; a checkpoint is a file.
  if (!fs::is_regular_file(st)) bad_input("--resume", path, "is not a regular file");
  std::ifstream in(path, std::ios::binary);
  const uintmax_t size = fs::file_size(path, ec);
  if (!in || ec) bad_input("--resume", path, "cannot be opened for reading");
  // The parsed document takes some 30 times the file's bytes: refuse what cannot be loaded
  // here rather than die of bad_alloc (a huge or sparse file is never a real checkpoint).
  const uint64_t memory = physical_memory_bytes();
  if (memory > 0 && size > memory / 32)
    bad_input("--resume", path,
              "is " + std::to_string(size >> 20) + " MiB: loading it needs about 30 times that, " +
                  "more than the memory available here");
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<uintmax_t>(in.gcount()) != size)
    bad_input("--resume", path, "could not be read completely");
  return parse_checkpoint_bytes(bytes, path);
}

void check_checkpoint_matches(const Checkpoint& ck, const std::vector<CaseSpec>& cases,
                              const std::string& path) {
  try {
    if (ck.case_index >= cases.size())
      invalid("case_index = " + str(ck.case_index) + ", the run has " + str(cases.size()) +
              " case(s)");
    const json& done = ck.completed_cases;
    if (!done.is_array() || done.size() != ck.case_index)
      invalid("completed_cases holds " + (done.is_array() ? str(done.size()) : "no") +
              " entries, expected case_index = " + str(ck.case_index));
    for (size_t i = 0; i < done.size(); ++i) {
      // The suite reads "pass" of each entry and renders the rest as report rows of case i.
      const json& e = done[i];
      const auto name = e.is_object() ? e.find("name") : e.end();
      const auto pass = e.is_object() ? e.find("pass") : e.end();
      if (!e.is_object() || name == e.end() || *name != cases[i].name || pass == e.end() ||
          !pass->is_boolean())
        invalid("completed_cases[" + str(i) + "] is not the report entry of case " + cases[i].name);
    }
    const CaseSpec& c = cases[ck.case_index];
    const CheckpointParts& p = ck.parts;
    if (p.is_part())
      invalid("it is part " + str(p.rank) + " of a checkpoint written by " + str(p.ranks) +
              " ranks: resume from the checkpoint's own path (its manifest)");
    // run_case post-processes sampler i < finished.size() and continues sampler
    // finished.size() from `current`; a checkpoint is written while a sampler runs, so at
    // least one sampler of the case is not finished.
    const uint64_t finished = p.is_manifest() ? p.finished : ck.finished.size();
    if (finished >= c.samplers.size())
      invalid("finished holds " + str(finished) + " sampler states, case " + c.name + " has " +
              str(c.samplers.size()) + " samplers (at most " + str(c.samplers.size() - 1) +
              " finished)");
    const SamplerRole& now = c.samplers[finished];
    if (p.is_manifest()) {
      // The states are in the parts (check_part_matches); a manifest only announces them.
      if (!ck.finished.empty() || has_content(ck.current))
        invalid("a manifest (parts.ranks = " + str(p.ranks) + ") holds no states");
      for (const auto& s : c.samplers)
        if (p.ranks > s.spec.chains)
          invalid("parts.ranks = " + str(p.ranks) + " is more than the " + str(s.spec.chains) +
                  " chains of " + c.name + "/" + s.role);
      if (p.has_current && p.current_step > now.spec.schedule.steps)
        invalid("parts.current_step = " + str(p.current_step) + ", " + c.name + "/" + now.role +
                " runs " + str(now.spec.schedule.steps) + " steps");
      return;
    }
    check_states_fit(ck, c, 0, 1);  // a whole checkpoint: every chain, as rank 0 of 1
  } catch (const InputError& e) {
    bad_input("--resume", path, std::string("does not fit this run: ") + e.what());
  }
}

void check_part_matches(const Checkpoint& part, const Checkpoint& manifest, const CaseSpec& c,
                        uint64_t rank, const std::string& path) {
  try {
    const CheckpointParts& m = manifest.parts;
    const CheckpointParts& p = part.parts;
    if (!p.is_part() || p.ranks != m.ranks || p.generation != m.generation ||
        p.rank != static_cast<int64_t>(rank))
      invalid("it is not part " + str(rank) + " of generation " + str(m.generation) + " over " +
              str(m.ranks) + " ranks (the manifest's)");
    if (part.fingerprint != manifest.fingerprint || part.case_index != manifest.case_index)
      invalid("it belongs to another run or case than its manifest");
    if (!part.completed_cases.is_array() || !part.completed_cases.empty())
      invalid("a part holds no completed cases (the manifest does)");
    if (part.finished.size() != m.finished)
      invalid("it holds " + str(part.finished.size()) + " finished states, the manifest " +
              str(m.finished));
    if (has_content(part.current) != m.has_current)
      invalid(std::string("it ") + (m.has_current ? "lacks" : "holds") +
              " a state in progress, the manifest " + (m.has_current ? "announces one" : "none"));
    if (m.has_current && part.current.next_step != m.current_step)
      invalid("current.next_step = " + str(part.current.next_step) + ", the manifest's " +
              str(m.current_step));
    check_states_fit(part, c, rank, m.ranks);
  } catch (const InputError& e) {
    bad_input("--resume", path, std::string("does not fit its manifest or this run: ") + e.what());
  }
}

}  // namespace orbitmc
