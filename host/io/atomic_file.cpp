// Atomic file replacement: exclusive temporary in the same folder, fsync, rename(2), fsync of
// the folder (so the rename itself survives a power cut).
#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace orbitmc {

namespace fs = std::filesystem;

namespace {

// Temporaries are PATH + kTempInfix + PID + ".XXXXXX"; remove_stale_temporaries reads the PID.
constexpr const char* kTempInfix = ".tmp.";

// This process's temporaries being written (abandon_temporaries removes them). Never
// destroyed: the interrupt watcher may use it while exit() runs static destructors.
struct LiveTemporaries {
  std::mutex mutex;
  std::set<std::string> names;
  bool abandoned = false;
};
LiveTemporaries& live() {
  static LiveTemporaries* t = new LiveTemporaries;
  return *t;
}

// Creates the temporary (mkostemp on `name`) and records it, or waits for the end of the
// process when the watcher has abandoned the temporaries.
int create_temporary(std::vector<char>& name) {
  LiveTemporaries& t = live();
  std::unique_lock<std::mutex> lock(t.mutex);
  while (t.abandoned) {
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::seconds(1));  // the watcher is ending the process
    lock.lock();
  }
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd >= 0) t.names.insert(name.data());
  return fd;
}

void forget_temporary(const std::string& name) {
  LiveTemporaries& t = live();
  const std::lock_guard<std::mutex> lock(t.mutex);
  t.names.erase(name);
}

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
  const int fd = create_temporary(name);
  if (fd < 0) fail("cannot create a temporary file for", path);
  tmp = name.data();
  struct Forget {  // on every way out: renamed, or removed on failure
    const std::string& name;
    ~Forget() { forget_temporary(name); }
  } forget{tmp};
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

namespace {
// The process id in a temporary's name after `prefix` (PREFIX PID . XXXXXX, or the older
// PREFIX PID), or 0 when the rest is not of that form.
long writer_pid(const std::string& name, size_t prefix) {
  const std::string rest = name.substr(prefix);
  char* end = nullptr;
  const long pid = std::strtol(rest.c_str(), &end, 10);
  if (end == rest.c_str() || pid <= 0 || (*end != '\0' && *end != '.')) return 0;
  return pid;
}

bool running(long pid) { return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }
}  // namespace

void remove_stale_temporaries(const std::string& path) {
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const std::string prefix = target.filename().string() + kTempInfix;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const long pid = writer_pid(name, prefix.size());
    if (pid > 0 && !running(pid)) fs::remove(e.path(), ec);
  }
}

void remove_stale_temporaries_in(const std::string& folder) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file(ec)) continue;
    // The infix that a process id follows ("x.tmp.npy" has one that none follows).
    long pid = 0;
    for (size_t at = name.find(kTempInfix); at != std::string::npos && pid == 0;
         at = name.find(kTempInfix, at + 1))
      if (at > 0) pid = writer_pid(name, at + std::strlen(kTempInfix));
    if (pid > 0 && !running(pid)) fs::remove(e.path(), ec);
  }
}

void abandon_temporaries() {
  LiveTemporaries& t = live();
  const std::lock_guard<std::mutex> lock(t.mutex);
  t.abandoned = true;
  for (const auto& name : t.names) ::unlink(name.c_str());
  t.names.clear();
}

}  // namespace orbitmc
