// Defaults and factories of the experiments, each defined in its own file under experiments/.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "experiment/experiment.hpp"
#include "experiment/experiment_settings.hpp"

namespace orbitmc {

nlohmann::json relu_defaults();
std::unique_ptr<Experiment> make_relu_experiment(const Settings& s);
nlohmann::json attention_defaults();
std::unique_ptr<Experiment> make_attention_experiment(const Settings& s);
nlohmann::json matcomp_defaults();
std::unique_ptr<Experiment> make_matcomp_experiment(const Settings& s);
nlohmann::json spectral_defaults();
std::unique_ptr<Experiment> make_spectral_experiment(const Settings& s);
nlohmann::json tv_defaults();
std::unique_ptr<Experiment> make_tv_experiment(const Settings& s);

}  // namespace orbitmc
