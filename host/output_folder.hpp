// The places a run writes to, checked before any sampling: the output folder (created,
// writable, locked against a second run) and the checkpoint file (its folder writable, not a
// case file). A run that cannot keep its results is refused up front with exit 2 instead of
// failing after the work.
#pragma once

#include <string>
#include <vector>

namespace orbitmc {

// The output folder of one run, held exclusively (flock on the folder itself, so nothing extra
// is written) until the object is destroyed. A second run on the same folder is refused.
class OutputFolder {
 public:
  // Creates `dir` if needed; throws InputError naming --out when it is empty, not a folder, not
  // writable, or locked by another run. Removes stale temporaries of dead runs.
  explicit OutputFolder(const std::string& dir);
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

 private:
  int fd_ = -1;
};

// Throws InputError naming `flag` when a checkpoint cannot be written at `path`: a folder, the
// same file as a case file (it would be overwritten), or in a folder that cannot be created or
// written. Removes stale temporaries of dead runs beside it.
void check_checkpoint_location(const std::string& flag, const std::string& path,
                               const std::vector<std::string>& case_files);

}  // namespace orbitmc
