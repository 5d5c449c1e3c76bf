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
                                                OwnerScanCounters& counters) {
  constexpr uint64_t closed = UINT64_MAX;  // marks slots to drop after the loop
  bool any_closed = false;
  for (int32_t fd : fds_to_read) {
    auto slot = std::lower_bound(entry.fds.begin(), entry.fds.end(), fd,
                                 [](const OwnerFdSlot& s, int32_t wanted) { return s.fd < wanted; });
    if (slot == entry.fds.end() || slot->fd != fd) continue;  // already dropped
    ++counters.fds_read;
    const ProcFdTarget target = reader_.read_fd(fd_dir, fd);
    if (target.status == ProcPidStatus::unreadable) return target.status;
    const uint64_t inode = target.status == ProcPidStatus::gone ? closed : target.socket_inode;
    any_closed |= inode == closed;
    slot->inode = inode;
  }
  if (any_closed) {
    std::erase_if(entry.fds, [](const OwnerFdSlot& s) { return s.inode == closed; });
  }
  return ProcPidStatus::ok;
}

ProcPidStatus OwnerProcessScanner::reconcile_with_listing(OwnerProcessEntry& entry, int fd_dir,
                                                          bool read_every_fd,
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
  entry.fds.swap(merged_);
  return ProcPidStatus::ok;
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

  bool full = entry.full_read_at == 0 || (rotation_turn && !entry.fds_readable);
  if (entry.full_read_at != 0 && stat->start_time != entry.start_time) {
    // The pid now belongs to another process: nothing cached about it is true any more.
    entry.fds.clear();
    entry.info = Process{};
    entry.info_read = false;
    entry.fds_readable = true;
    entry.active_at = generation;
    full = true;
  }
  entry.start_time = stat->start_time;
  const bool comm_changed = stat->comm != entry.stat_comm;
  if (comm_changed) entry.stat_comm.assign(stat->comm);

  const bool count_from_size = reader_.fd_count_source() == ProcFdCountSource::dir_size &&
                               dir_status == ProcPidStatus::ok;
  const bool count_differs = count_from_size && dir_size != entry.fds.size();
  const bool must_list = !count_from_size;  // the listing is our only count
  bool fds_touched = false;
  uint64_t fd_count = count_from_size ? dir_size : entry.fds.size();

  // A process whose fds we were refused is tried again only on a full read (its turn in the
  // rotation, pid reuse): every attempt in between would fail the same way.
  const bool may_read = entry.fds_readable || full;
  if (may_read && (full || !check_fds.empty() || count_differs || must_list)) {
    const ProcPidStatus open_status = reader_.open_fd_dir(entry.pid, fd_dir_);
    if (open_status == ProcPidStatus::gone) return OwnerScanResult::gone;
    ProcPidStatus status = open_status;
    if (status == ProcPidStatus::ok) {
      entry.fds_readable = true;
      const size_t fds_before = entry.fds.size();
      const uint64_t reads_before = counters.fds_read;
      if (!full && !check_fds.empty()) {
        status = reread_slots(entry, fd_dir_.get(), check_fds, counters);
      }
      // Without a count, or when the count still disagrees after re-reading the suspects,
      // only a listing says which fds came and went.
      const bool list = full || must_list || (count_from_size && dir_size != entry.fds.size());
      if (status == ProcPidStatus::ok && list) {
        status = list_fds(entry, counters);
        fd_count = listing_.size();
        if (status == ProcPidStatus::ok && (full || !same_fd_numbers(entry.fds, listing_))) {
          status = reconcile_with_listing(entry, fd_dir_.get(), full, counters);
        }
      }
      fds_touched = counters.fds_read != reads_before || entry.fds.size() != fds_before;
      if (status == ProcPidStatus::ok && full) ++counters.full_reads;
    }
    if (full) entry.full_read_at = generation;  // even if refused: tried, not new any more
    fd_dir_.reset();
    if (status == ProcPidStatus::gone) return OwnerScanResult::gone;
    if (status == ProcPidStatus::unreadable) mark_unreadable(entry);
    if (fds_touched) {
      ++counters.processes_scanned;
      entry.active_at = generation;
    }
  }
  // Command line, uid and limits change rarely (exec, setuid after fork, prlimit): read them
  // again whenever the process shows activity, and on its turn in the rotation.
  if (full || rotation_turn || comm_changed || fds_touched || !entry.info_read) {
    if (read_info(entry) == ProcPidStatus::gone) return OwnerScanResult::gone;
  }
  entry.info.fd_count = static_cast<uint32_t>(std::min<uint64_t>(fd_count, UINT32_MAX));
  return OwnerScanResult::kept;
}

OwnerScanResult OwnerProcessScanner::read_all_fds(OwnerProcessEntry& entry, uint64_t generation,
                                                  OwnerScanCounters& counters) {
  ProcPidStatus status = reader_.open_fd_dir(entry.pid, fd_dir_);
  if (status == ProcPidStatus::ok) status = list_fds(entry, counters);
  if (status == ProcPidStatus::ok) {
    status = reconcile_with_listing(entry, fd_dir_.get(), true, counters);
  }
  fd_dir_.reset();
  if (status == ProcPidStatus::gone) return OwnerScanResult::gone;
  if (status == ProcPidStatus::unreadable) {
    mark_unreadable(entry);
    return OwnerScanResult::kept;
  }
  ++counters.processes_scanned;
  ++counters.full_reads;
  entry.full_read_at = generation;
  entry.info.fd_count = static_cast<uint32_t>(std::min<size_t>(listing_.size(), UINT32_MAX));
  if (read_info(entry) == ProcPidStatus::gone) return OwnerScanResult::gone;
  return OwnerScanResult::kept;
}

}  // namespace netsnap
