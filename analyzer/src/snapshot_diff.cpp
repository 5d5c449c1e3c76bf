#include "snapshot_diff.h"

#include <string>
#include <unordered_map>

namespace netsnap::analysis {
namespace {

void append_bytes(std::string& key, const void* data, size_t size) {
  key.append(static_cast<const char*>(data), size);
}

// Everything that cannot change while a socket lives, as one byte string.
std::string identity_key(const Socket& socket, uint64_t netns) {
  std::string key;
  key.reserve(64 + socket.unix_path.size());
  append_bytes(key, &netns, sizeof netns);
  append_bytes(key, &socket.family, sizeof socket.family);
  append_bytes(key, &socket.protocol, sizeof socket.protocol);
  for (const Endpoint* endpoint : {&socket.local, &socket.remote}) {
    append_bytes(key, endpoint->address.data(), endpoint->address.size());
    append_bytes(key, &endpoint->port, sizeof endpoint->port);
  }
  append_bytes(key, &socket.inode, sizeof socket.inode);
  append_bytes(key, &socket.unix_type, sizeof socket.unix_type);
  key.append(socket.unix_path);
  return key;
}

std::vector<SocketAt> all_sockets(const Snapshot& snapshot) {
  std::vector<SocketAt> sockets;
  for (const Namespace& ns : snapshot.namespaces) {
    for (const Socket& socket : ns.sockets) sockets.push_back({&socket, ns.inode});
  }
  return sockets;
}

}  // namespace

bool differs_in_state_or_queues(const Socket& before, const Socket& after) {
  return before.state != after.state || before.recv_q != after.recv_q ||
         before.send_q != after.send_q;
}

SnapshotDiff diff_snapshots(const Snapshot& from, const Snapshot& to, bool same_boot) {
  const std::vector<SocketAt> before = all_sockets(from), after = all_sockets(to);
  constexpr size_t none = SIZE_MAX;
  std::vector<size_t> match_of_after(after.size(), none);
  std::vector<bool> before_matched(before.size(), false);

  // 1. By cookie: unique per boot, so it tells apart even sockets with equal 4-tuples (a
  //    TIME_WAIT and its successor on the same ports).
  std::unordered_map<uint64_t, size_t> by_cookie;
  for (size_t i = 0; same_boot && i < before.size(); ++i) {
    if (before[i].socket->cookie != 0) by_cookie.emplace(before[i].socket->cookie, i);
  }
  for (size_t i = 0; i < after.size(); ++i) {
    const uint64_t cookie = after[i].socket->cookie;
    if (cookie == 0) continue;
    const auto it = by_cookie.find(cookie);
    if (it == by_cookie.end() || before_matched[it->second]) continue;
    match_of_after[i] = it->second;
    before_matched[it->second] = true;
  }

  // 2. The rest by 4-tuple + inode, only where a cookie cannot decide (either side has none).
  std::unordered_map<std::string, std::vector<size_t>> by_identity;
  for (size_t i = 0; i < before.size(); ++i) {
    if (!before_matched[i])
      by_identity[identity_key(*before[i].socket, before[i].netns)].push_back(i);
  }
  for (size_t i = 0; i < after.size(); ++i) {
    if (match_of_after[i] != none) continue;
    const auto it = by_identity.find(identity_key(*after[i].socket, after[i].netns));
    if (it == by_identity.end()) continue;
    for (const size_t candidate : it->second) {
      if (before_matched[candidate]) continue;
      if (same_boot && before[candidate].socket->cookie != 0 && after[i].socket->cookie != 0) {
        continue;
      }
      match_of_after[i] = candidate;
      before_matched[candidate] = true;
      break;
    }
  }

  SnapshotDiff diff;
  for (size_t i = 0; i < before.size(); ++i) {
    if (!before_matched[i]) diff.closed.push_back(before[i]);
  }
  for (size_t i = 0; i < after.size(); ++i) {
    if (match_of_after[i] == none) {
      diff.opened.push_back(after[i]);
    } else if (differs_in_state_or_queues(*before[match_of_after[i]].socket, *after[i].socket)) {
      diff.changed.emplace_back(before[match_of_after[i]], after[i]);
    }
  }
  return diff;
}

}  // namespace netsnap::analysis
