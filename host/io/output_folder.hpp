// The places a run writes to, checked before any sampling: the output folder (created,
// writable, locked against a second run, cleared of a previous run's verdict) and the
// checkpoint file (its folder writable). No written path may be an input or another written
// path, and nothing outside --out is written or removed through a symlink inside it. A run that
// cannot keep its results is refused up front with exit 2 instead of failing after the work, and
// refusals come before anything is created.
#pragma once

#include <string>
#include <vector>

namespace orbitmc {

// A file or folder a run reads or writes, with the flag (or case-file field) that named it.
struct NamedPath {
  std::string flag, path;
};

// Everything a run will write and read, for check_output_plan.
struct OutputPlan {
  std::string out_dir;                   // --out
  std::vector<std::string> out_files;    // files it writes in out_dir (relative: "report.json")
  std::vector<std::string> out_folders;  // folders it writes and clears in out_dir ("report")
  std::vector<NamedPath> other_files;    // files it writes elsewhere (--checkpoint)
  std::vector<NamedPath> inputs;         // files it reads: none may be replaced by an output
  std::string resumed;   // the checkpoint resumed, which its own rewrite may replace
  NamedPath not_inside;  // a folder --out may not lie in (validate's cases folder)
};

// Checks that write nothing, so that every refusal comes before any work and leaves an earlier
// run's results as they were. Throws InputError naming the flag and path when: --out is empty or
// an existing non-folder, or lies in plan.not_inside; an out folder is a symlink or not a folder
// (what is written or removed there would land outside --out); a written file exists and is not
// a regular file (a FIFO, a device, a folder) or cannot be replaced (immutable, append-only);
// a written file is an input (the resumed checkpoint rewritten in place excepted), another
// written file, --out itself or one of its folders.
void check_output_plan(const OutputPlan& plan);

// The output folder of one run, held exclusively (flock on the folder itself, so nothing extra
// is written) until the object is destroyed. A second run on the same folder is refused.
class OutputFolder {
 public:
  // Creates `dir` if needed; throws InputError naming --out when it cannot hold the report
  // (`report_file`) or is locked by another run. Removes stale temporaries of dead runs (of the
  // report, and in `cleared` folders) and the previous run's render.log and
  // PAGE_FOLDER/index.html, so no stale verdict sits beside the new report. Call after
  // check_output_plan, which refuses symlinked folders.
  explicit OutputFolder(const std::string& dir, const std::string& report_file = "report.json",
                        const std::string& page_folder = "report",
                        const std::vector<std::string>& cleared = {});
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

 private:
  int fd_ = -1;
};

// Creates the checkpoint's folder and checks that its temporaries can be created there (the
// same name pattern as write_file_atomically: a name too long or a read-only folder shows
// now); removes stale temporaries of dead runs beside it. Throws InputError naming `flag`.
void prepare_checkpoint_location(const std::string& flag, const std::string& path);

}  // namespace orbitmc
