// Typed overrides of an experiment's settings, with errors that name the key.
#include "experiment/experiment_settings.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "input_error.hpp"

namespace orbitmc {
namespace {

const char* type_name(const nlohmann::json& v) {
  return v.is_number_integer() ? "an integer" : v.is_number() ? "a number" : "a word";
}

}  // namespace

std::string Settings::keys() const {
  std::string out;
  for (auto it = values_.begin(); it != values_.end(); ++it)
    out += (out.empty() ? "" : ", ") + it.key();
  return out;
}

void Settings::set(const std::string& key, const nlohmann::json& value, const std::string& where) {
  if (!values_.contains(key))
    bad_input(where, value.dump(),
              "this experiment has no setting '" + key + "'; its settings: " + keys());
  const nlohmann::json& def = values_[key];
  const bool ok = def.is_number_integer() ? value.is_number_integer()
                  : def.is_number()       ? value.is_number()
                                          : value.is_string();
  if (!ok) bad_input(where, value.dump(), std::string("must be ") + type_name(def));
  if (value.is_number_float() && !std::isfinite(value.get<double>()))
    bad_input(where, value.dump(), "must be finite");
  values_[key] = def.is_number_integer() ? value
                 : def.is_number()       ? nlohmann::json(value.get<double>())
                                         : value;
}

void Settings::set_text(const std::string& assignment, const std::string& where) {
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    bad_input(where, assignment, "KEY=VALUE with KEY one of: " + keys());
  const std::string key = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  if (!values_.contains(key))
    bad_input(where, assignment,
              "this experiment has no setting '" + key + "'; its settings: " + keys());
  const nlohmann::json& def = values_[key];
  if (def.is_string()) return set(key, text, where + " " + key);
  char* end = nullptr;
  errno = 0;
  if (def.is_number_integer()) {
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE)
      bad_input(where + " " + key, text, "must be an integer");
    return set(key, nlohmann::json(static_cast<int64_t>(v)), where + " " + key);
  }
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
    bad_input(where + " " + key, text, "must be a finite number");
  set(key, nlohmann::json(v), where + " " + key);
}

int64_t Settings::integer_in(const std::string& key, int64_t lo, int64_t hi) const {
  const int64_t v = integer(key);
  if (v < lo || v > hi)
    bad_input("settings." + key, v, "must be in " + std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

double Settings::positive(const std::string& key) const {
  const double v = number(key);
  if (!(v > 0)) bad_input("settings." + key, v, "must be > 0");
  return v;
}

double Settings::non_negative(const std::string& key) const {
  const double v = number(key);
  if (!(v >= 0)) bad_input("settings." + key, v, "must be >= 0");
  return v;
}

double Settings::probability(const std::string& key) const {
  const double v = number(key);
  if (!(v > 0 && v <= 1)) bad_input("settings." + key, v, "must be in (0, 1]");
  return v;
}

}  // namespace orbitmc
