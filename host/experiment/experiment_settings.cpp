// Typed overrides of an experiment's settings, with errors that name the key.
#include "experiment/experiment_settings.hpp"

#include <cerrno>
#include <cmath>
#include <cstdint>
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
  const auto first = assigned_.emplace(key, assignment);
  if (!first.second)
    bad_input(where, assignment,
              "sets '" + key + "' a second time (first " + where + " " + first.first->second +
                  "): give each setting once");
  const nlohmann::json& def = values_[key];
  if (def.is_string()) return set(key, text, where + " " + key);
  char* end = nullptr;
  errno = 0;
  if (def.is_number_integer()) {
    const long long v = std::strtoll(text.c_str(), &end, 10);
    const bool whole = !text.empty() && *end == '\0';
    if (whole && errno == ERANGE && v > 0 && text.find('-') == std::string::npos) {
      // 2^63 and above: held unsigned, as nlohmann holds them from a file, so that the
      // setting's range check quotes the value as written (int64 would wrap it negative).
      errno = 0;
      const unsigned long long u = std::strtoull(text.c_str(), &end, 10);
      if (errno != ERANGE)
        return set(key, nlohmann::json(static_cast<uint64_t>(u)), where + " " + key);
    }
    if (!whole) bad_input(where + " " + key, text, "must be an integer");
    if (errno == ERANGE)
      bad_input(where + " " + key, text,
                "must be an integer in -9223372036854775808..18446744073709551615 (64 bits)");
    return set(key, nlohmann::json(static_cast<int64_t>(v)), where + " " + key);
  }
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || std::isnan(v))
    bad_input(where + " " + key, text, "must be a finite number");
  // strtod flags ERANGE on overflow (v = ±inf) and on underflow. A subnormal such as 1e-320 is
  // kept: a double holds it, an experiment file gives the same value, and the setting's own
  // range check (> 0, >= 0, ...) decides whether it makes sense. What rounds to ±inf or to 0
  // is not the number written, so it is refused with the range a double holds.
  if (std::isinf(v) || (errno == ERANGE && v == 0))
    bad_input(where + " " + key, text,
              "is beyond what a double holds: give a finite number of magnitude 0 or in "
              "[4.9e-324, 1.8e308]");
  set(key, nlohmann::json(v), where + " " + key);
}

int64_t Settings::integer_in(const std::string& key, int64_t lo, int64_t hi) const {
  const nlohmann::json& raw = values_.at(key);
  // An integer >= 2^63 (from a file or --set) is held unsigned and lies above every hi;
  // quoted as written, not as the negative number integer() would wrap it to.
  if (raw.is_number_unsigned() && raw.get<uint64_t>() > uint64_t{INT64_MAX})
    bad_input("settings." + key, raw.get<uint64_t>(),
              "must be in " + std::to_string(lo) + ".." + std::to_string(hi));
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
