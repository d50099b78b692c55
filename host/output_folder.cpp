// Output locations checked and claimed before a run starts.
#include "output_folder.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "atomic_file.hpp"
#include "input_error.hpp"

namespace orbitmc {

namespace fs = std::filesystem;

namespace {

// Creates and removes a probe file: the only reliable test that files can be created here
// (access(2) is fooled by read-only mounts, /proc and container permissions).
void check_can_create_files(const std::string& flag, const std::string& shown,
                            const fs::path& dir) {
  std::string probe = (dir / ".orbitmc-probe.XXXXXX").string();
  const int fd = ::mkostemp(probe.data(), O_CLOEXEC);
  if (fd < 0)
    bad_input(
        flag, shown,
        std::string("files cannot be created in ") + dir.string() + ": " + std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
}

void create_folder(const std::string& flag, const std::string& shown, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    bad_input(flag, shown,
              "cannot be used as a folder (" + (ec ? ec.message() : "not a folder") + ")");
}

}  // namespace

OutputFolder::OutputFolder(const std::string& dir) {
  if (dir.empty()) bad_input("--out", "\"\"", "name an output folder (an empty path is the root)");
  create_folder("--out", dir, dir);
  check_can_create_files("--out", dir, dir);
  fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) bad_input("--out", dir, std::string("cannot be opened: ") + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    bad_input("--out", dir,
              "another orbitmc run is writing to this folder; wait for it or choose another "
              "--out");
  }
  remove_stale_temporaries((fs::path(dir) / "report.json").string());
}

OutputFolder::~OutputFolder() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

void check_checkpoint_location(const std::string& flag, const std::string& path,
                               const std::vector<std::string>& case_files) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) bad_input(flag, path, "is a folder; name a file");
  for (const auto& f : case_files)
    if (fs::exists(path, ec) && fs::equivalent(path, f, ec))
      bad_input(flag, path, "is the case file " + f + "; a checkpoint would overwrite it");
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  create_folder(flag, path, dir);
  check_can_create_files(flag, path, dir);
  remove_stale_temporaries(path);
}

}  // namespace orbitmc
