// The memory budget every command checks before it computes: the host memory this process may
// use (physical memory, a control group's limit, ulimit -v), and what one run's chain states
// hold. A run that cannot fit is refused before it starts, with an error naming the count and
// the limit, instead of failing later with bad_alloc or in cudaMalloc.
#pragma once

#include <cstdint>
#include <string>

#include "backend/backend.hpp"

namespace orbitmc {

// Host bytes of one run's EnsembleState (positions, counters, split moments).
uint64_t host_state_bytes(const RunSpec& spec);

// The memory this process may use, in bytes (0 when unknown): physical memory, or the control
// group's limit where one is set (containers), or what the address-space limit (RLIMIT_AS,
// ulimit -v) leaves beside what is mapped already, whichever is least; ORBITMC_MEMORY_BYTES
// overrides them all.
uint64_t physical_memory_bytes();

// The smaller of `physical` and the control-group limit read from the cgroup v2 file
// (memory.max: a number or "max") or, failing that, the v1 file (memory.limit_in_bytes).
uint64_t cgroup_limited(uint64_t physical, const std::string& v2_file, const std::string& v1_file);

// `available` (0: unknown) lowered to the room an address-space limit leaves: `limit` (0: none)
// less the bytes `used` already.
uint64_t address_space_limited(uint64_t available, uint64_t limit, uint64_t used);

}  // namespace orbitmc
