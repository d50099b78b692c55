// Memory a validation case needs at its peak (its samplers' states and its studies), against
// the memory available to each rank and the backend's own.
#include "cases/case_memory.hpp"

#include <algorithm>
#include <cstdio>

#include "input_error.hpp"
#include "run/memory_budget.hpp"

namespace orbitmc {

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
