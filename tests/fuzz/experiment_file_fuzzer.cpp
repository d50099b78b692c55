// libFuzzer target for experiment files: any input must either give an experiment whose every
// setting passed its checks, or be rejected with an InputError (exit 2). Any other exception,
// crash or sanitizer report is a bug. Building the experiment runs every range check and the
// per-seed size checks; a seed's problem is drawn too when it is small, so the generators see
// fuzzed settings. Seed corpus: an experiment file per experiment, written by the fuzzer itself
// (ORBITMC_FUZZ_WRITE_SEEDS=DIR).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "experiment/experiment_registry.hpp"
#include "experiment/experiment_spec.hpp"
#include "input_error.hpp"

namespace {

void write_seeds(const std::string& dir) {
  for (const auto& e : orbitmc::experiment_registry())
    std::ofstream(dir + "/" + e.name + ".json") << nlohmann::json{
        {"experiment", e.name},
        {"settings", e.defaults()},
        {"seeds", 4},
        {"noise", "sgd,gd"},
        {"beta", 100.0}}.dump(1);
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
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    orbitmc::ExperimentSpec spec;
    orbitmc::parse_experiment_text(text, "fuzz.json", spec);
    const auto& entry = orbitmc::find_experiment(spec.name, "experiment");
    const auto ex = entry.make(spec.settings);
    if (ex->problem_words() <= 100000) {
      std::vector<double> p(ex->problem_words());
      orbitmc::SeedDraws d(spec.seed, 0, orbitmc::DrawPurpose::kProblem);
      ex->make_problem(d, p.data());
      for (const auto& v : ex->variants()) {
        std::vector<double> th(v.layout.dim());
        orbitmc::SeedDraws di(spec.seed, 0, orbitmc::DrawPurpose::kInit);
        ex->init(v, di, th.data());
      }
    }
  } catch (const orbitmc::InputError&) {
  }
  return 0;
}
