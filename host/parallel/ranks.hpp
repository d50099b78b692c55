// The processes of a run. Without MPI, or when orbitmc was not started by an MPI
// launcher (mpirun, srun), there is one rank and every function here is trivial. Under MPI each
// rank runs a contiguous range of the chains, keeping their global indices (so every chain
// draws the noise of a one-process run), and keeps them: what the analysis needs is reduced
// over the ranks exactly (integer counts, exact and fixed-point sums: run/run_engine.hpp,
// analysis/correction_scan.hpp) or, one number per chain, gathered in chain order, so every rank
// computes the one-process analysis, bit for bit. Only rank 0 writes results.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ensemble/ensemble_state.hpp"

namespace orbitmc::parallel {

// Starts MPI when launched by an MPI launcher (a no-op otherwise); call first in main().
void init(int* argc, char*** argv);
// Ends MPI (after every rank has finished); safe to call when init() started nothing.
void finalize();

int rank();
int size();
int local_rank();  // rank among the ranks of this node (which GPU to use)
int local_size();  // ranks on this node (how many share its CPU threads)
inline bool root() { return rank() == 0; }

// This rank's contiguous share [first, first + count) of `items` (rank r: items·r/R onwards).
struct Range {
  uint64_t first = 0;
  uint64_t count = 0;
};
Range range_of(uint64_t items);
// The same for rank `rank` of `ranks` (e.g. the ranks of the run that wrote a checkpoint).
Range range_of(uint64_t items, uint64_t rank, uint64_t ranks);

// Returns when every rank has called it (a no-op with one rank).
void barrier();

// Collective, called by every rank before any work: compares this rank's command-line arguments
// (argv without the program's path) with rank 0's. A rank started with another --seed would
// mix its chains into the report, another --seeds would disagree inside a collective. Returns
// "" when every rank has rank 0's arguments; otherwise, on every rank, the same one line (every
// part printable()) naming the first argument that differs: its entry in `names` (the option it
// is or is the value of, one entry per argument), the lowest such rank and both ranks' values.
// With one rank: "".
std::string differing_command(const std::vector<std::string>& args,
                              const std::vector<std::string>& names);

// Every rank's block of `words` per item (rank r holds range_of(items) of them), concatenated
// in item order on every rank. With one rank: `mine`.
std::vector<float> allgather(const std::vector<float>& mine, uint64_t items, uint64_t words);
std::vector<double> allgather(const std::vector<double>& mine, uint64_t items, uint64_t words);
std::vector<ChainCounters> allgather(const std::vector<ChainCounters>& mine, uint64_t items);

// Element-wise sums over every rank, on every rank (integers: exact, in any order). Every rank
// passes the same length. With one rank: unchanged.
void sum_all(std::vector<uint64_t>& v);
void sum_all(std::vector<int64_t>& v);
// The largest of every rank's `v` (element-wise), on every rank.
uint64_t max_all(uint64_t v);
void max_all(std::vector<double>& v);

// Keeps this rank's range of a whole ensemble (a resumed one-process checkpoint),
// the pooled histograms on rank 0 only (so that the reductions count them once). A no-op with
// one rank or a state that is already a range (first_chain > 0).
void keep_own_range(EnsembleState& st);

// Ends every rank at once with `code` after printing `message` (the failing rank's error):
// no rank waits forever for one that stopped.
[[noreturn]] void abort_all(const std::string& message, int code);

}  // namespace orbitmc::parallel
