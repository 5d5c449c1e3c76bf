// OwnerMap: which processes hold each socket (netstat -p / ss -p), kept up to date every
// snapshot without re-reading every fd of every process.
//
// The only source is /proc/PID/fd/N -> "socket:[INODE]": one readlink per open fd on the
// host (~3 s at 100k sockets). OwnerMap caches each process's fd table and re-reads only
// where a signal says it may have changed. The caller passes the inodes of the sockets in
// this snapshot's dump ("live" inodes); that set is what makes the signals sufficient.
// Requirement: a reused fd number or a socket passed between processes must not leave a
// stale owner for longer than one snapshot. One exception, a socket still in flight between
// two processes, is bounded by a rotation (6).
//
//  1. Every process, every snapshot: /proc/PID/stat (start time, field 22, and comm) and
//     stat("/proc/PID/fd"), whose st_size is the fd count since Linux 6.2 (older kernels and
//     fake trees: the fd dir is listed instead). A new pid, or a known pid with another start
//     time (reused), is read whole.
//  2. A cached fd holds an inode that was live last snapshot and is not now. A socket leaves
//     the dump when its LAST holder closes it (TCP lingers on with inode 0), so this names
//     the process and the very fd to re-read, even when the count did not move because the
//     number was reused at once: "fd 5 closed and reopened as another socket" -> the old
//     inode is gone -> fd 5 is re-read -> the new inode is found in the same snapshot.
//  3. A cached fd holds a live inode that another process holds too. Closing it does not
//     make it leave the dump, so 2 is blind to it: such fds are re-read every snapshot
//     (up to shared_check_limit, a moving window beyond). With 2 and 3, a process that
//     dropped a socket is no longer listed as its owner one snapshot later, whatever took
//     its fd number (a file, a new socket, one received from another process).
//  4. The fd count differs from the cached table after re-reading the fds of 2 and 3: the
//     directory is listed, new fd numbers are read and closed ones dropped. A socket passed
//     to a process (SCM_RIGHTS, pidfd_getfd) lands on a new number, or on a freed one, which
//     2-3 cover unless the freed fd was not a socket. Cost follows churn, not open fds.
//  5. A live inode that no cached fd holds, unowned in two consecutive snapshots, is searched
//     for: whole processes are re-read, most recently active first, until every such inode
//     is found. If every readable process was read in vain (kernel sockets, fds in flight,
//     other users' processes when not root) the inode is remembered as ownerless and not
//     searched for again until it gets an owner or leaves. Waiting one snapshot keeps a
//     short-lived client that exits between our dump and our scan from costing a full scan;
//     it catches a new socket opened on the number of a just-closed non-socket fd.
//  6. Two rotations re-read cached fds that no signal may cover. One re-reads about
//     1/rotation_period of the fds that held something other than a socket per snapshot (and
//     each process's command line, uid and limits on its turn), bounding a process receiving
//     a socket its sender keeps, on the number of a non-socket fd it closed in the same
//     interval, with an unchanged count: an owner MISSING for up to rotation_period
//     snapshots, never a stale one. The other re-reads 1/socket_rotation_period of the
//     socket fds, for the one case 2-4 miss among them: a process that sent its socket over
//     a UNIX socket (SCM_RIGHTS) and closed it, the message not yet received (the socket
//     lives on, held by no fd table), and reused the number for a non-socket with an
//     unchanged count. It stays the socket's owner until the socket is received (then 3
//     applies), closed, or the rotation comes by: a STALE owner for up to
//     socket_rotation_period snapshots, in that case only. On a busy host nearly every
//     cached fd is a socket: re-reading them all every rotation_period snapshots cost 3,300
//     readlinks per snapshot at 100,000 sockets (~5 ms, ~4% of the recorder's CPU) for this case.
//
// Processes whose fds we may not read (not root, or no CAP_SYS_PTRACE over them) make the
// map incomplete; they are retried on their turn in the rotation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "netsnap/model.h"
#include "netsnap/result.h"
#include "inode_index.h"
#include "owner_process_scan.h"
#include "proc_pid_reader.h"

namespace netsnap {

struct OwnerMapOptions {
  uint32_t rotation_period = 30;       // snapshots for the rotating re-read to go round every
                                       // cached non-socket fd and process; 0: off (tests)
  uint32_t socket_rotation_period = 300;  // the same for the cached socket fds; 0: off
  uint32_t shared_check_limit = 4096;  // fds of shared sockets re-read per snapshot
  size_t max_cmdline_bytes = 256 * 1024;
};

struct OwnerMapStats {
  uint64_t processes_listed = 0;   // processes looked at (signal 1)
  uint64_t processes_scanned = 0;  // processes whose fd table was re-read, wholly or partly
  uint64_t full_reads = 0;         // processes read whole (new, pid reused, searched)
  uint64_t fds_read = 0;           // readlink() calls: the cost that matters
  uint64_t fd_listings = 0;        // /proc/PID/fd directory listings
  uint64_t searched_inodes = 0;    // unowned inodes searched for (signal 5)
  uint64_t ownerless_inodes = 0;   // live inodes known to have no readable owner
};

class OwnerMap {
 public:
  explicit OwnerMap(std::string proc_root = "/proc", OwnerMapOptions options = {});
  OwnerMap(const OwnerMap&) = delete;  // holds an open directory; the scanner points into it
  OwnerMap& operator=(const OwnerMap&) = delete;

  // Brings the map up to date for the sockets of one snapshot. `live_inodes` in any order;
  // duplicates and 0 are ignored. Fails only when the
  // /proc root itself cannot be opened or listed.
  Status refresh(std::span<const uint64_t> live_inodes);

  // Pids holding a live socket, ascending; empty for unknown inodes (and for every inode
  // after release_owner_lookup(), until the next refresh()).
  std::span<const int32_t> owners_of(uint64_t inode) const;
  // Frees what owners_of() reads (~2 MB at 100,000 sockets) once the caller has its owners:
  // the recorder's peak memory comes after, while the writer encodes the snapshot.
  void release_owner_lookup();
  // A hint that owners_of(inode) follows soon (InodeIndex::lookahead calls later): starts
  // loading where it looks.
  void prefetch_owners(uint64_t inode) const { live_index_.prefetch(inode); }
  // The processes holding at least one live socket, ascending by pid.
  const std::vector<Process>& processes() const { return processes_; }
  // False when some /proc/PID/fd could not be read (not root): their sockets have no owner.
  bool complete() const { return complete_; }
  const OwnerMapStats& stats() const { return stats_; }
  ProcFdCountSource fd_count_source() const { return reader_.fd_count_source(); }

 private:
  struct Claim {  // process `pid` holds live socket `inode` at `fd`
    uint64_t inode;
    int32_t pid;
    int32_t fd;
    auto operator<=>(const Claim&) const = default;
  };
  struct FdCheck {  // re-read `fd` of `pid` this snapshot (signals 2, 3, 6)
    int32_t pid;
    int32_t fd;
    auto operator<=>(const FdCheck&) const = default;
  };

  void load_live(std::span<const uint64_t> live_inodes);
  bool is_live(uint64_t inode) const;
  void collect_fd_checks();   // signals 2 and 3 into fd_checks_
  void merge_process_list();
  struct RotationCursor {  // where a rotation goes on: this pid, from this fd (-1: its start)
    int32_t pid = 0;
    int32_t fd = -1;
  };
  void mark_rotation();       // signal 6 into fd_checks_ and rotation_turn_
  // Adds up to `budget` fds of one rotation (socket fds, or the others and process turns)
  // to fd_checks_, going on from `cursor`.
  void rotate(RotationCursor& cursor, int64_t budget, bool sockets);
  void update_processes();
  void rebuild_claims();
  void collect_unowned(std::vector<uint64_t>& unowned) const;
  void search_unowned();
  void build_output();

  OwnerMapOptions options_;
  ProcPidReader reader_;
  OwnerProcessScanner scanner_;
  uint64_t generation_ = 0;
  OwnerScanCounters counters_;
  OwnerMapStats stats_;
  bool complete_ = true;

  std::vector<OwnerProcessEntry> entries_;  // ascending by pid
  std::vector<OwnerProcessEntry> next_entries_;
  std::vector<uint8_t> rotation_turn_;      // parallel to entries_: the rotation starts on it
  std::vector<int32_t> pids_;
  std::vector<uint64_t> live_;              // this snapshot's inodes, sorted, unique
  InodeIndex live_index_;                   // the same, for is_live()
  std::vector<uint64_t> sort_scratch_;
  std::vector<uint32_t> claim_counts_;      // rebuild_claims()'s counting sort
  std::vector<uint32_t> claim_positions_;   // each cached fd's inode's position in live_
  std::vector<Claim> claims_;               // live inodes only; from the last refresh
  std::vector<FdCheck> fd_checks_;
  std::vector<FdCheck> shared_checks_;
  size_t shared_check_offset_ = 0;
  RotationCursor other_rotation_;           // non-socket fds and process turns
  RotationCursor socket_rotation_;
  std::vector<uint64_t> ownerless_;         // sorted
  std::vector<uint64_t> pending_unowned_;   // unowned in the last refresh, sorted
  std::vector<uint64_t> unowned_;
  std::vector<uint64_t> to_search_;
  std::vector<uint64_t> search_remaining_;
  std::vector<size_t> search_order_;
  std::vector<int32_t> check_fds_of_pid_;

  // The owners of live_[i] are owner_pids_[owner_start_[i], owner_start_[i + 1]): found
  // through live_index_, which the refresh builds anyway (no second table of 100,000 inodes).
  std::vector<int32_t> owner_pids_;
  std::vector<uint32_t> owner_start_;
  std::vector<Process> processes_;
};

}  // namespace netsnap
