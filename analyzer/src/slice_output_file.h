// Where a slice is written: a temporary file beside the destination, made visible only when
// complete (fsynced, mode 0640, renamed into place, directory fsynced), so that a failed or
// interrupted slice never leaves half a recording under the destination's name.
//
// The destination is refused (one line naming it) when it exists, unless `force` is given;
// with `force` only a regular file is replaced. A symbolic link is refused even with `force`:
// the rename would replace the link, not what it points at, and neither is what a user who
// named the link expects. Directories and other special files are always refused.
#pragma once

#include <string>

#include "netsnap/result.h"

namespace netsnap::analysis {

class SliceOutputFile {
 public:
  // Checks the destination and creates the temporary file (empty, mode 0640).
  static Result<SliceOutputFile> prepare(const std::string& destination, bool force);

  SliceOutputFile(SliceOutputFile&& other) noexcept;
  SliceOutputFile& operator=(SliceOutputFile&&) = delete;
  ~SliceOutputFile();  // removes the temporary file unless committed

  // The temporary file's path: write the recording there, close it, then commit().
  const std::string& temporary_path() const { return temporary_; }
  // fsync, rename into place (refusing, without `force`, a destination that appeared since
  // prepare()), fsync the directory.
  Status commit();

 private:
  SliceOutputFile(std::string destination, std::string temporary, bool force);

  std::string destination_, temporary_;
  bool force_ = false;
  bool committed_ = false;
};

}  // namespace netsnap::analysis
