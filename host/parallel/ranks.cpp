// MPI behind parallel/ranks.hpp (ORBITMC_HAVE_MPI), or the one-rank fallback.
#include "parallel/ranks.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "run/ensemble_slices.hpp"

#if ORBITMC_HAVE_MPI
#include <mpi.h>
#endif

namespace orbitmc::parallel {
namespace {
int g_rank = 0, g_size = 1, g_local_rank = 0, g_local_size = 1;
bool g_started = false;

// Set by Open MPI's mpirun, MPICH/Hydra and Slurm's srun: started as one rank of many.
bool launched_by_mpi() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "SLURM_STEP_NUM_TASKS"})
    if (std::getenv(var)) return true;
  return false;
}
}  // namespace

void init(int* argc, char*** argv) {
#if ORBITMC_HAVE_MPI
  if (!launched_by_mpi()) return;
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);  // only the main thread calls MPI
  g_started = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, g_rank, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &g_local_rank);
  MPI_Comm_size(node, &g_local_size);
  MPI_Comm_free(&node);
#else
  (void)argc, (void)argv;
#endif
}

void finalize() {
#if ORBITMC_HAVE_MPI
  if (g_started) MPI_Finalize();
  g_started = false;
#endif
}

int rank() { return g_rank; }
int size() { return g_size; }
int local_rank() { return g_local_rank; }
int local_size() { return g_local_size; }

// The one formula for every rank's range. items < 2^32 (case files and experiments bound the
// chains and seeds) and ranks < 2^31, so the products do not overflow.
Range range_of(uint64_t items, uint64_t rank, uint64_t ranks) {
  const uint64_t first = items * rank / ranks, last = items * (rank + 1) / ranks;
  return Range{first, last - first};
}

namespace {
Range range_of_rank(uint64_t items, int r) {
  return range_of(items, static_cast<uint64_t>(r), static_cast<uint64_t>(g_size));
}
}  // namespace

Range range_of(uint64_t items) { return range_of_rank(items, g_rank); }

void barrier() {
#if ORBITMC_HAVE_MPI
  if (g_started && g_size > 1) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

#if ORBITMC_HAVE_MPI
namespace {
// Every rank's block of `words_per_item` × its item count, concatenated in rank order.
template <class T>
std::vector<T> allgather_blocks(const std::vector<T>& mine, uint64_t items, uint64_t words_per_item,
                                MPI_Datatype type) {
  if (g_size == 1) return mine;
  std::vector<int> counts(g_size), displs(g_size);
  uint64_t at = 0;
  for (int r = 0; r < g_size; ++r) {
    const uint64_t words = range_of_rank(items, r).count * words_per_item;
    if (words > 0x7fffffffull || at > 0x7fffffffull)
      throw std::runtime_error("allgather: more than 2^31 words per rank (use more ranks)");
    counts[r] = static_cast<int>(words);
    displs[r] = static_cast<int>(at);
    at += words;
  }
  std::vector<T> all(at);
  MPI_Allgatherv(mine.data(), counts[g_rank], type, all.data(), counts.data(), displs.data(), type,
                 MPI_COMM_WORLD);
  return all;
}
}  // namespace

std::vector<float> allgather(const std::vector<float>& mine, uint64_t items, uint64_t words) {
  return allgather_blocks(mine, items, words, MPI_FLOAT);
}
std::vector<double> allgather(const std::vector<double>& mine, uint64_t items, uint64_t words) {
  return allgather_blocks(mine, items, words, MPI_DOUBLE);
}
std::vector<ChainCounters> allgather(const std::vector<ChainCounters>& mine, uint64_t items) {
  static_assert(sizeof(ChainCounters) == 3 * sizeof(uint32_t), "counters are three words");
  std::vector<uint32_t> words(mine.size() * 3);
  for (size_t i = 0; i < mine.size(); ++i) {
    words[3 * i] = mine[i].rejected;
    words[3 * i + 1] = mine[i].failed;
    words[3 * i + 2] = mine[i].diverged;
  }
  words = allgather_blocks(words, items, 3, MPI_UINT32_T);
  std::vector<ChainCounters> all(words.size() / 3);
  for (size_t i = 0; i < all.size(); ++i)
    all[i] = ChainCounters{words[3 * i], words[3 * i + 1], words[3 * i + 2]};
  return all;
}
#else
std::vector<float> allgather(const std::vector<float>& mine, uint64_t, uint64_t) { return mine; }
std::vector<double> allgather(const std::vector<double>& mine, uint64_t, uint64_t) { return mine; }
std::vector<ChainCounters> allgather(const std::vector<ChainCounters>& mine, uint64_t) {
  return mine;
}
#endif

#if ORBITMC_HAVE_MPI
namespace {
// MPI counts are ints: a longer vector is a defect of the caller, not something to truncate.
void check_count(size_t n) {
  if (n > 0x7fffffffu) throw std::runtime_error("MPI reduction of more than 2^31 - 1 words");
}

// Element-wise `op` over every rank's v, in place on every rank.
template <class T>
void all_reduce(std::vector<T>& v, MPI_Datatype type, MPI_Op op) {
  check_count(v.size());
  if (g_size > 1)
    MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), type, op, MPI_COMM_WORLD);
}
}  // namespace
void sum_all(std::vector<uint64_t>& v) { all_reduce(v, MPI_UINT64_T, MPI_SUM); }
void sum_all(std::vector<int64_t>& v) { all_reduce(v, MPI_INT64_T, MPI_SUM); }
void max_all(std::vector<double>& v) { all_reduce(v, MPI_DOUBLE, MPI_MAX); }
uint64_t max_all(uint64_t v) {
  std::vector<uint64_t> one{v};
  all_reduce(one, MPI_UINT64_T, MPI_MAX);
  return one[0];
}
#else
void sum_all(std::vector<uint64_t>&) {}
void sum_all(std::vector<int64_t>&) {}
uint64_t max_all(uint64_t v) { return v; }
void max_all(std::vector<double>&) {}
#endif

void keep_own_range(EnsembleState& st) {
  if (g_size == 1 || st.first_chain != 0) return;
  const Range mine = range_of(st.chains);
  st = slice_state(st, mine.first, mine.count, g_rank == 0);
}

void abort_all(const std::string& message, int code) {
  std::fprintf(stderr, "%s", message.c_str());
  std::fflush(stderr);
#if ORBITMC_HAVE_MPI
  if (g_started && g_size > 1) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::exit(code);
}

}  // namespace orbitmc::parallel
