// Writes a file atomically (write a temporary beside it, then rename), so a reader or a killed
// run never sees a half-written report or checkpoint.
#pragma once

#include <string>

namespace orbitmc {

// Writes `contents` to a fresh temporary PATH.tmp.PID.XXXXXX created exclusively in PATH's
// folder (a planted file or symlink of that name is never followed), fsyncs it, renames it
// over PATH and fsyncs the folder. The temporary is removed on every failure. Throws
// std::runtime_error naming the path.
void write_file_atomically(const std::string& path, const std::string& contents);

// The mkstemp template of this process's temporaries of PATH: PATH.tmp.PID.XXXXXX.
std::string temporary_name_template(const std::string& path);

// Removes the temporaries of PATH left by processes that no longer run (killed mid-write).
// Temporaries of a live process are left alone: it may be writing them now.
void remove_stale_temporaries(const std::string& path);
// The same for every file of `folder` (not below it) named like a temporary (NAME.tmp.PID.*).
void remove_stale_temporaries_in(const std::string& folder);

// Removes this process's temporaries being written now and makes every later
// write_file_atomically wait forever: the interrupt watcher calls it just before it ends the
// process, so an interrupted run leaves no temporary (a SIGKILL's are removed by the next run).
void abandon_temporaries();

}  // namespace orbitmc
