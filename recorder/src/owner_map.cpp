#include "owner_map.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace netsnap {
namespace {

// Adds the sorted `extra` to the sorted set `set`.
void merge_into(std::vector<uint64_t>& set, const std::vector<uint64_t>& extra) {
  if (extra.empty()) return;
  const size_t middle = set.size();
  set.insert(set.end(), extra.begin(), extra.end());
  std::inplace_merge(set.begin(), set.begin() + static_cast<ptrdiff_t>(middle), set.end());
  set.erase(std::unique(set.begin(), set.end()), set.end());
}

}  // namespace

OwnerMap::OwnerMap(std::string proc_root, OwnerMapOptions options)
    : options_(options),
      reader_(std::move(proc_root)),
      scanner_(reader_, options.max_cmdline_bytes) {}

Status OwnerMap::refresh(std::span<const uint64_t> live_inodes) {
  if (Status opened = reader_.open(); !opened) return opened;
  ++generation_;
  counters_ = {};
  load_live(live_inodes);
  collect_fd_checks();  // from the claims of the previous refresh
  if (Status listed = reader_.list_pids(pids_); !listed) return listed;
  merge_process_list();
  mark_rotation();
  std::sort(fd_checks_.begin(), fd_checks_.end());
  fd_checks_.erase(std::unique(fd_checks_.begin(), fd_checks_.end()), fd_checks_.end());
  update_processes();
  rebuild_claims();
  search_unowned();
  build_output();
  // Working memory of the sort and the claims (~1.6 MB at 100,000 sockets): freed rather
  // than kept for the next refresh, as the recorder's peak comes while the writer encodes.
  std::vector<uint64_t>().swap(sort_scratch_);
  std::vector<uint32_t>().swap(claim_counts_);
  std::vector<uint32_t>().swap(claim_positions_);

  stats_ = {};
  stats_.processes_listed = entries_.size();
  stats_.processes_scanned = counters_.processes_scanned;
  stats_.full_reads = counters_.full_reads;
  stats_.fds_read = counters_.fds_read;
  stats_.fd_listings = counters_.fd_listings;
  stats_.searched_inodes = to_search_.size();
  stats_.ownerless_inodes = ownerless_.size();
  return ok_status();
}

std::span<const int32_t> OwnerMap::owners_of(uint64_t inode) const {
  const uint32_t at = live_index_.find(inode);
  if (at == InodeIndex::none || at + 1 >= owner_start_.size()) return {};
  return {owner_pids_.data() + owner_start_[at], owner_start_[at + 1] - owner_start_[at]};
}

void OwnerMap::load_live(std::span<const uint64_t> live_inodes) {
  live_.assign(live_inodes.begin(), live_inodes.end());
  sort_inodes(live_, sort_scratch_);
  live_.erase(std::unique(live_.begin(), live_.end()), live_.end());
  if (!live_.empty() && live_.front() == 0) live_.erase(live_.begin());
  live_index_.build(live_);
  owner_start_.clear();  // positions into the old live_: no owners until build_output()
}

void OwnerMap::release_owner_lookup() {
  live_index_.release();
  std::vector<int32_t>().swap(owner_pids_);
  std::vector<uint32_t>().swap(owner_start_);
}

bool OwnerMap::is_live(uint64_t inode) const { return live_index_.find(inode) != InodeIndex::none; }

// Signals 2 and 3 of owner_map.h, from what each process held in the previous snapshot.
void OwnerMap::collect_fd_checks() {
  fd_checks_.clear();
  shared_checks_.clear();
  for (size_t first = 0; first < claims_.size();) {
    size_t last = first;
    while (last < claims_.size() && claims_[last].inode == claims_[first].inode) ++last;
    const bool vanished = !is_live(claims_[first].inode);
    const bool shared = claims_[first].pid != claims_[last - 1].pid;  // sorted by pid within
    if (vanished || shared) {
      std::vector<FdCheck>& into = vanished ? fd_checks_ : shared_checks_;
      for (size_t i = first; i < last; ++i) into.push_back({claims_[i].pid, claims_[i].fd});
    }
    first = last;
  }
  const size_t shared = shared_checks_.size();
  const size_t limit = options_.shared_check_limit;
  if (shared <= limit) {
    fd_checks_.insert(fd_checks_.end(), shared_checks_.begin(), shared_checks_.end());
  } else {  // a window that moves on each snapshot, so that all get their turn
    for (size_t i = 0; i < limit; ++i) {
      fd_checks_.push_back(shared_checks_[(shared_check_offset_ + i) % shared]);
    }
    shared_check_offset_ = (shared_check_offset_ + limit) % shared;
  }
}

// Pairs the cache with the pids now in /proc: exited processes go, new ones come in empty.
void OwnerMap::merge_process_list() {
  next_entries_.clear();
  auto cached = entries_.begin();
  for (int32_t pid : pids_) {
    while (cached != entries_.end() && cached->pid < pid) ++cached;
    if (cached != entries_.end() && cached->pid == pid) {
      next_entries_.push_back(std::move(*cached));
    } else {
      next_entries_.emplace_back().pid = pid;
    }
  }
  entries_.swap(next_entries_);
}

// Signal 6: two rotations re-read cached fds, walking (pid, fd) onward from where each
// stopped last time. The first goes round every fd that held something other than a socket,
// and every process's turn (its command line, uid and limits, one unit of cost each so that
// fd-less processes also get theirs), in rotation_period snapshots: a socket received on such
// a number is found there. The second goes round the socket fds in socket_rotation_period
// snapshots: signals 2 and 3 cover them, except a socket whose only other reference is a
// message in flight (owner_map.h). Going by fds rather than whole processes keeps one process
// with 100k fds from making every 30th snapshot a full scan; splitting the two keeps the
// 100,000 socket fds of a busy host from costing 3,300 readlinks per snapshot.
void OwnerMap::mark_rotation() {
  rotation_turn_.assign(entries_.size(), 0);
  if (entries_.empty()) return;
  // Units of each rotation's round, in one pass over the cached fds: socket fds; other fds
  // plus a turn per process.
  int64_t socket_fds = 0, other_units = 0;
  for (const OwnerProcessEntry& entry : entries_) {
    for (const OwnerFdSlot& slot : entry.fds) ++(slot.inode != 0 ? socket_fds : other_units);
    ++other_units;
  }
  if (options_.rotation_period != 0)
    rotate(other_rotation_, (other_units + options_.rotation_period - 1) / options_.rotation_period,
           false);
  if (options_.socket_rotation_period != 0)
    rotate(socket_rotation_,
           (socket_fds + options_.socket_rotation_period - 1) / options_.socket_rotation_period,
           true);
}

void OwnerMap::rotate(RotationCursor& cursor, int64_t budget, bool sockets) {
  const auto rotated = [sockets](const OwnerFdSlot& slot) { return (slot.inode != 0) == sockets; };
  const auto start = std::lower_bound(
      entries_.begin(), entries_.end(), cursor.pid,
      [](const OwnerProcessEntry& entry, int32_t pid) { return entry.pid < pid; });
  size_t index = static_cast<size_t>(start - entries_.begin()) % entries_.size();
  int32_t from_fd = entries_[index].pid == cursor.pid ? cursor.fd : -1;
  for (size_t visited = 0; visited < entries_.size() && budget > 0; ++visited) {
    const OwnerProcessEntry& entry = entries_[index];
    if (from_fd < 0 && !sockets) {
      rotation_turn_[index] = 1;
      --budget;
    }
    auto slot = std::lower_bound(
        entry.fds.begin(), entry.fds.end(), from_fd,
        [](const OwnerFdSlot& s, int32_t fd) { return s.fd < fd; });
    for (; slot != entry.fds.end() && budget > 0; ++slot) {
      if (!rotated(*slot)) continue;
      fd_checks_.push_back({entry.pid, slot->fd});
      --budget;
    }
    if (slot != entry.fds.end()) {  // out of budget inside this process: resume here
      cursor = {entry.pid, slot->fd};
      return;
    }
    index = (index + 1) % entries_.size();
    from_fd = -1;
    cursor = {entries_[index].pid, -1};
  }
}

void OwnerMap::update_processes() {
  auto check = fd_checks_.begin();
  size_t kept = 0;
  for (size_t i = 0; i < entries_.size(); ++i) {
    OwnerProcessEntry& entry = entries_[i];
    check_fds_of_pid_.clear();
    while (check != fd_checks_.end() && check->pid < entry.pid) ++check;
    for (; check != fd_checks_.end() && check->pid == entry.pid; ++check) {
      check_fds_of_pid_.push_back(check->fd);
    }
    const OwnerScanResult result = scanner_.update(entry, check_fds_of_pid_,
                                                   rotation_turn_[i] != 0, generation_,
                                                   counters_);
    if (result == OwnerScanResult::gone) continue;  // exited while we looked: normal
    if (kept != i) std::swap(entries_[kept], entries_[i]);
    ++kept;
  }
  entries_.resize(kept);
}

void OwnerMap::rebuild_claims() {
  // Claims come out of the walk ordered by (pid, fd); a counting sort on the inode's position
  // in live_ (sorted) makes that (inode, pid, fd) in two linear passes, not a comparison sort
  // of 100,000 claims per snapshot. The first pass keeps each fd's position (4 bytes, not a
  // 16-byte copy of the claim); the second walks the same fds again to place the claims.
  claim_counts_.assign(live_.size() + 1, 0);
  claim_positions_.clear();
  size_t claims = 0;
  for (OwnerProcessEntry& entry : entries_) {
    entry.owns_live = false;
    const size_t fds = entry.fds.size();
    for (size_t i = 0; i < fds; ++i) {
      const OwnerFdSlot& slot = entry.fds[i];
      if (i + InodeIndex::lookahead < fds)
        live_index_.prefetch(entry.fds[i + InodeIndex::lookahead].inode);
      const uint32_t at = live_index_.find(slot.inode);
      claim_positions_.push_back(at);
      if (at == InodeIndex::none) continue;
      ++claim_counts_[at + 1];
      ++claims;
      entry.owns_live = true;
    }
  }
  for (size_t i = 1; i < claim_counts_.size(); ++i) claim_counts_[i] += claim_counts_[i - 1];
  claims_.resize(claims);
  const uint32_t* position = claim_positions_.data();
  for (const OwnerProcessEntry& entry : entries_) {
    for (const OwnerFdSlot& slot : entry.fds) {
      const uint32_t at = *position++;
      if (at != InodeIndex::none) claims_[claim_counts_[at]++] = {slot.inode, entry.pid, slot.fd};
    }
  }
}

// Live inodes that no cached fd holds and that are not known to be ownerless.
void OwnerMap::collect_unowned(std::vector<uint64_t>& unowned) const {
  unowned.clear();
  auto claim = claims_.begin();
  auto ownerless = ownerless_.begin();
  for (uint64_t inode : live_) {
    while (claim != claims_.end() && claim->inode < inode) ++claim;
    while (ownerless != ownerless_.end() && *ownerless < inode) ++ownerless;
    const bool claimed = claim != claims_.end() && claim->inode == inode;
    const bool known_ownerless = ownerless != ownerless_.end() && *ownerless == inode;
    if (!claimed && !known_ownerless) unowned.push_back(inode);
  }
}

// Signal 5 of owner_map.h.
void OwnerMap::search_unowned() {
  // An ownerless inode stops being one when it leaves the dump or an owner turns up.
  std::erase_if(ownerless_, [this](uint64_t inode) {
    if (!is_live(inode)) return true;
    const auto claim = std::lower_bound(claims_.begin(), claims_.end(), Claim{inode, 0, 0});
    return claim != claims_.end() && claim->inode == inode;
  });
  collect_unowned(unowned_);
  to_search_.clear();

  const bool everything_read = std::all_of(
      entries_.begin(), entries_.end(), [this](const OwnerProcessEntry& entry) {
        return entry.full_read_at == generation_ || !entry.fds_readable;
      });
  if (everything_read) {  // nothing left to search: what is unowned now has no owner
    merge_into(ownerless_, unowned_);
    pending_unowned_.clear();
    return;
  }
  std::set_intersection(unowned_.begin(), unowned_.end(), pending_unowned_.begin(),
                        pending_unowned_.end(), std::back_inserter(to_search_));
  if (!to_search_.empty()) {
    search_order_.clear();
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].full_read_at != generation_ && entries_[i].fds_readable) {
        search_order_.push_back(i);
      }
    }
    std::sort(search_order_.begin(), search_order_.end(), [this](size_t a, size_t b) {
      const OwnerProcessEntry& x = entries_[a];
      const OwnerProcessEntry& y = entries_[b];
      return x.active_at != y.active_at ? x.active_at > y.active_at : x.pid < y.pid;
    });
    std::vector<uint64_t>& remaining = search_remaining_;
    remaining.assign(to_search_.begin(), to_search_.end());
    for (size_t index : search_order_) {
      if (remaining.empty()) break;
      OwnerProcessEntry& entry = entries_[index];
      if (scanner_.read_all_fds(entry, generation_, counters_) == OwnerScanResult::gone) {
        entry.fds.clear();  // exited: it owns nothing; the next listing drops it
        continue;
      }
      for (const OwnerFdSlot& slot : entry.fds) {
        const auto found = std::lower_bound(remaining.begin(), remaining.end(), slot.inode);
        if (found != remaining.end() && *found == slot.inode) remaining.erase(found);
      }
    }
    merge_into(ownerless_, remaining);  // empty unless every process was read in vain
    rebuild_claims();
    collect_unowned(unowned_);
  }
  pending_unowned_.swap(unowned_);
}

void OwnerMap::build_output() {
  // claims_ follow live_'s order (rebuild_claims), each inode's by pid.
  owner_pids_.clear();
  owner_start_.resize(live_.size() + 1);
  auto claim = claims_.begin();
  for (size_t at = 0; at < live_.size(); ++at) {
    owner_start_[at] = static_cast<uint32_t>(owner_pids_.size());
    for (; claim != claims_.end() && claim->inode == live_[at]; ++claim) {
      // One entry per (inode, pid): a process holding a socket on two fds owns it once.
      if (owner_pids_.size() == owner_start_[at] || owner_pids_.back() != claim->pid)
        owner_pids_.push_back(claim->pid);
    }
  }
  owner_start_[live_.size()] = static_cast<uint32_t>(owner_pids_.size());
  size_t count = 0;
  complete_ = true;
  for (const OwnerProcessEntry& entry : entries_) {
    complete_ = complete_ && entry.fds_readable;
    if (!entry.owns_live) continue;
    if (count == processes_.size()) processes_.emplace_back();
    processes_[count++] = entry.info;  // copy-assignment reuses the strings' capacity
  }
  processes_.resize(count);
}

}  // namespace netsnap
