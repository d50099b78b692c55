// libFuzzer target for the case-file parser: any input must either parse or be rejected with
// an InputError (the CLI's exit code 2). Any other exception, crash or sanitizer report is a
// bug. Seed corpus: validation/*.json.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cases/case_file.hpp"
#include "input_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    orbitmc::CaseSpec c = orbitmc::parse_case_text(text, "fuzz.json");
    orbitmc::apply_overrides(c, orbitmc::CaseOverrides{});
  } catch (const orbitmc::InputError&) {
  }
  return 0;
}
