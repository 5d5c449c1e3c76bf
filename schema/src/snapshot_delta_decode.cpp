// Decoding of SnapshotDelta in place (the reader's side), and the changes between two whole
// snapshots (after a key snapshot). Encoding: snapshot_delta_encode.cpp.
#include <algorithm>

#include "netsnap/cache_prefetch.h"
#include "reader_limits.h"
#include "snapshot_delta.h"
#include "socket_columns.h"
#include "socket_fields.h"
#include "varint.h"
#include "wire_codec.h"

namespace netsnap {
namespace {

// Sockets a delta touches are scattered over the namespace, and a replay step is bound by those
// cache misses rather than by instructions: loops over them ask for the socket
// `prefetch_distance` places ahead while working on this one.
constexpr size_t prefetch_distance = 8;
void prefetch_socket(const std::vector<Socket>& sockets, const std::vector<uint32_t>& positions,
                     size_t i) {
  if (i >= positions.size()) return;
  prefetch_object(&sockets[positions[i]], sizeof(Socket));
}

// Applies one namespace's changes to `ns` (the previous state on entry). Indices in the delta
// refer to the previous order: fields are changed first, then removed sockets compacted away,
// then new ones appended, so the work is proportional to the changes (plus one pass to compact
// when sockets were removed).
// Removal swaps the last socket into the hole (from the highest position down), so a delta
// costs what changed, never a pass over every socket. `history`: keep the old values of closed
// and changed sockets in `changes` (a cursor needs them; rebuilding a snapshot does not).
bool apply_namespace(Namespace& ns, wire::NamespaceDelta::Reader in, NamespaceChanges& changes,
                     bool history, DeltaDecoder::Scratch& scratch, std::string& why) {
  std::vector<Socket>& sockets = ns.sockets;
  const size_t n = sockets.size();
  ns.inode = in.getInode();
  ns.name = std::string(in.getName().cStr(), in.getName().size());
  changes.inode = ns.inode;
  changes.closed.clear();
  changes.opened.clear();
  changes.changed.clear();
  // closed_sockets and changed_before keep their elements: assigning into them reuses their
  // strings' and owner lists' memory (they are resized below).
  if (!history) {
    changes.closed_sockets.clear();
    changes.changed_before.clear();
  }

  if (!read_removed_list(in, n, changes.closed, why)) return false;
  const uint64_t removed_count = changes.closed.size();
  auto changed_bytes = in.getChanged();
  VarintReader changed(changed_bytes.begin(), changed_bytes.size());
  std::vector<uint32_t>& changed_at = scratch.changed_at;
  if (!read_changed_lists(changed, n, changes.closed, changed_at, scratch.changed_mask, why))
    return false;
  const size_t changed_count = changed_at.size();
  const std::vector<uint32_t>& changed_slot = changed_at;
  if (history) {
    changes.changed_before.resize(changed_count);
    for (size_t i = 0; i < changed_count; ++i) {
      prefetch_socket(sockets, changed_slot, i + prefetch_distance);
      changes.changed_before[i] = sockets[changed_slot[i]];
    }
  }
  if (!apply_changed_values(changed, sockets, changed_slot, scratch.changed_mask, scratch.by_field,
                            why))
    return false;
  for (uint32_t p : changed_slot)
    if (!sockets[p].has_tcp_info) sockets[p].tcp_info = TcpInfo{};

  // Swap-remove from the highest position down; track where moved survivors land. Only
  // sockets of the tail [n - removed, n) ever move (each into a hole below), so both maps are
  // arrays over the tail: tail_origin[q] is the original position of the socket now at
  // tail_start + q, tail_moved_to[q] where the socket originally at tail_start + q ended up.
  constexpr uint32_t unmoved = UINT32_MAX;
  const size_t tail_start = n - removed_count;
  scratch.tail_origin.assign(removed_count, unmoved);
  scratch.tail_moved_to.assign(removed_count, unmoved);
  if (history) {
    changes.closed_sockets.resize(removed_count);
    // The hole left behind is overwritten by the move below (or popped).
    for (size_t i = 0; i < removed_count; ++i) {
      prefetch_socket(sockets, changes.closed, i + prefetch_distance);
      changes.closed_sockets[i] = std::move(sockets[changes.closed[i]]);
    }
  }
  for (size_t i = changes.closed.size(); i-- > 0;) {
    const uint32_t p = changes.closed[i];
    const uint32_t last = static_cast<uint32_t>(sockets.size() - 1);  // always in the tail
    if (p != last) {
      sockets[p] = std::move(sockets[last]);
      const uint32_t origin = scratch.tail_origin[last - tail_start];
      const uint32_t from = origin != unmoved ? origin : last;
      if (p >= tail_start) scratch.tail_origin[p - tail_start] = from;
      scratch.tail_moved_to[from - tail_start] = p;
    }
    sockets.pop_back();
  }
  changes.changed.reserve(changed_count);
  for (uint32_t p : changed_at) {
    const uint32_t moved = p >= tail_start ? scratch.tail_moved_to[p - tail_start] : unmoved;
    changes.changed.emplace_back(p, moved != unmoved ? moved : p);
  }
  size_t survivors = sockets.size();
  auto added = in.getAdded();
  if (!decode_socket_columns({added.begin(), added.size()}, sockets, why)) return false;
  for (size_t a = survivors; a < sockets.size(); ++a) changes.opened.push_back(static_cast<uint32_t>(a));
  return true;
}

}  // namespace

bool DeltaDecoder::apply(Snapshot& snapshot, wire::SnapshotDelta::Reader in, size_t raw_bytes,
                         SnapshotChanges& changes, std::string& why, bool history) {
  read_delta_times(snapshot, in);
  auto namespaces = in.getNamespaces();
  if (namespaces.size() > MAX_NAMESPACES)
    return fail(why, over_limit(namespaces.size(), "namespaces", MAX_NAMESPACES));
  if (!plausible_count(namespaces.size(), raw_bytes, 8)) return fail(why, "implausible namespaces");
  // Namespaces of the delta, in its order, each taken over from the previous snapshot.
  std::vector<Namespace> previous = std::move(snapshot.namespaces);
  std::vector<int32_t>& previous_of = scratch_.previous_of;
  match_namespaces(previous, namespaces, previous_of, scratch_.namespaces_gone);
  snapshot.namespaces.clear();
  snapshot.namespaces.resize(namespaces.size());
  changes.has_previous = true;
  changes.namespaces.resize(namespaces.size());
  changes.namespaces_gone.clear();
  for (const uint32_t p : scratch_.namespaces_gone)
    changes.namespaces_gone.push_back(previous[p].inode);
  for (size_t n = 0; n < namespaces.size(); ++n) {
    const int32_t p = previous_of[n];
    if (p >= 0) snapshot.namespaces[n] = std::move(previous[p]);
    changes.namespaces[n].is_new = p < 0;
    if (!apply_namespace(snapshot.namespaces[n], namespaces[n], changes.namespaces[n], history,
                         scratch_, why))
      return false;
  }
  return read_delta_rest(snapshot, in, why);
}

void compute_changes(const Snapshot& previous, const Snapshot& current, SnapshotChanges& changes,
                     SocketMatcher& matcher) {
  static const Namespace empty_namespace;
  changes.has_previous = true;
  changes.namespaces.resize(current.namespaces.size());
  changes.namespaces_gone.clear();
  std::vector<int32_t> previous_of;
  for (size_t n = 0; n < current.namespaces.size(); ++n) {
    const Namespace& cur = current.namespaces[n];
    const Namespace* found = find_namespace(previous, cur.inode);
    const Namespace& prev = found ? *found : empty_namespace;
    NamespaceChanges& out = changes.namespaces[n];
    out.inode = cur.inode;
    out.is_new = found == nullptr;
    out.closed.clear();
    out.opened.clear();
    out.changed.clear();
    matcher.match(prev.sockets, cur.sockets, previous_of);
    std::vector<uint8_t> survives(prev.sockets.size(), 0);
    for (size_t c = 0; c < previous_of.size(); ++c) {
      int32_t p = previous_of[c];
      if (p < 0) {
        out.opened.push_back(static_cast<uint32_t>(c));
        continue;
      }
      survives[p] = 1;
      if (!(prev.sockets[p] == cur.sockets[c]))
        out.changed.emplace_back(static_cast<uint32_t>(p), static_cast<uint32_t>(c));
    }
    for (size_t p = 0; p < survives.size(); ++p)
      if (!survives[p]) out.closed.push_back(static_cast<uint32_t>(p));
    out.closed_sockets.clear();
    out.changed_before.clear();
    for (uint32_t p : out.closed) out.closed_sockets.push_back(prev.sockets[p]);
    for (auto [p, c] : out.changed) out.changed_before.push_back(prev.sockets[p]);
  }
  for (const Namespace& ns : previous.namespaces)
    if (!find_namespace(current, ns.inode)) changes.namespaces_gone.push_back(ns.inode);
}

}  // namespace netsnap
