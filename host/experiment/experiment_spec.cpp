// Noise-model names and experiment files.
#include "experiment/experiment_spec.hpp"

#include <algorithm>
#include <set>

#include "experiment/experiment_registry.hpp"
#include "input_error.hpp"
#include "io/json_file.hpp"

namespace orbitmc {

const char* noise_name(NoiseModel n) {
  switch (n) {
    case NoiseModel::kSgd:
      return "sgd";
    case NoiseModel::kGd:
      return "gd";
    case NoiseModel::kLangevin:
      return "langevin";
  }
  return "?";
}

std::vector<NoiseModel> parse_noise_list(const std::string& text, const std::string& where) {
  std::vector<NoiseModel> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    NoiseModel n;
    if (item == "sgd")
      n = NoiseModel::kSgd;
    else if (item == "gd")
      n = NoiseModel::kGd;
    else if (item == "langevin")
      n = NoiseModel::kLangevin;
    else
      bad_input(where, item, "allowed: sgd, gd, langevin, comma-separated (e.g. sgd,gd,langevin)");
    for (NoiseModel m : out)
      if (m == n) bad_input(where, item, "each noise model may appear once");
    out.push_back(n);
    start = comma + 1;
  }
  return out;
}

void read_experiment_file(const std::string& path, ExperimentSpec& spec) {
  parse_experiment_text(read_small_file(path, "experiment file", 1 << 20), path, spec);
}

void parse_experiment_text(const std::string& text, const std::string& path, ExperimentSpec& spec) {
  const nlohmann::json j = parse_strict(text, path);
  if (!j.is_object()) bad_input(path, j.type_name(), "must be a JSON object");
  static const std::set<std::string> keys = {"experiment",  "settings", "seeds", "seed",
                                             "seed_offset", "noise",    "beta"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!keys.count(it.key()))
      bad_input(path + ": key", it.key(),
                "allowed: experiment, settings, seeds, seed, seed_offset, noise, beta");
  if (!j.contains("experiment") || !j["experiment"].is_string())
    bad_input(path + ".experiment", "(missing)",
              "name the experiment (" + experiment_names() + ")");
  const ExperimentEntry& e =
      find_experiment(j["experiment"].get<std::string>(), path + ".experiment");
  spec.name = e.name;
  spec.settings = Settings(e.defaults());
  if (j.contains("settings")) {
    const auto& s = j["settings"];
    if (!s.is_object()) bad_input(path + ".settings", s.type_name(), "must be a JSON object");
    for (auto it = s.begin(); it != s.end(); ++it)
      spec.settings.set(it.key(), it.value(), path + ".settings." + it.key());
  }
  auto count = [&](const char* key, uint64_t lo, uint64_t hi) -> uint64_t {
    const auto& v = j[key];
    if (!v.is_number_unsigned() || v.get<uint64_t>() < lo || v.get<uint64_t>() > hi)
      bad_input(path + "." + key, v.dump(),
                "must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
    return v.get<uint64_t>();
  };
  if (j.contains("seeds")) spec.seeds = count("seeds", 1, uint64_t{1} << 24);
  if (j.contains("seed")) spec.seed = count("seed", 1, UINT64_MAX);
  if (j.contains("seed_offset"))
    spec.seed_offset = static_cast<uint32_t>(count("seed_offset", 0, 0xffffffffu));
  if (j.contains("noise")) {
    if (!j["noise"].is_string())
      bad_input(path + ".noise", j["noise"].dump(), "a text such as \"sgd,gd\"");
    spec.noises = parse_noise_list(j["noise"].get<std::string>(), path + ".noise");
  }
  if (j.contains("beta")) {
    if (!j["beta"].is_number() || !(j["beta"].get<double>() > 0))
      bad_input(path + ".beta", j["beta"].dump(), "must be a number > 0");
    spec.beta = j["beta"].get<double>();
  }
}

}  // namespace orbitmc
