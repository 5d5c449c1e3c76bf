#include "owner_process_scan.h"

#include <algorithm>

#include "proc_pid_parsers.h"

namespace netsnap {
namespace {

bool same_fd_numbers(const std::vector<OwnerFdSlot>& slots, const std::vector<int32_t>& fds) {
  return std::equal(slots.begin(), slots.end(), fds.begin(), fds.end(),
                    [](const OwnerFdSlot& slot, int32_t fd) { return slot.fd == fd; });
}

}  // namespace

ProcPidStatus OwnerProcessScanner::list_fds(const OwnerProcessEntry& entry,
                                            OwnerScanCounters& counters) {
  ++counters.fd_listings;
  const ProcPidStatus status = reader_.list_fds(fd_dir_.get(), listing_);
  // Listing our own fds shows the directory fd we list them with; it is closed again right
  // after, so keeping it would make our count disagree with stat() next time, and a later
  // new fd of ours would then go unnoticed (the same count as the cached table).
  if (entry.pid == reader_.own_pid()) std::erase(listing_, fd_dir_.get());
  return status;
}

void OwnerProcessScanner::mark_unreadable(OwnerProcessEntry& entry) {
  entry.fds_readable = false;
  entry.fds.clear();
}

ProcPidStatus OwnerProcessScanner::read_info(OwnerProcessEntry& entry) {
  const ProcPidStatus status = reader_.read_process_info(entry.pid, entry.info,
                                                         max_cmdline_bytes_);
  entry.info.pid = entry.pid;
  entry.info_read = status != ProcPidStatus::gone;
  return status;
}

ProcPidStatus OwnerProcessScanner::reread_slots(OwnerProcessEntry& entry, int fd_dir,
                                                std::span<const int32_t> fds_to_read,
                                                bool& changed, OwnerScanCounters& counters) {
  constexpr uint64_t closed = UINT64_MAX;  // marks slots to drop after the loop
  bool any_closed = false;
  for (int32_t fd : fds_to_read) {
    auto slot = std::lower_bound(
        entry.fds.begin(), entry.fds.end(), fd,
        [](const OwnerFdSlot& s, int32_t wanted) { return s.fd < wanted; });
    if (slot == entry.fds.end() || slot->fd != fd) continue;  // already dropped
    ++counters.fds_read;
    const ProcFdTarget target = reader_.read_fd(fd_dir, fd);
    if (target.status == ProcPidStatus::unreadable) return target.status;
    const uint64_t inode = target.status == ProcPidStatus::gone ? closed : target.socket_inode;
    any_closed |= inode == closed;
    changed |= inode != slot->inode;
    slot->inode = inode;
  }
  if (any_closed) {
    std::erase_if(entry.fds, [](const OwnerFdSlot& s) { return s.inode == closed; });
  }
  return ProcPidStatus::ok;
}

ProcPidStatus OwnerProcessScanner::reconcile_with_listing(OwnerProcessEntry& entry, int fd_dir,
                                                          bool read_every_fd, bool& changed,
                                                          OwnerScanCounters& counters) {
  merged_.clear();
  auto cached = entry.fds.begin();
  for (int32_t fd : listing_) {
    while (cached != entry.fds.end() && cached->fd < fd) ++cached;  // closed since: dropped
    const bool known = cached != entry.fds.end() && cached->fd == fd;
    if (known && !read_every_fd) {
      merged_.push_back(*cached);
      continue;
    }
    ++counters.fds_read;
    const ProcFdTarget target = reader_.read_fd(fd_dir, fd);
    if (target.status == ProcPidStatus::unreadable) return target.status;
    if (target.status == ProcPidStatus::gone) continue;  // closed while we listed
    merged_.push_back({fd, target.socket_inode});
  }
  changed |= !std::equal(merged_.begin(), merged_.end(), entry.fds.begin(), entry.fds.end(),
                         [](const OwnerFdSlot& a, const OwnerFdSlot& b) {
                           return a.fd == b.fd && a.inode == b.inode;
                         });
  entry.fds.swap(merged_);
  return ProcPidStatus::ok;
}

ProcPidStatus OwnerProcessScanner::read_fd_changes(OwnerProcessEntry& entry,
                                                   std::span<const int32_t> check_fds,
                                                   bool full, std::optional<uint64_t> count,
                                                   bool& changed, OwnerScanCounters& counters) {
  ProcPidStatus status = reader_.open_fd_dir(entry.pid, fd_dir_);
  if (status != ProcPidStatus::ok) return status;
  if (!full && !check_fds.empty()) {
    status = reread_slots(entry, fd_dir_.get(), check_fds, changed, counters);
  }
  // Without a count, or when the count still disagrees after re-reading the suspects, only a
  // listing says which fds came and went.
  if (status == ProcPidStatus::ok && (full || !count || *count != entry.fds.size())) {
    status = list_fds(entry, counters);
    if (status == ProcPidStatus::ok && (full || !same_fd_numbers(entry.fds, listing_))) {
      status = reconcile_with_listing(entry, fd_dir_.get(), full, changed, counters);
    }
  }
  fd_dir_.reset();
  return status;
}

OwnerScanResult OwnerProcessScanner::update(OwnerProcessEntry& entry,
                                            std::span<const int32_t> check_fds,
                                            bool rotation_turn, uint64_t generation,
                                            OwnerScanCounters& counters) {
  uint64_t dir_size = 0;
  const ProcPidStatus dir_status = reader_.stat_fd_dir(entry.pid, dir_size);
  if (dir_status == ProcPidStatus::gone) return OwnerScanResult::gone;
  if (reader_.read_file(entry.pid, "stat", stat_) != ProcPidStatus::ok) {
    return OwnerScanResult::gone;  // world-readable: failing means the process is going
  }
  const std::optional<ProcPidStat> stat = parse_proc_pid_stat(stat_);
  if (!stat) return OwnerScanResult::gone;

  // New, or refused before and now its turn in the rotation: read whole.
  bool full = entry.full_read_at == 0 || (rotation_turn && !entry.fds_readable);
  if (entry.full_read_at != 0 && stat->start_time != entry.start_time) {
    // The pid now belongs to another process: nothing cached about it is true any more.
    entry.fds.clear();
    entry.info = Process{};
    entry.info_read = false;
    entry.fds_readable = true;
    full = true;
  }
  entry.start_time = stat->start_time;
  const bool comm_changed = stat->comm != entry.stat_comm;
  if (comm_changed) entry.stat_comm.assign(stat->comm);

  std::optional<uint64_t> count;  // none: the listing is the only count
  if (reader_.fd_count_source() == ProcFdCountSource::dir_size &&
      dir_status == ProcPidStatus::ok) {
    count = dir_size;
  }
  bool changed = false;
  // Refused fds are only tried again on a full read: in between they would fail the same way.
  if ((entry.fds_readable || full) &&
      (full || !check_fds.empty() || !count || *count != entry.fds.size())) {
    entry.fds_readable = true;
    const uint64_t reads_before = counters.fds_read;
    const ProcPidStatus status = read_fd_changes(entry, check_fds, full, count, changed,
                                                 counters);
    if (status == ProcPidStatus::gone) return OwnerScanResult::gone;
    if (status == ProcPidStatus::unreadable) mark_unreadable(entry);
    if (full) {
      entry.full_read_at = generation;  // even if refused: tried, not new any more
      if (status == ProcPidStatus::ok) ++counters.full_reads;
    }
    if (counters.fds_read != reads_before) ++counters.processes_scanned;
    if (!count || status == ProcPidStatus::ok) count = entry.fds.size();
  }
  if (changed) entry.active_at = generation;
  // Command line, uid and limits change rarely (exec, setuid after fork, prlimit): read them
  // again when the fd table changes, and on the process's turn in the rotation.
  if (full || rotation_turn || comm_changed || changed || !entry.info_read) {
    if (read_info(entry) == ProcPidStatus::gone) return OwnerScanResult::gone;
  }
  entry.info.fd_count = static_cast<uint32_t>(std::min<uint64_t>(count.value_or(0), UINT32_MAX));
  return OwnerScanResult::kept;
}

OwnerScanResult OwnerProcessScanner::read_all_fds(OwnerProcessEntry& entry, uint64_t generation,
                                                  OwnerScanCounters& counters) {
  bool changed = false;
  const ProcPidStatus status = read_fd_changes(entry, {}, true, std::nullopt, changed, counters);
  if (status == ProcPidStatus::gone) return OwnerScanResult::gone;
  if (status == ProcPidStatus::unreadable) {
    mark_unreadable(entry);
    return OwnerScanResult::kept;
  }
  ++counters.processes_scanned;
  ++counters.full_reads;
  entry.full_read_at = generation;
  if (changed) entry.active_at = generation;
  entry.info.fd_count = static_cast<uint32_t>(std::min<size_t>(entry.fds.size(), UINT32_MAX));
  if (read_info(entry) == ProcPidStatus::gone) return OwnerScanResult::gone;
  return OwnerScanResult::kept;
}

}  // namespace netsnap
