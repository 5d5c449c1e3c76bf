// Thin I/O over a /proc tree (the real one, or a fake one in a temp dir for tests) for owner
// mapping. Every path is opened relative to one directory fd held for the reader's lifetime,
// and every buffer belongs to the caller, so the per-snapshot path allocates nothing once
// warm. Processes come and go while we read: ENOENT/ESRCH is reported as `gone`, never as an
// error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "netsnap/model.h"
#include "netsnap/result.h"

namespace netsnap {

// Owns one file descriptor; closes it on destruction. Move-only.
class ProcPidFd {
 public:
  ProcPidFd() = default;
  explicit ProcPidFd(int fd) : fd_(fd) {}
  ProcPidFd(ProcPidFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ProcPidFd& operator=(ProcPidFd&& other) noexcept;
  ProcPidFd(const ProcPidFd&) = delete;
  ProcPidFd& operator=(const ProcPidFd&) = delete;
  ~ProcPidFd();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

enum class ProcPidStatus : uint8_t {
  ok,
  gone,        // the process (or the fd) no longer exists: normal, not an error
  unreadable,  // it exists but we may not read it (EACCES when not root), or another error
};

// Reads the whole of a (small, /proc-like) file, at most `max_bytes` of it, into `contents`
// (reused). `path` is relative to `dir_fd` (or absolute, or relative to the working directory
// with AT_FDCWD). Returns 0 or the errno of the failure.
int read_proc_file(int dir_fd, const char* path, std::string& contents,
                   size_t max_bytes = 64 * 1024);

// Where the fd count of a process comes from.
enum class ProcFdCountSource : uint8_t {
  dir_size,  // stat("/proc/PID/fd").st_size: Linux >= 6.2, one syscall per process
  listing,   // counting the entries of /proc/PID/fd (older kernels, fake trees)
};

// The target of one /proc/PID/fd/N link.
struct ProcFdTarget {
  ProcPidStatus status = ProcPidStatus::gone;
  uint64_t socket_inode = 0;  // 0 when the fd is not a socket
};

class ProcPidReader {
 public:
  explicit ProcPidReader(std::string root) : root_(std::move(root)) {}

  // Opens the root directory and finds out how fd counts can be had. Idempotent.
  Status open();
  bool is_open() const { return root_fd_.valid(); }
  const std::string& root() const { return root_; }
  ProcFdCountSource fd_count_source() const { return fd_count_source_; }
  // Our own pid when the root is the live procfs (so that /proc/PID is really us), else -1.
  int32_t own_pid() const { return own_pid_; }

  // Every numeric entry of the root, ascending.
  Status list_pids(std::vector<int32_t>& pids);

  // stat() of PID/fd: its st_size is the number of open fds when fd_count_source() is
  // dir_size (meaningless otherwise).
  ProcPidStatus stat_fd_dir(int32_t pid, uint64_t& size);

  // The whole of PID/NAME (at most max_bytes of it) into `contents`.
  ProcPidStatus read_file(int32_t pid, const char* name, std::string& contents,
                          size_t max_bytes = 64 * 1024);

  // PID/fd as a directory fd for list_fds and read_fd.
  ProcPidStatus open_fd_dir(int32_t pid, ProcPidFd& dir);
  // The fd numbers in an open PID/fd, ascending.
  ProcPidStatus list_fds(int fd_dir, std::vector<int32_t>& fds);
  ProcFdTarget read_fd(int fd_dir, int32_t fd);

  // comm, argv0, cmdline, uid and RLIMIT_NOFILE of one process into `info` (pid and
  // fd_count are left alone). Fields that cannot be read are left empty or 0.
  ProcPidStatus read_process_info(int32_t pid, Process& info, size_t max_cmdline_bytes);

 private:
  // Lists the directory `dir_fd` from its start, appending numeric names to `numbers`.
  ProcPidStatus list_numbers(int dir_fd, std::vector<int32_t>& numbers);
  const char* pid_path(int32_t pid, const char* name);

  std::string root_;
  ProcPidFd root_fd_;
  ProcFdCountSource fd_count_source_ = ProcFdCountSource::listing;
  int32_t own_pid_ = -1;
  std::vector<char> dirents_;  // getdents64 buffer
  char path_[64] = {};          // "PID/NAME", relative to root_fd_
  std::string file_;            // scratch for read_process_info
};

}  // namespace netsnap
