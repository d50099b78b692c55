// The places a run writes to, checked before any sampling: the output folder (created,
// writable, locked against a second run, cleared of a previous run's verdict) and the
// checkpoint file (its folder writable). No written path may be a case file or another written
// path. A run that cannot keep its results is refused up front with exit 2 instead of failing
// after the work, and refusals come before anything is created.
#pragma once

#include <string>
#include <vector>

namespace orbitmc {

// Checks that write nothing: --out is named and is not an existing non-folder; the checkpoint
// (flag `ck_flag`, path `ck_path`, empty for none) is not a folder; no file the run writes
// (OUT/report.json, OUT/render.log, OUT/report/index.html, the checkpoint) is one of
// `case_files` or another of them. Throws InputError naming the flag.
void check_output_plan(const std::string& out_dir, const std::string& ck_flag,
                       const std::string& ck_path, const std::vector<std::string>& case_files);

// The output folder of one run, held exclusively (flock on the folder itself, so nothing extra
// is written) until the object is destroyed. A second run on the same folder is refused.
class OutputFolder {
 public:
  // Creates `dir` if needed; throws InputError naming --out when it cannot hold the report
  // (`report_file`) or is locked by another run. Removes stale temporaries of dead runs and the
  // previous run's render.log and PAGE_FOLDER/index.html, so no stale verdict sits beside the
  // new report.
  explicit OutputFolder(const std::string& dir, const std::string& report_file = "report.json",
                        const std::string& page_folder = "report");
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
