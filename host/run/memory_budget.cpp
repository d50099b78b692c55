// Memory needed by a case's chain states, against the machine's memory.
#include "run/memory_budget.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "input_error.hpp"
#include "run/ensemble_state.hpp"

namespace orbitmc {

uint64_t host_state_bytes(const RunSpec& spec) {
  // Chain counts are < 2^32 (case_file.cpp, the CLI), so this cannot overflow.
  return spec.chains * (sizeof(double) * state_words_per_chain(spec) + sizeof(ChainCounters));
}

std::vector<RunSpec> case_runs(const CaseSpec& c) {
  std::vector<RunSpec> runs;
  for (const auto& r : c.samplers) runs.push_back(r.spec);
  if (!c.samplers.empty()) {
    // The studies re-run the ambient sampler; every sampler of a case has the same model,
    // observations and precision, so any one sizes them.
    RunSpec study = c.samplers.front().spec;
    if (!c.stiffness.kappa.empty()) {
      study.chains = c.stiffness.chains;
      runs.push_back(study);
    }
    if (c.balance.enabled) {
      study.chains = c.balance.chains;
      runs.push_back(study);
    }
  }
  return runs;
}

uint64_t case_host_bytes(const CaseSpec& c, bool checkpointing) {
  uint64_t held = 0, largest = 0;
  for (const auto& r : c.samplers) held += host_state_bytes(r.spec);
  for (const auto& r : case_runs(c)) largest = std::max(largest, host_state_bytes(r));
  return held + 2 * largest + (checkpointing ? 4 * (held + largest) : 0);
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

CaseSpec rank_share(CaseSpec c, uint64_t ranks) {
  const auto share = [&](uint64_t& chains) { chains = (chains + ranks - 1) / ranks; };
  for (auto& r : c.samplers) share(r.spec.chains);
  share(c.stiffness.chains);
  share(c.balance.chains);
  return c;
}

uint64_t rank_host_bytes(const CaseSpec& c, bool checkpointing, uint64_t ranks) {
  if (ranks <= 1) return case_host_bytes(c, checkpointing);
  // The balance study gathers one number and a flag per chain of the whole study.
  const uint64_t gathered = c.balance.enabled ? c.balance.chains : 0;
  return case_host_bytes(rank_share(c, ranks), checkpointing) + 3 * sizeof(double) * gathered;
}

void check_case_fits(const CaseSpec& c, bool checkpointing, uint64_t available,
                     const Backend& backend, uint64_t ranks, uint64_t ranks_here) {
  if (c.samplers.empty()) return;
  const uint64_t need = rank_host_bytes(c, checkpointing, ranks);
  // The ranks on this node share its memory.
  const uint64_t mine = available / std::max<uint64_t>(1, ranks_here);
  if (available > 0 && need > mine) {
    char msg[320];
    if (ranks <= 1)
      std::snprintf(msg, sizeof msg,
                    "the chain states of case %s need %.1f GiB, more than the %.1f GiB of memory "
                    "available here (use fewer chains)",
                    c.name.c_str(), need / 1073741824.0, mine / 1073741824.0);
    else
      std::snprintf(msg, sizeof msg,
                    "the chain states of case %s need %.1f GiB per rank over %llu ranks, more "
                    "than the %.1f GiB of memory available to each of the %llu ranks on this "
                    "node (use fewer chains, or more nodes)",
                    c.name.c_str(), need / 1073741824.0, static_cast<unsigned long long>(ranks),
                    mine / 1073741824.0, static_cast<unsigned long long>(ranks_here));
    bad_input("chains", c.samplers.front().spec.chains, msg);
  }
  for (const auto& r : case_runs(rank_share(c, ranks))) backend.check_fits(r);
}

}  // namespace orbitmc
