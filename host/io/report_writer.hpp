// A JSON report rewritten atomically after every unit of work (a validation case, an
// experiment run). Shared with the interrupt watcher, which marks it incomplete: every write
// (report or checkpoint) holds the mutex, so the watcher waits for a write in progress and never
// leaves a temporary behind.
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "io/atomic_file.hpp"

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
  nlohmann::json snapshot() {
    std::lock_guard<std::mutex> lock(mutex_);
    return report_;
  }

 private:
  void write_locked() { write_file_atomically(path_, report_.dump(1) + "\n"); }

  std::mutex mutex_;
  nlohmann::json report_;
  std::string path_;
};

}  // namespace orbitmc
