// CBOR serialisation of checkpoints (doubles are stored exactly).
#include "checkpoint.hpp"

#include <fstream>
#include <iterator>

#include "atomic_file.hpp"
#include "input_error.hpp"

namespace orbitmc {

namespace {
constexpr const char* kMagic = "orbitmc.checkpoint/1";
}

nlohmann::json state_to_json(const EnsembleState& s) {
  std::vector<uint32_t> counters;
  counters.reserve(3 * s.counters.size());
  for (const auto& c : s.counters) {
    counters.push_back(c.rejected);
    counters.push_back(c.failed);
    counters.push_back(c.diverged);
  }
  return {{"chains", s.chains},       {"dim", s.dim},      {"observed", s.observed},
          {"next_step", s.next_step}, {"x", s.x},          {"counters", counters},
          {"moments", s.moments},     {"pooled", s.pooled}};
}

EnsembleState state_from_json(const nlohmann::json& j) {
  EnsembleState s;
  s.chains = j.at("chains").get<uint64_t>();
  s.dim = j.at("dim").get<int>();
  s.observed = j.at("observed").get<int>();
  s.next_step = j.at("next_step").get<uint64_t>();
  s.x = j.at("x").get<std::vector<double>>();
  const auto counters = j.at("counters").get<std::vector<uint32_t>>();
  s.counters.resize(counters.size() / 3);
  for (size_t i = 0; i < s.counters.size(); ++i)
    s.counters[i] = ChainCounters{counters[3 * i], counters[3 * i + 1], counters[3 * i + 2]};
  s.moments = j.at("moments").get<std::vector<double>>();
  s.pooled = j.at("pooled").get<std::vector<std::vector<uint64_t>>>();
  return s;
}

void save_checkpoint(const std::string& path, const Checkpoint& c) {
  nlohmann::json j = {{"magic", kMagic},
                      {"fingerprint", c.fingerprint},
                      {"completed_cases", c.completed_cases},
                      {"case_index", c.case_index},
                      {"finished", nlohmann::json::array()}};
  for (const auto& s : c.finished) j["finished"].push_back(state_to_json(s));
  if (c.current.initialised()) j["current"] = state_to_json(c.current);
  const std::vector<uint8_t> bytes = nlohmann::json::to_cbor(j);
  write_file_atomically(path, std::string(bytes.begin(), bytes.end()));
}

Checkpoint load_checkpoint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) bad_input("--resume", path, "cannot be opened for reading");
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  Checkpoint c;
  try {
    const nlohmann::json j = nlohmann::json::from_cbor(bytes);
    if (j.value("magic", "") != kMagic) bad_input("--resume", path, "is not an orbitmc checkpoint");
    c.fingerprint = j.at("fingerprint").get<std::string>();
    c.completed_cases = j.at("completed_cases");
    c.case_index = j.at("case_index").get<size_t>();
    for (const auto& s : j.at("finished")) c.finished.push_back(state_from_json(s));
    if (j.contains("current")) c.current = state_from_json(j.at("current"));
  } catch (const nlohmann::json::exception& e) {
    bad_input("--resume", path, std::string("is not a readable orbitmc checkpoint: ") + e.what());
  }
  return c;
}

}  // namespace orbitmc
