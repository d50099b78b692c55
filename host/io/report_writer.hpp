// A JSON report rewritten atomically after every unit of work (a validation case, an
// experiment run). Shared with the interrupt watcher, which marks it incomplete: every write
// (report or checkpoint) holds the mutex, so the watcher waits for a write in progress and never
// leaves a temporary behind. IncompleteOnInterrupt is that watcher's action, one for both.
#pragma once

#include <cstdio>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "input_error.hpp"
#include "io/atomic_file.hpp"
#include "io/interrupt.hpp"

namespace orbitmc {

class ReportWriter {
 public:
  ReportWriter(nlohmann::json report, std::string path)
      : report_(std::move(report)), path_(std::move(path)) {}

  // Applies `edit` to the report and writes it.
  template <class F>
  void update(F&& edit) {
    std::lock_guard<std::mutex> lock(mutex_);
    edit(report_);
    write_locked();
  }
  // The last write of an interrupted process: like update, but the mutex stays locked, so no
  // other write (a checkpoint) can start before the watcher exits and be cut short.
  template <class F>
  void final_update(F&& edit) {
    mutex_.lock();
    edit(report_);
    write_locked();
  }
  // Runs `write` (a checkpoint) under the same mutex, with the report as it stands.
  template <class F>
  void exclusive(F&& write) {
    std::lock_guard<std::mutex> lock(mutex_);
    write(static_cast<const nlohmann::json&>(report_));
  }
  // Whether this process writes the report (rank 0), or keeps it in memory.
  bool writes() const { return !path_.empty(); }
  nlohmann::json snapshot() {
    std::lock_guard<std::mutex> lock(mutex_);
    return report_;
  }

 private:
  // An empty path keeps the report in memory (the ranks other than 0 of an MPI run).
  void write_locked() {
    if (!path_.empty()) write_file_atomically(path_, report_.dump(1) + "\n");
  }

  std::mutex mutex_;
  nlohmann::json report_;
  std::string path_;
};

// While it lives, an interrupt marks `report` incomplete: unless "complete" is already true, it
// records the signal's name under "interrupted", applies `also` (a report's own verdict), and
// says on stderr how many of the planned items (report[items] of report[planned]) it holds.
// With `several_ranks` (an MPI run), a signal from the parent is named as the launcher's.
class IncompleteOnInterrupt {
 public:
  IncompleteOnInterrupt(ReportWriter& report, const std::string& shown_path, const char* items,
                        const char* planned, bool several_ranks,
                        std::function<void(nlohmann::json&)> also = {}) {
    set_interrupt_action([&report, shown_path, items, planned, several_ranks, also](int sig) {
      report.final_update([&](nlohmann::json& r) {
        if (r["complete"] == true) return;  // everything is in: only the rendering is cut short
        if (also) also(r);
        // Open MPI's mpirun sends SIGTERM to the ranks for a SIGINT and a SIGTERM alike.
        const bool launcher = several_ranks && interrupt_sent_by_parent();
        r["interrupted"] =
            std::string(interrupt_name(sig)) +
            (launcher ? " (from the MPI launcher: SIGINT or SIGTERM to mpirun)" : "");
        if (!report.writes()) return;  // another rank's copy: rank 0 says what it wrote
        std::fprintf(stderr, "orbitmc: %s holds %zu of %zu %s, marked incomplete\n",
                     printable(shown_path, 4096).c_str(), r[items].size(), r[planned].get<size_t>(),
                     items);
      });
    });
  }
  ~IncompleteOnInterrupt() { set_interrupt_action({}); }
  IncompleteOnInterrupt(const IncompleteOnInterrupt&) = delete;
  IncompleteOnInterrupt& operator=(const IncompleteOnInterrupt&) = delete;
};

}  // namespace orbitmc
