// MPI behind parallel/ranks.hpp (ORBITMC_HAVE_MPI), or the one-rank fallback.
#include "parallel/ranks.hpp"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "ensemble/ensemble_slices.hpp"
#include "input_error.hpp"

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
// Strings as one buffer, each its length (8 bytes) then its bytes: any byte may be in an
// argument, so no separator would do.
std::string pack(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::string buf;
  for (const auto* v : {&a, &b}) {
    const uint64_t n = v->size();
    buf.append(reinterpret_cast<const char*>(&n), sizeof n);
    for (const std::string& s : *v) {
      const uint64_t len = s.size();
      buf.append(reinterpret_cast<const char*>(&len), sizeof len);
      buf += s;
    }
  }
  return buf;
}

void unpack(const std::string& buf, std::vector<std::string>& a, std::vector<std::string>& b) {
  size_t at = 0;
  const auto word = [&] {
    uint64_t n = 0;
    if (buf.size() - at < sizeof n) throw std::runtime_error("differing_command: short buffer");
    std::copy_n(buf.data() + at, sizeof n, reinterpret_cast<char*>(&n));
    at += sizeof n;
    return n;
  };
  for (auto* v : {&a, &b}) {
    v->resize(word());
    for (std::string& s : *v) {
      const uint64_t len = word();
      if (buf.size() - at < len) throw std::runtime_error("differing_command: short buffer");
      s.assign(buf, at, len);
      at += len;
    }
  }
}

// The first index at which `mine` differs from `root` (one being shorter counts), or INT_MAX.
int first_difference(const std::vector<std::string>& mine, const std::vector<std::string>& root) {
  const size_t n = std::min(mine.size(), root.size());
  for (size_t i = 0; i < n; ++i)
    if (mine[i] != root[i]) return static_cast<int>(i);
  return mine.size() == root.size() ? INT_MAX : static_cast<int>(n);
}

// Argument i and its neighbours of the same name ("--seed 5", not "5"), quoted; or, past the
// end, that there is none.
std::string quote(const std::vector<std::string>& args, const std::vector<std::string>& names,
                  size_t i) {
  if (i >= args.size()) return "nothing in its place";
  size_t first = i, last = i;
  while (first > 0 && names[first - 1] == names[i]) --first;
  while (last + 1 < args.size() && names[last + 1] == names[i]) ++last;
  std::string s;
  for (size_t k = first; k <= last; ++k) s += (k > first ? " " : "") + args[k];
  return "\"" + printable(s) + "\"";
}

// The message of rank `r` (these arguments) against rank 0's, both possibly ending before i.
std::string difference_message(const std::vector<std::string>& args,
                               const std::vector<std::string>& names,
                               const std::vector<std::string>& root_args,
                               const std::vector<std::string>& root_names, size_t i, int r) {
  const bool mine = i < args.size();
  const std::string& field = mine ? names[i] : root_names[i];
  // An option that differs is named once ("--seeds: ..."), a value after its option's name.
  std::string head = printable(field, 400);
  if (!mine)
    head += " = (nothing)";
  else if (args[i] != field)
    head += " = " + printable(args[i]);
  return head + ": rank " + std::to_string(r) + " was started with " + quote(args, names, i) +
         ", rank 0 with " + quote(root_args, root_names, i) +
         ": every rank must run the same command";
}

// Rank `from`'s `s` on every rank: its length first, so that the others can size their buffer.
void broadcast(std::string& s, int from) {
  uint64_t n = s.size();
  MPI_Bcast(&n, 1, MPI_UINT64_T, from, MPI_COMM_WORLD);
  // The same n on every rank: every rank throws, or none does.
  if (n > 0x7fffffffull) throw std::runtime_error("broadcast of more than 2^31 - 1 bytes");
  s.resize(n);
  MPI_Bcast(s.data(), static_cast<int>(n), MPI_CHAR, from, MPI_COMM_WORLD);
}
}  // namespace

std::string differing_command(const std::vector<std::string>& args,
                              const std::vector<std::string>& names) {
  if (names.size() != args.size())
    throw std::invalid_argument("differing_command: one name per argument");
  if (!g_started || g_size == 1) return "";
  std::string buf = g_rank == 0 ? pack(args, names) : std::string();
  broadcast(buf, 0);
  std::vector<std::string> root_args, root_names;
  unpack(buf, root_args, root_names);
  // The lowest differing index, and of the ranks that differ there the lowest: every rank
  // learns whether the command failed, and which rank writes the message.
  struct {
    int index, rank;
  } first{first_difference(args, root_args), g_rank}, lowest{};
  MPI_Allreduce(&first, &lowest, 1, MPI_2INT, MPI_MINLOC, MPI_COMM_WORLD);
  if (lowest.index == INT_MAX) return "";
  std::string message = g_rank == lowest.rank
                            ? difference_message(args, names, root_args, root_names,
                                                 static_cast<size_t>(lowest.index), g_rank)
                            : std::string();
  broadcast(message, lowest.rank);
  return message;
}
#else
std::string differing_command(const std::vector<std::string>&, const std::vector<std::string>&) {
  return "";
}
#endif

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
