// Chain states live in memory for a whole case (every sampler's final state is kept for the
// tests and checkpoints, while the studies run): what a case needs at its peak, per MPI rank,
// checked against the memory available before the case starts.
#pragma once

#include <cstdint>
#include <vector>

#include "backend/backend.hpp"
#include "cases/case_file.hpp"

namespace orbitmc {

// Every run a case makes: its samplers, then the stiffness and balance studies (the ambient
// sampler with the studies' chain counts).
std::vector<RunSpec> case_runs(const CaseSpec& c);

// Host bytes a case needs at its peak: the samplers' states, which are held to the end, plus
// twice the largest run (its state and its working copies: device staging, final
// coordinates), plus, when checkpointing, the serialised copies (about four times the states).
uint64_t case_host_bytes(const CaseSpec& c, bool checkpointing);

// The case as one of `ranks` MPI ranks runs it: every chain count divided among the ranks
// (rounded up: the largest rank's share).
CaseSpec rank_share(CaseSpec c, uint64_t ranks);
// Host bytes one rank of `ranks` needs at its peak: case_host_bytes of its share, plus (with
// several ranks) the balance study's gather of one number and a flag per chain of the study
// (run/run_engine.hpp: final_imbalance). With one rank: case_host_bytes.
uint64_t rank_host_bytes(const CaseSpec& c, bool checkpointing, uint64_t ranks);

// Throws InputError ("chains = N: … need X GiB, more than the Y GiB … available") when one rank
// of `ranks` needs more than its part of `available` bytes of host memory (0: no limit known),
// shared by the `ranks_here` ranks of this node, or when its share of a run does not fit the
// backend's own memory (Backend::check_fits).
void check_case_fits(const CaseSpec& c, bool checkpointing, uint64_t available,
                     const Backend& backend, uint64_t ranks = 1, uint64_t ranks_here = 1);

}  // namespace orbitmc
