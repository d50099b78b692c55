// Reading the small JSON files users hand to orbitmc (case files, experiment files): a size
// limit checked before reading (a folder, a pipe or /dev/zero is refused unread), and a strict
// parse that refuses what nlohmann accepts silently: nesting deeper than 32 levels (a value
// nested 10^5 deep must never reach a recursive dump or destructor), repeated keys (the last
// would silently win) and non-finite numbers.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace orbitmc {

// The contents of `path`; InputError naming `what` and the path otherwise.
std::string read_small_file(const std::string& path, const std::string& what, uint64_t max_bytes);
// Parses `text` (from `file`, named in errors) strictly.
nlohmann::json parse_strict(const std::string& text, const std::string& file);

}  // namespace orbitmc
