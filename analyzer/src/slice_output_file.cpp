#include "slice_output_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace netsnap::analysis {
namespace {

Error io_error(const std::string& path, const char* what) {
  return Error{path + ": " + what + ": " + std::strerror(errno)};
}

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Status fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return io_error(path, "cannot open to sync");
  const int synced = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  if (synced != 0) return io_error(path, "fsync failed");
  return ok_status();
}

}  // namespace

SliceOutputFile::SliceOutputFile(std::string destination, std::string temporary, bool force)
    : destination_(std::move(destination)), temporary_(std::move(temporary)), force_(force) {}

SliceOutputFile::SliceOutputFile(SliceOutputFile&& other) noexcept
    : destination_(std::move(other.destination_)),
      temporary_(std::move(other.temporary_)),
      force_(other.force_),
      committed_(other.committed_) {
  other.committed_ = true;  // the moved-from object owns no file any more
}

SliceOutputFile::~SliceOutputFile() {
  if (!committed_ && !temporary_.empty()) ::unlink(temporary_.c_str());
}

Result<SliceOutputFile> SliceOutputFile::prepare(const std::string& destination, bool force) {
  if (destination.empty() || destination.back() == '/')
    return Error{"-o '" + destination + "': expected a file name"};
  struct stat st {};
  if (::lstat(destination.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode))
      return Error{destination +
                   ": is a symbolic link; refusing to replace it (even with --force)"};
    if (!S_ISREG(st.st_mode))
      return Error{destination + ": exists and is not a regular file; refusing to replace it"};
    if (!force) return Error{destination + ": exists; use --force to replace it"};
  } else if (errno != ENOENT) {
    return io_error(destination, "cannot check the destination");
  }
  std::string temporary = directory_of(destination) + "/.netsnap-slice-XXXXXX";
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) return io_error(directory_of(destination), "cannot create a temporary file in");
  SliceOutputFile file(destination, temporary, force);
  const int changed = ::fchmod(fd, 0640);
  ::close(fd);
  if (changed != 0) return io_error(temporary, "cannot set mode 0640");
  return file;
}

Status SliceOutputFile::commit() {
  if (Status synced = fsync_path(temporary_, O_RDONLY); !synced) return synced;
  // Without --force, RENAME_NOREPLACE: a file that appeared since prepare() is never replaced.
  const unsigned flags = force_ ? 0 : RENAME_NOREPLACE;
  if (::renameat2(AT_FDCWD, temporary_.c_str(), AT_FDCWD, destination_.c_str(), flags) != 0) {
    if (errno == EEXIST) return Error{destination_ + ": exists; use --force to replace it"};
    return io_error(destination_, "cannot rename the slice into place");
  }
  committed_ = true;
  return fsync_path(directory_of(destination_), O_RDONLY | O_DIRECTORY);
}

}  // namespace netsnap::analysis
