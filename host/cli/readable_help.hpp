// The help's option types in words a reader parses at a glance: CLI11 prints a uint64_t option
// as "UINT:[1..1099511627776]" and a double as "FLOAT:POSITIVE"; orbitmc prints "N in 1..2^40"
// and "X > 0" (and the choices of a TEXT option alone: "{cpu,cuda,auto}").
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <utility>

namespace orbitmc {

// A range bound as a reader knows it: 2^k or 2^k-1 from 2^16 up, decimal below.
inline std::string readable_bound(uint64_t v) {
  for (int k = 16; k < 64; ++k)
    if (v == (uint64_t{1} << k)) return "2^" + std::to_string(k);
  for (int k = 16; k <= 64; ++k)
    if (v == (k == 64 ? ~uint64_t{0} : (uint64_t{1} << k) - 1))
      return "2^" + std::to_string(k) + "-1";
  return std::to_string(v);
}

class ReadableHelp : public CLI::Formatter {
 public:
  std::string make_option_opts(const CLI::Option* opt) const override {
    if (!opt->get_option_text().empty() || opt->get_type_size() == 0)
      return CLI::Formatter::make_option_opts(opt);
    std::string out;
    if (!opt->get_type_name().empty()) out += " " + readable_type(opt->get_type_name());
    if (!opt->get_default_str().empty()) out += " (default " + opt->get_default_str() + ")";
    if (opt->get_expected_max() == CLI::detail::expected_max_vector_size) out += " ...";
    if (opt->get_required()) out += " REQUIRED";
    for (const CLI::Option* other : opt->get_excludes())
      out += " (not with " + other->get_name() + ")";
    return out;
  }

  // "UINT:[1..2^40]" → "N in 1..2^40", "FLOAT:POSITIVE" → "X > 0", "TEXT:{a,b}" → "{a,b}".
  static std::string readable_type(std::string s) {
    // Longest first: "UINT:" also ends in "INT:".
    const std::pair<const char*, const char*> words[] = {
        {"UINT:[", "N in "},   {"INT:[", "N in "}, {"FLOAT:POSITIVE", "X > 0"},
        {"FLOAT:FINITE", "X"}, {"TEXT:{", "{"},    {"UINT", "N"},
        {"FLOAT", "X"}};
    for (const auto& [from, to] : words) {
      const size_t at = s.find(from);
      if (at == std::string::npos) continue;
      s.replace(at, std::string(from).size(), to);
      if (std::string(to) == "N in ") {  // the range's closing bracket
        const size_t close = s.find(']', at);
        if (close != std::string::npos) s.erase(close, 1);
      }
      break;
    }
    return s;
  }
};

}  // namespace orbitmc
