// Memory needed by a case's chain states, against the machine's physical memory.
#include "memory_budget.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "ensemble_state.hpp"
#include "input_error.hpp"

namespace orbitmc {

uint64_t host_state_bytes(const RunSpec& spec) {
  const uint64_t per_chain = sizeof(double) * (static_cast<uint64_t>(model_dimension(spec.model)) +
                                               spec.observe.size() * EnsembleState::kMomentWords) +
                             sizeof(ChainCounters);
  return spec.chains * per_chain;
}

uint64_t case_host_bytes(const CaseSpec& c) {
  uint64_t sum = 0, largest = 0;
  for (const auto& r : c.samplers) {
    const uint64_t b = host_state_bytes(r.spec);
    sum += b;
    largest = std::max(largest, b);
  }
  return sum + largest;
}

uint64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : 0;
}

void check_case_fits(const CaseSpec& c, uint64_t available) {
  const uint64_t need = case_host_bytes(c);
  if (available == 0 || need <= available || c.samplers.empty()) return;
  char msg[256];
  std::snprintf(msg, sizeof msg,
                "the chain states of case %s need %.1f GiB, more than this machine's %.1f GiB "
                "of memory (use fewer chains)",
                c.name.c_str(), need / 1073741824.0, available / 1073741824.0);
  bad_input("chains", c.samplers.front().spec.chains, msg);
}

}  // namespace orbitmc
