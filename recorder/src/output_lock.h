// One recorder per output: an advisory flock(2) on the recording file, or on the directory in
// -o DIR mode, held for the whole run. A second recorder is refused at once, and told which
// process holds the lock (found in /proc/locks, since flock itself does not say).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "netsnap/result.h"

namespace netsnap {

class OutputLock {
 public:
  // Locks `path`: a directory, or a recording file (created empty, mode 0640, when missing;
  // never through a symlink). Fails naming the holder's pid when another process has it.
  static Result<OutputLock> acquire(const std::string& path);

  OutputLock(OutputLock&& other) noexcept;
  OutputLock& operator=(OutputLock&& other) noexcept;
  ~OutputLock();

 private:
  explicit OutputLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// The pid holding a FLOCK lock on device `dev` (as st_dev), inode `ino`, from the text of
// /proc/locks; waiting requests ("->" lines) are skipped.
std::optional<pid_t> flock_holder(std::string_view proc_locks, dev_t dev, ino_t ino);

}  // namespace netsnap
