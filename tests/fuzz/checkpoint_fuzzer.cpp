// libFuzzer target for the checkpoint reader: any input must either parse and fit the run (then
// the states are read as a resumed run reads them) or be refused with an InputError (the CLI's
// exit code 2). Any other exception, crash or sanitizer report is a bug.
//
// The first byte picks what the rest is. Odd: a CBOR payload that the target seals with a
// correct trailer, so that mutations reach the CBOR, type and size checks behind the checksum
// (random bytes would almost never pass it). Even: a whole file, trailer included (checksum,
// length and old-format checks). Seeds: with ORBITMC_FUZZ_WRITE_SEEDS=DIR the target writes
// valid checkpoints of its case in both forms into DIR and exits (scripts/run-tests.sh).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "cases/case_file.hpp"
#include "checkpoint/checkpoint.hpp"
#include "input_error.hpp"
#include "run/run_engine.hpp"

namespace {

// Two samplers, two observed coordinates with different bin counts, three chains: every size
// check has something to get wrong, and each input runs in microseconds.
const char* kCase = R"({
  "name": "fuzz", "kind": "comparison", "reference": "ambient",
  "model": {"name": "relu", "units": 3, "input_dim": 3, "points": 8, "width": 1.5, "ridge": 1.0,
            "data_seed": 7},
  "beta": 1.0, "seed": 3, "chains": 3,
  "observe": [{"coord": 0, "lo": 0.0, "hi": 2.5, "bins": 4}, {"coord": 3, "lo": -3.0, "hi": 3.0, "bins": 3}],
  "samplers": {
    "ambient": {"kind": "ambient_lm", "h": 0.0015, "kappa": 50, "steps": 12, "burn_in": 4, "thin": 2},
    "corrected": {"kind": "constrained_metropolis", "h": 0.15, "c": 1, "steps": 10, "burn_in": 4, "thin": 2}
  }
})";

const std::vector<orbitmc::CaseSpec>& run_cases() {
  static const std::vector<orbitmc::CaseSpec> cases = [] {
    orbitmc::CaseSpec c = orbitmc::parse_case_text(kCase, "fuzz.json");
    orbitmc::apply_overrides(c, orbitmc::CaseOverrides{});
    return std::vector<orbitmc::CaseSpec>{c};
  }();
  return cases;
}

// Reads a state the way the end of a sampler run does (positions and counters of every chain).
void use_state(const orbitmc::RunSpec& spec, const orbitmc::EnsembleState& st) {
  const auto h = orbitmc::final_histograms(spec, st);
  for (size_t k = 0; k < st.pooled.size(); ++k) (void)orbitmc::in_range_bins(st.pooled[k]);
  (void)orbitmc::final_coordinate(spec, st, 0);
  (void)h;
}

void write_seeds(const std::string& dir) {
  const orbitmc::CaseSpec& c = run_cases()[0];
  auto backend = orbitmc::make_cpu_backend();
  orbitmc::EnsembleState ambient;
  backend->advance(c.samplers[0].spec, ambient, c.samplers[0].spec.schedule.steps);
  std::vector<orbitmc::Checkpoint> cks(3);
  for (auto& ck : cks) {
    ck.fingerprint = "fuzz";
    ck.completed_cases = nlohmann::json::array();
  }
  backend->advance(c.samplers[0].spec, cks[0].current, 6);  // first sampler mid-way
  cks[1].finished = {ambient};
  backend->advance(c.samplers[1].spec, cks[1].current, 4);  // second sampler mid-way
  cks[2].finished = {ambient};                              // between the two
  int n = 0;
  for (const auto& ck : cks) {
    const std::string payload = orbitmc::checkpoint_payload(ck);
    std::ofstream(dir + "/seed-" + std::to_string(n++), std::ios::binary) << '\x01' << payload;
    std::ofstream(dir + "/seed-" + std::to_string(n++), std::ios::binary)
        << '\x00' << orbitmc::seal_checkpoint(payload);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("ORBITMC_FUZZ_WRITE_SEEDS")) {
    write_seeds(dir);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string bytes = (data[0] & 1) ? orbitmc::seal_checkpoint(rest) : rest;
  const auto& cases = run_cases();
  try {
    const orbitmc::Checkpoint ck = orbitmc::parse_checkpoint_bytes(bytes, "fuzz.ck");
    orbitmc::check_checkpoint_matches(ck, cases, "fuzz.ck");
    const orbitmc::CaseSpec& c = cases[ck.case_index];
    for (size_t i = 0; i < ck.finished.size(); ++i) use_state(c.samplers[i].spec, ck.finished[i]);
    if (ck.current.initialised()) use_state(c.samplers[ck.finished.size()].spec, ck.current);
  } catch (const orbitmc::InputError&) {
  }
  return 0;
}
