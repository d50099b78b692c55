// The settings of one experiment: a flat JSON object of named numbers and words whose defaults
// are the paper's (THEORY §8), each overridable from an experiment file or `--set KEY=VALUE`.
// An override must name a key the experiment has and keep its type (integer, number, word);
// anything else is an InputError naming the key and what is allowed.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace orbitmc {

class Settings {
 public:
  explicit Settings(nlohmann::json defaults) : values_(std::move(defaults)) {}
  // KEY=VALUE from the command line (`where` names the flag in errors). Each KEY may be given
  // once: a second assignment is refused, as a repeated key in a file is, instead of one
  // silently winning. (set() has no such rule: flags and --set override the file's values.)
  void set_text(const std::string& assignment, const std::string& where);
  // One value from a file or a flag; `where` names the field in errors.
  void set(const std::string& key, const nlohmann::json& value, const std::string& where);
  bool has(const std::string& key) const { return values_.contains(key); }
  int64_t integer(const std::string& key) const { return values_.at(key).get<int64_t>(); }
  double number(const std::string& key) const { return values_.at(key).get<double>(); }
  std::string word(const std::string& key) const { return values_.at(key).get<std::string>(); }
  const nlohmann::json& values() const { return values_; }
  // The keys, comma-separated, for error messages and help.
  std::string keys() const;

  // Range checks for the experiments' constructors: InputError "settings.KEY" otherwise.
  int64_t integer_in(const std::string& key, int64_t lo, int64_t hi) const;
  double positive(const std::string& key) const;
  double non_negative(const std::string& key) const;
  double probability(const std::string& key) const;  // in (0, 1]

 private:
  nlohmann::json values_;
  std::map<std::string, std::string> assigned_;  // key → the set_text assignment that set it
};

}  // namespace orbitmc
