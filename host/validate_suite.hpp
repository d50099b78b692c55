// `orbitmc validate`: runs every case of a folder, prints one table row per case and writes
// report.json (and the HTML report) into the output folder.
#pragma once

#include <string>

#include "case_file.hpp"

namespace orbitmc {

struct SuiteOptions {
  std::string cases_dir;
  std::string single_case;  // when set, run only this case file (`orbitmc run`)
  std::string out_dir = "orbitmc-report";
  std::string backend = "auto";
  CaseOverrides overrides;
  bool progress = true;
  std::string command_line;
};

// Returns the process exit code: 0 all cases pass, 1 some case fails.
int run_validation_suite(const SuiteOptions& opt);

}  // namespace orbitmc
