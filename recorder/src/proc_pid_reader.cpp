#include "proc_pid_reader.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "proc_pid_parsers.h"

namespace netsnap {
namespace {

ProcPidStatus status_of_errno(int error) {
  // ESRCH: the task died between lookup and read.
  return error == ENOENT || error == ESRCH ? ProcPidStatus::gone : ProcPidStatus::unreadable;
}

void strip_trailing_newline(std::string& text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
}

}  // namespace

int read_proc_file(int dir_fd, const char* path, std::string& contents, size_t max_bytes) {
  contents.clear();
  ProcPidFd file(::openat(dir_fd, path, O_RDONLY | O_CLOEXEC));
  if (!file.valid()) return errno;
  size_t used = 0;
  contents.resize(std::min(max_bytes, std::max<size_t>(contents.capacity(), 4096)));
  while (used < max_bytes) {
    if (used == contents.size()) contents.resize(std::min(max_bytes, contents.size() * 2));
    const ssize_t length = ::read(file.get(), contents.data() + used, contents.size() - used);
    if (length < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      contents.clear();
      return error;
    }
    if (length == 0) break;
    used += static_cast<size_t>(length);
  }
  contents.resize(used);
  return 0;
}

ProcPidFd& ProcPidFd::operator=(ProcPidFd&& other) noexcept {
  if (this != &other) reset(std::exchange(other.fd_, -1));
  return *this;
}

ProcPidFd::~ProcPidFd() { reset(); }

void ProcPidFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

Status ProcPidReader::open() {
  if (root_fd_.valid()) return ok_status();
  const int fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Error{"cannot open " + root_ + ": " + std::strerror(errno)};
  root_fd_.reset(fd);
  dirents_.resize(64 * 1024);

  // st_size of /proc/PID/fd is the fd count only on a real procfs of Linux >= 6.2; older
  // kernels report 0. We hold root_fd_ open, so our own count is at least 1.
  fd_count_source_ = ProcFdCountSource::listing;
  own_pid_ = -1;
  struct statfs fs {};
  if (::fstatfs(fd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC) {
    own_pid_ = static_cast<int32_t>(::getpid());
    struct stat self_fd {};
    if (::fstatat(fd, "self/fd", &self_fd, 0) == 0 && self_fd.st_size > 0) {
      fd_count_source_ = ProcFdCountSource::dir_size;
    }
  }
  return ok_status();
}

const char* ProcPidReader::pid_path(int32_t pid, const char* name) {
  char* end = std::to_chars(path_, path_ + 16, pid).ptr;
  *end++ = '/';
  const size_t length = std::min(std::strlen(name), sizeof(path_) - 18);
  std::memcpy(end, name, length);
  end[length] = '\0';
  return path_;
}

ProcPidStatus ProcPidReader::list_numbers(int dir_fd, std::vector<int32_t>& numbers) {
  if (::lseek(dir_fd, 0, SEEK_SET) < 0) return status_of_errno(errno);
  for (;;) {
    const ssize_t length = ::getdents64(dir_fd, dirents_.data(), dirents_.size());
    if (length < 0) {
      if (errno == EINTR) continue;
      return status_of_errno(errno);
    }
    if (length == 0) return ProcPidStatus::ok;
    for (ssize_t offset = 0; offset < length;) {
      const auto* entry = reinterpret_cast<const struct dirent64*>(dirents_.data() + offset);
      if (std::optional<int32_t> number = parse_proc_pid_number(entry->d_name)) {
        numbers.push_back(*number);
      }
      offset += entry->d_reclen;
    }
  }
}

Status ProcPidReader::list_pids(std::vector<int32_t>& pids) {
  pids.clear();
  if (list_numbers(root_fd_.get(), pids) != ProcPidStatus::ok) {
    return Error{"cannot list " + root_ + ": " + std::strerror(errno)};
  }
  std::sort(pids.begin(), pids.end());  // procfs lists pids ascending already: cheap
  return ok_status();
}

ProcPidStatus ProcPidReader::stat_fd_dir(int32_t pid, uint64_t& size) {
  struct stat info {};
  if (::fstatat(root_fd_.get(), pid_path(pid, "fd"), &info, 0) != 0) {
    return status_of_errno(errno);
  }
  size = static_cast<uint64_t>(info.st_size);
  return ProcPidStatus::ok;
}

ProcPidStatus ProcPidReader::read_file(int32_t pid, const char* name, std::string& contents,
                                       size_t max_bytes) {
  const int error = read_proc_file(root_fd_.get(), pid_path(pid, name), contents, max_bytes);
  return error == 0 ? ProcPidStatus::ok : status_of_errno(error);
}

ProcPidStatus ProcPidReader::open_fd_dir(int32_t pid, ProcPidFd& dir) {
  dir.reset(::openat(root_fd_.get(), pid_path(pid, "fd"), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  return dir.valid() ? ProcPidStatus::ok : status_of_errno(errno);
}

ProcPidStatus ProcPidReader::list_fds(int fd_dir, std::vector<int32_t>& fds) {
  fds.clear();
  const ProcPidStatus status = list_numbers(fd_dir, fds);
  std::sort(fds.begin(), fds.end());
  return status;
}

ProcFdTarget ProcPidReader::read_fd(int fd_dir, int32_t fd) {
  char name[16];
  *std::to_chars(name, name + sizeof(name) - 1, fd).ptr = '\0';
  // "socket:[18446744073709551615]" is 29 bytes: a longer target is a path, not a socket.
  char target[64];
  const ssize_t length = ::readlinkat(fd_dir, name, target, sizeof(target));
  if (length < 0) return {status_of_errno(errno), 0};
  const std::optional<uint64_t> inode =
      parse_proc_pid_socket_link(std::string_view(target, static_cast<size_t>(length)));
  return {ProcPidStatus::ok, inode.value_or(0)};
}

ProcPidStatus ProcPidReader::read_process_info(int32_t pid, Process& info,
                                               size_t max_cmdline_bytes) {
  ProcPidStatus status = read_file(pid, "comm", file_);
  if (status == ProcPidStatus::gone) return status;
  strip_trailing_newline(file_);
  info.comm.assign(file_);

  status = read_file(pid, "cmdline", file_, max_cmdline_bytes);
  if (status == ProcPidStatus::gone) return status;
  parse_proc_pid_cmdline(file_, info.cmdline);
  if (info.cmdline.empty()) {
    info.argv0.clear();
  } else {
    info.argv0.assign(info.cmdline.front());
  }

  status = read_file(pid, "status", file_);
  if (status == ProcPidStatus::gone) return status;
  info.uid = parse_proc_pid_status_uid(file_).value_or(0);

  status = read_file(pid, "limits", file_);
  if (status == ProcPidStatus::gone) return status;
  const std::optional<ProcPidNofile> nofile = parse_proc_pid_limits_nofile(file_);
  info.nofile_soft = nofile ? nofile->soft : 0;  // 0 means unknown in the schema
  info.nofile_hard = nofile ? nofile->hard : 0;
  return ProcPidStatus::ok;
}

}  // namespace netsnap
