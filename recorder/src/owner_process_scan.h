// OwnerMap's per-process work: what it remembers about one process between snapshots, and
// reading that process's fd table again, either whole or only where a signal says it changed.
// The decisions about WHEN to read are OwnerMap's (see owner_map.h); this file does the how.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "netsnap/model.h"
#include "proc_pid_reader.h"

namespace netsnap {

struct OwnerFdSlot {
  int32_t fd = 0;
  uint64_t inode = 0;  // socket inode; 0 when the fd is something else
};

// One process as last read.
struct OwnerProcessEntry {
  int32_t pid = 0;
  uint64_t start_time = 0;        // /proc/PID/stat field 22: a different value = pid reused
  std::string stat_comm;          // comm as stat showed it: a change means exec or rename
  std::vector<OwnerFdSlot> fds;   // the fd table, ascending by fd
  Process info;                   // fd_count is refreshed every snapshot, the rest on reads
  bool fds_readable = true;       // false: /proc/PID/fd refused us (not root)
  bool info_read = false;
  bool owns_live = false;         // holds a socket of the current snapshot
  uint64_t full_read_at = 0;      // refresh number of the last read of every fd (0: new)
  uint64_t active_at = 0;         // refresh number when its fd table was last seen changing
};

struct OwnerScanCounters {
  uint64_t processes_scanned = 0;  // processes whose fd table was re-read, wholly or partly
  uint64_t full_reads = 0;         // processes read whole (new, pid reused, searched)
  uint64_t fds_read = 0;           // readlink() calls
  uint64_t fd_listings = 0;        // listings of a /proc/PID/fd directory
};

enum class OwnerScanResult : uint8_t { kept, gone };

class OwnerProcessScanner {
 public:
  OwnerProcessScanner(ProcPidReader& reader, size_t max_cmdline_bytes)
      : reader_(reader), max_cmdline_bytes_(max_cmdline_bytes) {}

  // The per-snapshot look at one process: its stat (start time, comm) and fd count, then as
  // much re-reading as the signals call for. `check_fds` (ascending) are fds to read again
  // whatever the count says: their socket vanished from the dump, is shared with another
  // process, or the rotation came by. `rotation_turn`: refresh the command line, uid and
  // limits, and retry a process whose fds we were refused. New processes and reused pids
  // are read whole. `generation` numbers the refresh.
  OwnerScanResult update(OwnerProcessEntry& entry, std::span<const int32_t> check_fds,
                         bool rotation_turn, uint64_t generation, OwnerScanCounters& counters);

  // Re-reads every fd of a process that update() has already looked at in this refresh.
  OwnerScanResult read_all_fds(OwnerProcessEntry& entry, uint64_t generation,
                               OwnerScanCounters& counters);

 private:
  ProcPidStatus read_info(OwnerProcessEntry& entry);
  // Lists the open fd_dir_ into listing_.
  ProcPidStatus list_fds(const OwnerProcessEntry& entry, OwnerScanCounters& counters);
  // Opens PID/fd and brings `entry.fds` up to date: re-reads `check_fds`, then lists the
  // directory when `full`, when there is no `count`, or when the count still disagrees.
  // Sets `changed` when the table changed.
  ProcPidStatus read_fd_changes(OwnerProcessEntry& entry, std::span<const int32_t> check_fds,
                                bool full, std::optional<uint64_t> count, bool& changed,
                                OwnerScanCounters& counters);
  // Re-reads the fds in `fds_to_read` (ascending) and drops the ones that were closed.
  ProcPidStatus reread_slots(OwnerProcessEntry& entry, int fd_dir,
                             std::span<const int32_t> fds_to_read, bool& changed,
                             OwnerScanCounters& counters);
  // Makes the cached table match `listing_` (ascending fd numbers): new fds are read, closed
  // ones dropped, and with `read_every_fd` the kept ones are read again too.
  ProcPidStatus reconcile_with_listing(OwnerProcessEntry& entry, int fd_dir, bool read_every_fd,
                                       bool& changed, OwnerScanCounters& counters);
  void mark_unreadable(OwnerProcessEntry& entry);

  ProcPidReader& reader_;
  size_t max_cmdline_bytes_;
  std::string stat_;                  // /proc/PID/stat contents
  std::vector<int32_t> listing_;      // /proc/PID/fd entries
  std::vector<OwnerFdSlot> merged_;   // the new table while reconciling
  ProcPidFd fd_dir_;
};

}  // namespace netsnap
