// The replay side of close_wait_leak: which group a CLOSE_WAIT socket belongs to, how long each
// has been seen, and the owner's fds. Findings are built in close_wait_findings.cpp.
#include "detectors/close_wait_leak.h"

#include <algorithm>

namespace netsnap::analysis::detectors {
namespace {

constexpr size_t max_lifetimes = 4096;  // a sample is enough for a median
constexpr size_t max_remotes = 4096;    // distinct remotes kept per group

}  // namespace

void CloseWaitLeak::reset() {
  groups_.reset();
  unaccepted_.reset();
  for (auto& [id, entry] : entries_) entry.seen = false;
  recounting_ = true;
}

void CloseWaitLeak::enter(const FeedContext& context, uint64_t netns, const Socket& socket,
                          uint64_t first_seen) {
  const SocketIdentity id = socket_identity(netns, socket);
  auto [it, inserted] = entries_.try_emplace(id);
  Entry& entry = it->second;
  if (!inserted) {
    if (!recounting_ || entry.seen) return;  // counted already (the cursor matched it)
    first_seen = entry.first_seen;          // the same socket after damage: its age goes on
  }
  entry = Entry{};
  entry.first_seen = first_seen;
  entry.port = {netns, socket.local.port};
  entry.local_ip = ip_key(socket.local, socket.family);
  entry.remote_ip = ip_key(socket.remote, socket.family);
  entry.local_port = socket.local.port;
  entry.remote_port = socket.remote.port;
  place(context, netns, socket, entry);
  if (!inserted || !entry.group.slot) return;  // a recount found it again: tallied already
  GroupData& group = entry.group.slot->extra;
  if (context.moment.ordinal > 0) ++group.appeared;  // not one the window started with
  const bool client = context.settings.port_range.contains(socket.local.port);
  const RemoteKey remote{entry.remote_ip, client ? socket.remote.port : uint16_t{0}};
  if (group.remotes.size() < max_remotes || group.remotes.contains(remote)) ++group.remotes[remote];
}

// Counts the socket where it belongs: with its listener when it was never accepted (no file,
// inode 0; or no owner where owners are complete), else with its owner, else its local port.
void CloseWaitLeak::place(const FeedContext& context, uint64_t netns, const Socket& socket, Entry& entry) {
  const int32_t pid = owner_pid(socket);
  entry.group = {};
  if (pid == 0 && (socket.inode == 0 || context.owners_complete) && listeners_.listening(entry.port)) {
    unaccepted_.apply(entry.port, +1);
    return;
  }
  const CloseWaitGroup key = pid > 0 ? CloseWaitGroup{pid, 0, 0} : CloseWaitGroup{0, netns, socket.local.port};
  entry.group = groups_.apply_handle(key, +1);
  GroupData& group = entry.group.slot->extra;
  if (pid > 0 && group.program.empty())
    if (const Process* p = context.processes.find(pid)) group.program = program_name(*p);
  if (!group.netns_seen) group.netns = netns;
  else if (group.netns != netns) group.netns = 0;
  group.netns_seen = true;
}

void CloseWaitLeak::unplace(const Entry& entry) {
  if (entry.group.slot) groups_.apply(entry.group, -1);
  else unaccepted_.apply(entry.port, -1);
}

// The socket was last seen in the previous snapshot. `counted`: its group still counts it
// (false for sockets a recount did not find again: the reset already took them out).
void CloseWaitLeak::leave(const FeedContext& context, const SocketIdentity& id, bool counted) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  const Entry& entry = it->second;
  if (counted) unplace(entry);
  if (entry.group.slot) {
    GroupData& group = entry.group.slot->extra;
    ++group.closed;
    const uint64_t last = context.moment.ordinal > 0 ? context.moment.ordinal - 1 : 0;
    const double lifetime =
        static_cast<double>(context.clock.wall_at(last) - context.clock.wall_at(entry.first_seen)) / 1e9;
    group.longest_lifetime_s = std::max(group.longest_lifetime_s, lifetime);
    if (group.lifetimes_s.size() < max_lifetimes) group.lifetimes_s.push_back(lifetime);
  }
  entries_.erase(it);
}

void CloseWaitLeak::added(const FeedContext& context, uint64_t netns, const Socket& socket) {
  if (socket.state == tcp_state::close_wait) enter(context, netns, socket, context.moment.ordinal);
}

void CloseWaitLeak::removed(const FeedContext& context, uint64_t netns, const Socket& socket) {
  if (socket.state == tcp_state::close_wait) leave(context, socket_identity(netns, socket));
}

void CloseWaitLeak::changed(const FeedContext& context, uint64_t netns, const Socket& before,
                            const Socket& after) {
  const bool was = before.state == tcp_state::close_wait, is = after.state == tcp_state::close_wait;
  if (was && is) {
    if (owner_pid(before) == owner_pid(after) && before.inode == after.inode) return;
    // The owner showed up (or changed): count it elsewhere, keeping its age and tallies.
    auto it = entries_.find(socket_identity(netns, before));
    if (it == entries_.end()) return enter(context, netns, after, context.moment.ordinal);
    unplace(it->second);
    place(context, netns, after, it->second);
  } else if (was) {
    leave(context, socket_identity(netns, before));
  } else if (is) {
    enter(context, netns, after, context.moment.ordinal);
  }
}

void CloseWaitLeak::end_snapshot(const FeedContext& context) {
  if (recounting_) {  // sockets the recount did not find again closed during the damage
    recounting_ = false;
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->second.seen) {
        ++it;
        continue;
      }
      const SocketIdentity id = it->first;
      ++it;  // leave() erases this entry only
      leave(context, id, false);
    }
  }
  groups_.commit(context.moment);
  unaccepted_.commit(context.moment);
  if (context.moment.bucket_start) sample(context);
}

// Once per bucket: how many of each group's sockets are old enough to count as persisting,
// and the owner's fds. Both are slow-moving, so bucket resolution is enough.
void CloseWaitLeak::sample(const FeedContext& context) {
  const uint64_t now = context.moment.ordinal;
  if (entries_.size() >= options_.close_wait_persist_sockets) {
    for (auto& [key, slot] : groups_.slots()) slot.extra.aged_now = 0;
    const int64_t wall = context.moment.wall_ns;
    const double persist_ns = options_.close_wait_persist_s * 1e9;
    for (const auto& [id, entry] : entries_)
      if (entry.group.slot &&
          static_cast<double>(wall - context.clock.wall_at(entry.first_seen)) >= persist_ns)
        ++entry.group.slot->extra.aged_now;
    for (auto& [key, slot] : groups_.slots())
      if (slot.extra.aged_now > slot.extra.max_aged)
        slot.extra.max_aged = slot.extra.aged_now, slot.extra.max_aged_ordinal = now;
  }
  for (auto& [key, slot] : groups_.slots()) {
    if (key.pid <= 0 || slot.committed <= 0) continue;
    const Process* p = context.processes.find(key.pid);
    if (!p) continue;
    GroupData& group = slot.extra;
    group.fds_known = true;
    group.fds_now = p->fd_count;
    group.nofile_soft = p->nofile_soft;
    group.fds.record(context.moment, p->fd_count);
    if (group.program.empty()) group.program = program_name(*p);
  }
}

std::vector<const CloseWaitLeak::Entry*> CloseWaitLeak::entries_of(const Groups::Slot& slot) const {
  std::vector<const Entry*> out;
  for (const auto& [id, entry] : entries_)
    if (entry.group.slot == &slot) out.push_back(&entry);
  return out;
}

}  // namespace netsnap::analysis::detectors
