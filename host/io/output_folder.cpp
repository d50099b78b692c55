// Output locations checked and claimed before a run starts.
#include "io/output_folder.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "input_error.hpp"
#include "io/atomic_file.hpp"

namespace orbitmc {

namespace fs = std::filesystem;

namespace {

// The same path however it is spelled (relative, through symlinks, with ./ or ..).
std::string canonical_form(const std::string& path) {
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? path : p.string();
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec)) return true;
  return canonical_form(a) == canonical_form(b);
}

// Creates and removes a file named like the temporaries of write_file_atomically(target):
// the only reliable test that they can be created (access(2) is fooled by read-only mounts,
// /proc and container permissions, and a long target name makes a too-long temporary name).
void check_can_write(const std::string& flag, const std::string& shown, const std::string& target) {
  std::string probe = temporary_name_template(target);
  const int fd = ::mkostemp(probe.data(), O_CLOEXEC);
  if (fd < 0)
    bad_input(flag, shown,
              "files cannot be created there (" + std::string(std::strerror(errno)) + ")");
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

fs::path folder_of(const std::string& path) {
  const fs::path p(path);
  return p.has_parent_path() ? p.parent_path() : fs::path(".");
}

}  // namespace

void check_output_plan(const std::string& out_dir, const std::string& ck_flag,
                       const std::string& ck_path, const std::vector<std::string>& case_files) {
  std::error_code ec;
  if (out_dir.empty())
    bad_input("--out", "\"\"", "name an output folder (an empty path is the root)");
  if (fs::exists(out_dir, ec) && !fs::is_directory(out_dir, ec))
    bad_input("--out", out_dir, "exists and is not a folder");
  struct Written {
    std::string flag, path;
  };
  const fs::path out(out_dir);
  std::vector<Written> written{{"--out", (out / "report.json").string()},
                               {"--out", (out / "render.log").string()},
                               {"--out", (out / "report" / "index.html").string()}};
  if (!ck_path.empty()) {
    if (fs::is_directory(ck_path, ec)) bad_input(ck_flag, ck_path, "is a folder; name a file");
    const fs::path dir = folder_of(ck_path);
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
      bad_input(ck_flag, ck_path, dir.string() + " exists and is not a folder");
    written.push_back({ck_flag, ck_path});
  }
  for (size_t i = 0; i < written.size(); ++i) {
    const Written& w = written[i];
    for (const auto& f : case_files)
      if (same_file(w.path, f))
        bad_input(w.flag, w.flag == "--out" ? out_dir : w.path,
                  "would overwrite the case file " + f + " with " + w.path);
    for (size_t k = 0; k < i; ++k)
      if (same_file(w.path, written[k].path))
        bad_input(w.flag, w.path, "is " + written[k].path + ", which the run writes too");
  }
}

OutputFolder::OutputFolder(const std::string& dir, const std::string& report_file,
                           const std::string& page_folder) {
  create_folder("--out", dir, dir);
  const fs::path report = fs::path(dir) / report_file;
  check_can_write("--out", dir, report.string());
  fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) bad_input("--out", dir, std::string("cannot be opened: ") + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    bad_input("--out", dir,
              "another orbitmc run is writing to this folder; wait for it or choose another "
              "--out");
  }
  remove_stale_temporaries(report.string());
  // A previous run's page and log would show its verdict beside this run's report.
  std::error_code ec;
  fs::remove(fs::path(dir) / "render.log", ec);
  fs::remove(fs::path(dir) / page_folder / "index.html", ec);
  for (const auto& e : fs::directory_iterator(fs::path(dir) / page_folder, ec))
    if (e.path().filename().string().rfind(".tmp-", 0) == 0)  // the renderer's, cut short
      fs::remove(e.path(), ec);
}

OutputFolder::~OutputFolder() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

void prepare_checkpoint_location(const std::string& flag, const std::string& path) {
  create_folder(flag, path, folder_of(path));
  check_can_write(flag, path, path);
  remove_stale_temporaries(path);
}

}  // namespace orbitmc
