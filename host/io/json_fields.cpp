// Typed, range-checked reads of the fields of a user's JSON object.
#include "io/json_fields.hpp"

#include "input_error.hpp"

namespace orbitmc {

using nlohmann::json;

// A short description of a JSON value for a message: scalars as written (strings cut to a
// line), containers by their size only. Never dumps a whole value.
std::string brief(const json& v) {
  switch (v.type()) {
    case json::value_t::object:
      return "(an object with " + std::to_string(v.size()) + " keys)";
    case json::value_t::array: {
      bool flat = v.size() <= 8;
      for (const auto& e : v) flat = flat && e.is_primitive();
      return flat ? v.dump() : "(an array of " + std::to_string(v.size()) + " values)";
    }
    case json::value_t::string:
      return "\"" + printable(v.get_ref<const std::string&>(), 80) + "\"";
    default:
      return v.dump();
  }
}

const char* type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

void check_keys(const json& j, const std::string& where, const std::set<std::string>& allowed) {
  if (!j.is_object())
    bad_input(where, brief(j), std::string("must be a JSON object, not ") + type_name(j));
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!allowed.count(it.key())) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      bad_input(where + "." + it.key(), brief(it.value()), "unknown key; allowed: " + list);
    }
  }
}

double get_number(const json& j, const std::string& key, const std::string& where, double dflt) {
  if (!j.contains(key)) return dflt;
  const json& v = j.at(key);
  if (!v.is_number()) bad_input(where + "." + key, brief(v), "must be a number");
  return v.get<double>();
}

uint64_t get_uint(const json& j, const std::string& key, const std::string& where, uint64_t dflt,
                  uint64_t lo, uint64_t hi) {
  if (!j.contains(key)) return dflt;
  const json& v = j.at(key);
  bool ok = false;
  uint64_t n = 0;
  if (v.is_number_unsigned()) {
    n = v.get<uint64_t>();
    ok = true;
  } else if (v.is_number_integer() && v.get<int64_t>() >= 0) {
    n = static_cast<uint64_t>(v.get<int64_t>());
    ok = true;
  }
  if (!ok || n < lo || n > hi)
    bad_input(where + "." + key, brief(v),
              "must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
  return n;
}

uint64_t get_seed(const json& j, const std::string& key, const std::string& where, uint64_t dflt) {
  return get_uint(j, key, where, dflt, 0, UINT64_MAX);
}

int get_size(const json& j, const std::string& key, const std::string& where, int dflt,
             int64_t lo) {
  return static_cast<int>(
      get_uint(j, key, where, static_cast<uint64_t>(dflt), static_cast<uint64_t>(lo), kMaxSize));
}

std::vector<int> get_sizes(const json& j, const std::string& key, const std::string& where,
                           const std::vector<int>& dflt, int64_t lo, size_t min_count,
                           size_t max_count) {
  if (!j.contains(key)) return dflt;
  const json& v = j.at(key);
  if (!v.is_array() || v.size() < min_count || v.size() > max_count)
    bad_input(where + "." + key, brief(v),
              "must be a list of " + std::to_string(min_count) + " to " +
                  std::to_string(max_count) + " sizes");
  std::vector<int> out;
  for (size_t k = 0; k < v.size(); ++k) {
    const std::string name = key + "[" + std::to_string(k) + "]";
    out.push_back(get_size(json{{name, v[k]}}, name, where, 0, lo));
  }
  return out;
}

std::string get_string(const json& j, const std::string& key, const std::string& where,
                       const std::string& dflt) {
  if (!j.contains(key)) return dflt;
  const json& v = j.at(key);
  if (!v.is_string()) bad_input(where + "." + key, brief(v), "must be a string");
  return v.get<std::string>();
}

}  // namespace orbitmc
