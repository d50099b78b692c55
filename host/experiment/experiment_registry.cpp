// The experiment catalogue: adding an experiment is its own file and one line here.
#include "experiment/experiment_registry.hpp"

#include "experiment/experiments.hpp"
#include "input_error.hpp"

namespace orbitmc {

const std::vector<ExperimentEntry>& experiment_registry() {
  static const std::vector<ExperimentEntry> entries = {
      {"relu", "shallow ReLU student of a teacher, fresh minibatches (Fig. 2)", relu_defaults,
       make_relu_experiment},
      {"attention", "single-head attention student of a teacher, fresh batches (Fig. 3)",
       attention_defaults, make_attention_experiment},
      {"matcomp", "low-rank matrix completion M = PQ, 20 x 20 (Fig. 4)", matcomp_defaults,
       make_matcomp_experiment},
      {"spectral",
       "sparse cosine spectrum: plain, plain + L1, Hadamard p * q (Fig. 5; depth=L for a "
       "product of L factors)",
       spectral_defaults, make_spectral_experiment},
      {"tv",
       "piecewise-constant signal: plain against cumsum(w1 * w2) (Fig. 6; depth=L for a product "
       "of L factors)",
       tv_defaults, make_tv_experiment},
  };
  return entries;
}

std::string experiment_names() {
  std::string out;
  for (const auto& e : experiment_registry())
    out += (out.empty() ? "" : ", ") + std::string(e.name);
  return out;
}

const ExperimentEntry& find_experiment(const std::string& name, const std::string& where) {
  for (const auto& e : experiment_registry())
    if (name == e.name) return e;
  bad_input(where, name, "allowed: " + experiment_names() + ", or an experiment file FILE.json");
}

std::string experiment_catalogue() {
  std::string out;
  for (const auto& e : experiment_registry())
    out += "  " + std::string(e.name) + ": " + e.help + "\n";
  return out;
}

}  // namespace orbitmc
