// MPI behind parallel/ranks.hpp (ORBITMC_HAVE_MPI), or the one-rank fallback.
#include "parallel/ranks.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <type_traits>
#include <vector>

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

Range range_of(uint64_t items) {
  const uint64_t r = static_cast<uint64_t>(g_rank), n = static_cast<uint64_t>(g_size);
  const uint64_t first = items * r / n, last = items * (r + 1) / n;
  return Range{first, last - first};
}

#if ORBITMC_HAVE_MPI
namespace {
// Every rank's block of `words_per_item` × its item count, concatenated in rank order.
template <class T>
std::vector<T> allgather_blocks(const std::vector<T>& mine, uint64_t items, uint64_t words_per_item,
                                MPI_Datatype type) {
  std::vector<int> counts(g_size), displs(g_size);
  uint64_t at = 0;
  for (int r = 0; r < g_size; ++r) {
    const uint64_t first = items * r / g_size, last = items * (r + 1) / g_size;
    const uint64_t words = (last - first) * words_per_item;
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
#endif

void allgather_state(EnsembleState& st) {
#if ORBITMC_HAVE_MPI
  if (g_size == 1) return;
  uint64_t total = st.chains;
  MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
  static_assert(sizeof(ChainCounters) == 3 * sizeof(uint32_t), "counters are three words");
  std::vector<uint32_t> words(st.chains * 3);
  for (uint64_t i = 0; i < st.chains; ++i) {
    words[3 * i] = st.counters[i].rejected;
    words[3 * i + 1] = st.counters[i].failed;
    words[3 * i + 2] = st.counters[i].diverged;
  }
  st.x = allgather_blocks(st.x, total, st.dim, MPI_DOUBLE);
  st.moments = allgather_blocks(st.moments, total,
                                static_cast<uint64_t>(st.observed) * EnsembleState::kMomentWords,
                                MPI_DOUBLE);
  words = allgather_blocks(words, total, 3, MPI_UINT32_T);
  st.counters.resize(total);
  for (uint64_t i = 0; i < total; ++i)
    st.counters[i] = ChainCounters{words[3 * i], words[3 * i + 1], words[3 * i + 2]};
  for (auto& h : st.pooled)
    MPI_Allreduce(MPI_IN_PLACE, h.data(), static_cast<int>(h.size()), MPI_UINT64_T, MPI_SUM,
                  MPI_COMM_WORLD);
  st.chains = total;
  st.first_chain = 0;
#else
  (void)st;
#endif
}

void keep_own_range(EnsembleState& st) {
  if (g_size == 1 || st.first_chain != 0) return;
  const Range mine = range_of(st.chains);
  const uint64_t d = static_cast<uint64_t>(st.dim);
  const uint64_t m = static_cast<uint64_t>(st.observed) * EnsembleState::kMomentWords;
  auto slice = [&](auto& v, uint64_t words) {
    using V = std::decay_t<decltype(v)>;
    v = V(v.begin() + mine.first * words, v.begin() + (mine.first + mine.count) * words);
  };
  slice(st.x, d);
  slice(st.counters, 1);
  slice(st.moments, m);
  if (g_rank != 0)
    for (auto& h : st.pooled) std::fill(h.begin(), h.end(), 0);
  st.chains = mine.count;
  st.first_chain = mine.first;
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
