// Reading the fields of a JSON object a user wrote (a case file, a model's parameters): each
// value checked for its type and range, every refusal an InputError that names the field
// ("WHERE.KEY = VALUE: what is allowed") and quotes the value briefly.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace orbitmc {

// The largest model size, histogram size or record count a file may ask for, checked in 64
// bits before any narrowing to int.
constexpr int64_t kMaxSize = 1 << 20;

// A short description of a JSON value for a message: scalars as written (strings cut to a
// line), containers by their size only. Never dumps a whole value.
std::string brief(const nlohmann::json& v);
// "an object", "an array", "a string", "a boolean", "null" or "a number".
const char* type_name(const nlohmann::json& v);
// Refuses a non-object, and any key of `j` not in `allowed` (naming WHERE.KEY and the list).
void check_keys(const nlohmann::json& j, const std::string& where,
                const std::set<std::string>& allowed);

// The value of `key` in `j` (dflt when absent), refused unless of the type and range asked.
double get_number(const nlohmann::json& j, const std::string& key, const std::string& where,
                  double dflt);
// An unsigned integer in [lo, hi], checked in 64 bits (a value >= 2^63 is held unsigned by
// nlohmann, a negative one signed; a fraction or 1e3 is a float and refused).
uint64_t get_uint(const nlohmann::json& j, const std::string& key, const std::string& where,
                  uint64_t dflt, uint64_t lo, uint64_t hi);
uint64_t get_seed(const nlohmann::json& j, const std::string& key, const std::string& where,
                  uint64_t dflt);
// A size (model dimension, coordinate index, bins, records) in [lo, kMaxSize], narrowed to int
// after the check.
int get_size(const nlohmann::json& j, const std::string& key, const std::string& where, int dflt,
             int64_t lo = 0);
std::string get_string(const nlohmann::json& j, const std::string& key, const std::string& where,
                       const std::string& dflt);
// A list of min_count to max_count sizes, each in [lo, kMaxSize] (element k named KEY[k]).
std::vector<int> get_sizes(const nlohmann::json& j, const std::string& key,
                           const std::string& where, const std::vector<int>& dflt, int64_t lo,
                           size_t min_count, size_t max_count);

// The fields of one object, read by their owner (a model reads its own parameters): each read
// names a key the object may hold and records the value it returns, so one function of the
// owner's serves three ends. Over an empty object it gives every default and, through keys(),
// the list of keys (unknown keys are refused before any value is read); over the user's object
// it reads it; over an empty object with the owner's values as defaults, values() is them as
// JSON (for a report).
class JsonFields {
 public:
  // Holds its own copy of j (a model's object: a few keys), so a temporary serves.
  JsonFields(nlohmann::json j, std::string where) : j_(std::move(j)), where_(std::move(where)) {}
  double number(const std::string& key, double dflt) {
    return record(key, get_number(j_, key, where_, dflt));
  }
  // `report` false: the key is allowed and read, but left out of values() (a key that is one of
  // two ways to write the same parameter, of which the report shows the other).
  int size(const std::string& key, int dflt, int64_t lo = 0, bool report = true) {
    return record(key, get_size(j_, key, where_, dflt, lo), report);
  }
  std::vector<int> sizes(const std::string& key, const std::vector<int>& dflt, int64_t lo,
                         size_t min_count, size_t max_count, bool report = true) {
    return record(key, get_sizes(j_, key, where_, dflt, lo, min_count, max_count), report);
  }
  std::string string(const std::string& key, const std::string& dflt) {
    return record(key, get_string(j_, key, where_, dflt));
  }
  // WHERE.KEY, for the owner's own range checks.
  std::string field(const std::string& key) const { return where_ + "." + key; }
  bool has(const std::string& key) const { return j_.contains(key); }
  const std::set<std::string>& keys() const { return keys_; }
  const nlohmann::json& values() const { return values_; }

 private:
  template <class V>
  V record(const std::string& key, V value, bool report = true) {
    keys_.insert(key);
    if (report) values_[key] = value;
    return value;
  }
  nlohmann::json j_;
  std::string where_;
  std::set<std::string> keys_;
  nlohmann::json values_ = nlohmann::json::object();
};

}  // namespace orbitmc
