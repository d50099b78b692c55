// Output locations checked and claimed before a run starts.
#include "io/output_folder.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>

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

// Whether `path` is `folder` or lies inside it, however either is spelled.
bool is_within(const std::string& path, const std::string& folder) {
  const fs::path p(canonical_form(path)), f(canonical_form(folder));
  auto a = p.begin(), b = f.begin();
  for (; a != p.end() && b != f.end(); ++a, ++b)
    if (*a != *b) return false;
  return b == f.end() || (std::next(b) == f.end() && b->empty());  // "dir/" ends in ""
}

// A file the run will replace (by rename) must be a regular file the rename can replace: a
// FIFO or device would be swapped for a regular file (/dev/null under root), a folder makes the
// rename fail after the work, and so does an immutable or append-only file. Opening it for
// writing, without truncating, tells those apart without changing it.
void check_replaceable(const NamedPath& w) {
  std::error_code ec;
  const fs::file_status st = fs::status(w.path, ec);
  if (!fs::exists(st)) return;
  if (fs::is_directory(st)) bad_input(w.flag, w.path, "is a folder; the run writes a file there");
  if (!fs::is_regular_file(st))
    bad_input(w.flag, w.path,
              "exists and is not a regular file (a FIFO, socket or device); name a file");
  const int fd = ::open(w.path.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0 && (errno == EPERM || errno == EROFS || errno == ETXTBSY))
    bad_input(w.flag, w.path,
              "cannot be replaced (" + std::string(std::strerror(errno)) +
                  ": immutable, append-only or on a read-only file system)");
  if (fd >= 0) ::close(fd);
}

fs::path folder_of(const std::string& path) {
  const fs::path p(path);
  return p.has_parent_path() ? p.parent_path() : fs::path(".");
}

}  // namespace

void check_output_plan(const OutputPlan& plan) {
  std::error_code ec;
  const std::string& out_dir = plan.out_dir;
  if (out_dir.empty())
    bad_input("--out", "\"\"", "name an output folder (an empty path is the root)");
  if (fs::exists(out_dir, ec) && !fs::is_directory(out_dir, ec))
    bad_input("--out", out_dir, "exists and is not a folder");
  if (!plan.not_inside.path.empty() && is_within(out_dir, plan.not_inside.path))
    bad_input("--out", out_dir,
              "lies in the folder of " + plan.not_inside.flag + " (" + plan.not_inside.path +
                  "), whose every .json file is read back as input; choose another folder");
  const fs::path out(out_dir);
  for (const auto& f : plan.out_folders) {
    const fs::path dir = out / f;
    const fs::file_status st = fs::symlink_status(dir, ec);
    if (fs::is_symlink(st))
      bad_input("--out", dir.string(),
                "is a symbolic link: orbitmc writes and removes files in this folder, and must "
                "not reach outside --out; remove the link or choose another --out");
    if (fs::exists(st) && !fs::is_directory(st))
      bad_input("--out", dir.string(), "exists and is not a folder");
  }
  std::vector<NamedPath> written;
  for (const auto& f : plan.out_files) written.push_back({"--out", (out / f).string()});
  for (const auto& w : plan.other_files) written.push_back(w);
  for (size_t i = 0; i < written.size(); ++i) {
    const NamedPath& w = written[i];
    check_replaceable(w);
    if (same_file(w.path, out_dir))
      bad_input(w.flag, w.path, "is the --out folder; name a file beside or outside it");
    for (const auto& f : plan.out_folders)
      if (same_file(w.path, (out / f).string()))
        bad_input(w.flag, w.path, "is a folder the run writes in; name another file");
    for (const auto& in : plan.inputs) {
      // The checkpoint resumed and rewritten in place: each new one supersedes it, by design.
      const bool resumed_in_place = !plan.resumed.empty() && in.path == plan.resumed &&
                                    w.flag != "--out" && same_file(w.path, plan.resumed);
      if (!resumed_in_place && same_file(w.path, in.path))
        bad_input(w.flag, w.flag == "--out" ? out_dir : w.path,
                  "would overwrite " + in.flag + " " + in.path + " with " + w.path +
                      ": no output may replace an input");
    }
    for (size_t k = 0; k < i; ++k)
      if (same_file(w.path, written[k].path))
        bad_input(w.flag, w.path, "is " + written[k].path + ", which the run writes too");
  }
}

OutputFolder::OutputFolder(const std::string& dir, const std::string& report_file,
                           const std::string& page_folder,
                           const std::vector<std::string>& cleared) {
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
  // Files of a killed run's atomic writes there (states/*.npy.tmp.PID.*).
  for (const auto& f : cleared) remove_stale_temporaries_in((fs::path(dir) / f).string());
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
