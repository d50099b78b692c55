// The memory this process may use, and the host memory one run's chain states hold.
#include "run/memory_budget.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "ensemble/ensemble_state.hpp"
#include "input_error.hpp"

namespace orbitmc {

uint64_t host_state_bytes(const RunSpec& spec) {
  // Chain counts are < 2^32 (case_file.cpp, the CLI), so this cannot overflow.
  return spec.chains * (sizeof(double) * state_words_per_chain(spec) + sizeof(ChainCounters));
}

uint64_t cgroup_limited(uint64_t physical, const std::string& v2_file, const std::string& v1_file) {
  for (const auto& f : {v2_file, v1_file}) {
    std::ifstream in(f);
    std::string v;
    if (!(in >> v)) continue;
    if (v == "max") return physical;  // v2: no limit
    const uint64_t limit = std::strtoull(v.c_str(), nullptr, 10);
    // v1 reports "no limit" as a huge number; 0 or garbage is no information.
    if (limit > 0 && (physical == 0 || limit < physical)) return limit;
    return physical;
  }
  return physical;
}

uint64_t address_space_limited(uint64_t available, uint64_t limit, uint64_t used) {
  if (limit == 0) return available;                       // no limit
  const uint64_t room = limit > used ? limit - used : 1;  // 1: known, and nothing fits
  return available == 0 || room < available ? room : available;
}

namespace {
// Bytes of address space this process has mapped now (first field of /proc/self/statm, pages).
uint64_t mapped_bytes() {
  std::ifstream in("/proc/self/statm");
  uint64_t pages = 0;
  if (!(in >> pages)) return 0;
  return pages * static_cast<uint64_t>(::sysconf(_SC_PAGE_SIZE));
}
}  // namespace

uint64_t physical_memory_bytes() {
  if (const char* v = std::getenv("ORBITMC_MEMORY_BYTES")) return std::strtoull(v, nullptr, 10);
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  const uint64_t physical =
      pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : 0;
  const uint64_t in_group = cgroup_limited(physical, "/sys/fs/cgroup/memory.max",
                                           "/sys/fs/cgroup/memory/memory.limit_in_bytes");
  // ulimit -v: every allocation counts against it, whatever memory the machine has.
  struct rlimit as {};
  const bool limited = ::getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY;
  return address_space_limited(in_group, limited ? static_cast<uint64_t>(as.rlim_cur) : 0,
                               mapped_bytes());
}

}  // namespace orbitmc
