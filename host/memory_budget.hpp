// Chain states live in memory for a whole case (every sampler's final state is kept for the
// tests and checkpoints); a run whose states cannot fit is refused before it starts, with an
// error naming the chain count and the limit, instead of failing later with bad_alloc.
#pragma once

#include <cstdint>

#include "case_file.hpp"

namespace orbitmc {

// Host bytes of one sampler's EnsembleState (positions, counters, split moments).
uint64_t host_state_bytes(const RunSpec& spec);

// Host bytes a case needs at its peak: every sampler's state, plus one more for the working
// copies of the running sampler (device staging, final coordinates).
uint64_t case_host_bytes(const CaseSpec& c);

// This machine's physical memory in bytes (0 when unknown).
uint64_t physical_memory_bytes();

// Throws InputError ("chains = N: … need X GiB …, this machine has Y GiB") when
// case_host_bytes(c) exceeds `available` (0: no limit known).
void check_case_fits(const CaseSpec& c, uint64_t available);

}  // namespace orbitmc
