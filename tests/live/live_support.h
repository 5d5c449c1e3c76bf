// What every live test needs around the real netsnap-record binary: a scratch directory, a
// way to start the recorder (optionally inside a namespace, as another user, or without
// netlink) and wait for it with a deadline, and readers for what it wrote: the recording as
// the format library replays it, and the raw frame sequence (header records, the final index).
#pragma once

#include <sys/types.h>
#include <time.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netsnap/frame.h"
#include "netsnap/model.h"
#include "netsnap/recording_reader.h"

namespace netsnap::live {

// A private directory under $TMPDIR (or /tmp), removed with everything in it at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string recorder_binary();  // NETSNAP_BIN_DIR/netsnap-record
std::string analyzer_binary();  // NETSNAP_BIN_DIR/netsnap-analyze

struct RunOptions {
  std::vector<std::string> args;  // after argv[0]
  std::string enter_netns;        // setns() into this /proc/PID/ns/net before exec ("inside")
  std::optional<uid_t> run_as;    // drop to this uid (and gid) before exec (after setns)
  bool block_netlink = false;     // seccomp: socket(AF_NETLINK, ...) fails with EPERM
  std::string output_dir;         // where the run's stdout/stderr files go
};

struct ExitStatus {
  bool finished = false;  // false: killed by us after the deadline
  bool exited = false;
  int code = -1;   // exit status when exited
  int signal = 0;  // terminating signal otherwise
  std::string describe() const;
};

// One run of a program started by fork + exec; the destructor kills it (by pid) if it is still
// running, so a failed assertion never leaves a recorder behind.
class ProcessRun {
 public:
  ProcessRun() = default;
  ~ProcessRun();
  ProcessRun(const ProcessRun&) = delete;
  ProcessRun& operator=(const ProcessRun&) = delete;

  // Starts `program`; false (with error()) when fork or the preparations fail.
  bool start(const std::string& program, const RunOptions& options);
  pid_t pid() const { return pid_; }
  // Waits for the exit; kills and reaps the process when `limit` passes first.
  ExitStatus wait(std::chrono::milliseconds limit);
  bool running() const { return pid_ > 0 && !reaped_; }
  std::string stdout_text() const;
  std::string stderr_text() const;
  std::vector<std::string> stderr_lines() const;
  const std::string& error() const { return error_; }
  // The wall time from start() to the reaped exit.
  std::chrono::duration<double> elapsed() const { return finished_at_ - started_at_; }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string stdout_path_, stderr_path_, error_;
  std::chrono::steady_clock::time_point started_at_, finished_at_;
};

// Runs netsnap-record to completion (at most `limit`).
ExitStatus run_recorder(const RunOptions& options, ProcessRun& run,
                        std::chrono::milliseconds limit = std::chrono::seconds(20));

// A recording replayed through Timeline and Cursor: every snapshot decoded in order.
struct Recording {
  bool ok = false;
  std::string error;
  FileHeader header;  // of the earliest file
  std::vector<RecordingFileInfo> files;
  std::vector<SnapshotEntry> entries;
  std::vector<Snapshot> snapshots;
  std::vector<DamagedRegion> damage;
};
Recording read_recording(const std::vector<std::string>& paths);

// The frames of a file as they lie on disk.
struct FrameScan {
  bool preamble_ok = false;
  std::vector<FrameHeader> frames;
  uint64_t file_size = 0;
  uint64_t parsed_end = 0;  // offset after the last whole frame
  size_t count(RecordType type) const;
  size_t snapshots() const { return count(RecordType::key) + count(RecordType::delta); }
};
FrameScan scan_frames(const std::string& path);

std::string read_file(const std::string& path);
std::vector<std::string> split_lines(const std::string& text);

// Polls `ready` every 20 ms until it holds or `limit` passes.
template <class Ready>
bool eventually(Ready ready, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (ready()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    struct timespec pause {
      0, 20'000'000
    };
    nanosleep(&pause, nullptr);
  }
}

// The table `name` of a snapshot's counters, or nullptr.
const CounterTable* counter_table(const Snapshot& snapshot, const std::string& name);
std::optional<int64_t> counter(const Snapshot& snapshot, const std::string& table,
                               const std::string& name);
const Setting* header_setting(const FileHeader& header, const std::string& name);

}  // namespace netsnap::live
