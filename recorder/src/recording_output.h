// Where the recorder's snapshots go: one recording file (-o FILE), or a directory of time-named
// files (-o DIR) with rotation by size and age and retention by total size and age. The
// sampling loop sees only write/reopen/close; which file is current is decided here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "netsnap/model.h"
#include "netsnap/recording_writer.h"
#include "netsnap/result.h"
#include "record_options.h"

namespace netsnap {

class RecordingOutput {
 public:
  // -o FILE: appends or creates as check_record_options decided.
  static Result<RecordingOutput> open_file(const std::string& path, OutputAction action,
                                           const FileHeader& header, const WriterOptions& options);
  // -o DIR: the first snapshot opens a file named for its time; older files past the
  // retention limits are deleted at once and after every rotation.
  static Result<RecordingOutput> open_directory(const std::string& dir, const OutputPolicy& policy,
                                                const FileHeader& header,
                                                const WriterOptions& options);

  // Writes one snapshot, first starting a new file when the current one is past a rotation
  // limit. A failure leaves every file readable; the next call tries again.
  Status write(const Snapshot& snapshot);
  // Deletes this host's oldest files past the retention limits (directory mode; a no-op
  // otherwise). Returns the first failure.
  Status enforce_retention(int64_t now_wall_ns);
  // SIGHUP: reopens the output path (file mode) or starts a new file (directory mode).
  Status reopen();
  Status close();

  // Problems that did not cost a snapshot (a rotation that failed, so the old file goes on),
  // for the caller to say once; cleared by taking them.
  std::vector<std::string> take_notices() { return std::exchange(notices_, {}); }

  uint64_t bytes_written() const;  // over every file of this run
  const std::string& current_path() const;
  bool is_directory() const { return !dir_.empty(); }

 private:
  RecordingOutput() = default;
  Status start_file(int64_t wall_ns);

  std::string dir_;  // empty: file mode
  OutputPolicy policy_;
  FileHeader header_;
  WriterOptions options_;
  std::optional<RecordingWriter> writer_;
  std::string current_name_;  // directory mode: the file name within dir_
  std::string current_path_;
  int64_t file_started_wall_ns_ = 0;
  uint64_t bytes_before_ = 0;     // by writers of this run already closed
  bool rotate_next_ = false;      // SIGHUP in directory mode
  std::vector<std::string> notices_;
};

}  // namespace netsnap
