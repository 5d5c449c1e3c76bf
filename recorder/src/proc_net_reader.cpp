#include "proc_net_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace netsnap {
namespace {

// Closes the descriptor on every path out of read().
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

constexpr size_t kInitialCapacity = 64 * 1024;

}  // namespace

ProcNetReader::ProcNetReader(std::string proc_root) : root_(std::move(proc_root)) {}

std::string ProcNetReader::path_of(std::string_view table) const {
  std::string path = root_;
  path += "/net/";
  path += table;
  return path;
}

Result<std::string_view> ProcNetReader::read(std::string_view table) {
  const std::string path = path_of(table);
  const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) return Error{path + ": " + std::strerror(errno)};

  // /proc files report size 0: read until end of file, growing the reused buffer as needed.
  // resize() never shrinks capacity, so after the first snapshots this allocates nothing.
  contents_.resize(std::max(contents_.capacity(), kInitialCapacity));
  size_t used = 0;
  for (;;) {
    if (used == contents_.size()) contents_.resize(contents_.size() * 2);
    const ssize_t count = ::read(file.get(), contents_.data() + used, contents_.size() - used);
    if (count < 0) {
      if (errno == EINTR) continue;
      return Error{path + ": read: " + std::strerror(errno)};
    }
    if (count == 0) break;
    used += static_cast<size_t>(count);
  }
  return std::string_view(contents_.data(), used);
}

}  // namespace netsnap
