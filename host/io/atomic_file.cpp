// Atomic file replacement: exclusive temporary in the same folder, fsync, rename(2), fsync of
// the folder (so the rename itself survives a power cut).
#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace orbitmc {

namespace fs = std::filesystem;

namespace {

// Temporaries are PATH + kTempInfix + PID + ".XXXXXX"; remove_stale_temporaries reads the PID.
constexpr const char* kTempInfix = ".tmp.";

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

void write_all(int fd, const std::string& contents, const std::string& tmp) {
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("cannot write", tmp);
    done += static_cast<size_t>(n);
  }
}

void sync_folder(const fs::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // the data is written and renamed; only durability is at stake
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

std::string temporary_name_template(const std::string& path) {
  return path + kTempInfix + std::to_string(::getpid()) + ".XXXXXX";
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  const fs::path target(path);
  if (target.has_parent_path()) fs::create_directories(target.parent_path());
  // mkstemp opens with O_CREAT | O_EXCL: it never follows or reuses an existing name.
  std::string tmp = temporary_name_template(path);
  std::vector<char> name(tmp.begin(), tmp.end());
  name.push_back('\0');
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) fail("cannot create a temporary file for", path);
  tmp = name.data();
  int error = 0;
  std::string what;
  try {
    write_all(fd, contents, tmp);
  } catch (const std::exception& e) {
    error = errno ? errno : EIO;
    what = e.what();
  }
  ::fchmod(fd, 0644);  // mkstemp makes 0600; reports are for sharing
  if (!error && ::fsync(fd) != 0) {
    error = errno;
    what = "cannot flush " + tmp + ": " + std::strerror(error);
  }
  if (::close(fd) != 0 && !error) {
    error = errno;
    what = "cannot close " + tmp + ": " + std::strerror(error);
  }
  if (error) {
    ::unlink(tmp.c_str());
    throw std::runtime_error(what);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    errno = err;
    fail("cannot rename " + tmp + " to", path);
  }
  sync_folder(target.parent_path());
}

void remove_stale_temporaries(const std::string& path) {
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const std::string prefix = target.filename().string() + kTempInfix;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    // PREFIX PID . XXXXXX (and the older PREFIX PID): the writer's process id.
    const std::string rest = name.substr(prefix.size());
    char* end = nullptr;
    const long pid = std::strtol(rest.c_str(), &end, 10);
    if (end == rest.c_str() || pid <= 0 || (*end != '\0' && *end != '.')) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM) continue;  // still running
    fs::remove(e.path(), ec);
  }
}

}  // namespace orbitmc
