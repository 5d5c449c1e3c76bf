#include "output_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace netsnap {

std::optional<pid_t> flock_holder(std::string_view proc_locks, dev_t dev, ino_t ino) {
  std::istringstream lines{std::string(proc_locks)};
  std::string line;
  while (std::getline(lines, line)) {
    // "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"; device numbers in hex.
    if (line.find("->") != std::string::npos) continue;
    char kind[16] = {}, mode[16] = {}, access[16] = {};
    long pid = 0;
    unsigned major_no = 0, minor_no = 0;
    unsigned long long inode = 0;
    if (std::sscanf(line.c_str(), "%*d: %15s %15s %15s %ld %x:%x:%llu", kind, mode, access, &pid,
                    &major_no, &minor_no, &inode) != 7)
      continue;
    if (std::strcmp(kind, "FLOCK") != 0) continue;
    if (makedev(major_no, minor_no) == dev && inode == ino) return static_cast<pid_t>(pid);
  }
  return std::nullopt;
}

Result<OutputLock> OutputLock::acquire(const std::string& path) {
  struct stat st {};
  const bool directory = ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  int fd = directory ? ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                     : ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
  if (fd < 0) return Error{path + ": cannot open to lock: " + std::strerror(errno)};
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return OutputLock(fd);
  const int why = errno;
  if (why != EWOULDBLOCK) {
    ::close(fd);
    return Error{path + ": cannot lock: " + std::strerror(why)};
  }
  std::string holder = "another process";
  if (fstat(fd, &st) == 0) {
    std::ifstream locks("/proc/locks");
    std::stringstream text;
    text << locks.rdbuf();
    if (auto pid = flock_holder(text.str(), st.st_dev, st.st_ino))
      holder = "process " + std::to_string(*pid);
  }
  ::close(fd);
  return Error{path + ": already being recorded by " + holder +
               " (one recorder per output; stop it or choose another output)"};
}

OutputLock::OutputLock(OutputLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

OutputLock& OutputLock::operator=(OutputLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

OutputLock::~OutputLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace netsnap
