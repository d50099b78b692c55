// The experiments `orbitmc experiment NAME` knows, one registration line each in
// experiment_registry.cpp: name, one-line help, default settings (THEORY §8), and the factory.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "experiment/experiment.hpp"
#include "experiment/experiment_settings.hpp"

namespace orbitmc {

struct ExperimentEntry {
  const char* name;
  const char* help;
  nlohmann::json (*defaults)();
  std::unique_ptr<Experiment> (*make)(const Settings&);
};

const std::vector<ExperimentEntry>& experiment_registry();
// The entry called `name`, or an InputError naming `where` and the known names.
const ExperimentEntry& find_experiment(const std::string& name, const std::string& where);
// Every experiment's name, comma-separated.
std::string experiment_names();
// "name: help" lines for --help.
std::string experiment_catalogue();

}  // namespace orbitmc
