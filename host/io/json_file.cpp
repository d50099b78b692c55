// Size-limited reads and strict JSON parsing of user files.
#include "io/json_file.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "input_error.hpp"

namespace orbitmc {
namespace {
constexpr int kMaxJsonDepth = 32;
}  // namespace

std::string read_small_file(const std::string& path, const std::string& what, uint64_t max_bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec))
    bad_input(what, path, "is a folder; give a " + what + " (*.json)");
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec))
    bad_input(what, path, "is not a regular file (a device or pipe is never a " + what + ")");
  if (fs::exists(path, ec) && fs::file_size(path, ec) > max_bytes)
    bad_input(what, path,
              "is larger than " + std::to_string(max_bytes >> 20) + " MiB; a " + what +
                  " is a few kilobytes");
  std::ifstream in(path);
  if (!in) bad_input(what, path, "cannot be opened for reading");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json parse_strict(const std::string& text, const std::string& file) {
  using json = nlohmann::json;
  std::vector<std::set<std::string>> keys;  // one set per open object
  auto cb = [&](int depth, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (depth >= kMaxJsonDepth)
          bad_input(file, "(file contents)",
                    "nested deeper than " + std::to_string(kMaxJsonDepth) +
                        " levels; these files are a few levels deep");
        if (event == json::parse_event_t::object_start) keys.emplace_back();
        break;
      case json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        break;
      case json::parse_event_t::key: {
        const std::string& k = parsed.get_ref<const std::string&>();
        if (!keys.empty() && !keys.back().insert(k).second)
          bad_input(file + ": key \"" + k + "\"", "(repeated)",
                    "each key may appear once per object (a repeated key would silently "
                    "override the first)");
        break;
      }
      default:
        break;
    }
    return true;
  };
  try {
    return json::parse(text, cb);
  } catch (const json::out_of_range& e) {
    // JSON has no non-finite numbers: an overflowing literal such as 1e999 lands here.
    bad_input(file, "(file contents)", std::string("numbers must be finite: ") + e.what());
  } catch (const json::exception& e) {
    bad_input(file, "(file contents)", std::string("not valid JSON: ") + e.what());
  }
}

}  // namespace orbitmc
