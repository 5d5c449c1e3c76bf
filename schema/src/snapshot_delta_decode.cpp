// Decoding of SnapshotDelta in place (the reader's side), and the changes between two whole
// snapshots (after a key snapshot). Encoding: snapshot_delta_encode.cpp.
#include <algorithm>

#include "reader_limits.h"
#include "snapshot_delta.h"
#include "socket_columns.h"
#include "socket_fields.h"
#include "varint.h"
#include "wire_codec.h"

namespace netsnap {
namespace {

bool fail(std::string& why, const std::string& what) {
  why = what;
  return false;
}

// Sockets a delta touches are scattered over the namespace, and a replay step is bound by those
// cache misses rather than by instructions: loops over them ask for the socket
// `prefetch_distance` places ahead while working on this one.
constexpr size_t prefetch_distance = 8;
void prefetch_socket(const std::vector<Socket>& sockets, const std::vector<uint32_t>& positions,
                     size_t i) {
  if (i >= positions.size()) return;
  const char* socket = reinterpret_cast<const char*>(&sockets[positions[i]]);
  for (size_t line = 0; line < sizeof(Socket); line += 64) __builtin_prefetch(socket + line);
}

bool read_owners(VarintReader& r, OwnerList& owners) {
  uint64_t count;
  if (!r.next(count) || count > r.remaining() || count > MAX_OWNERS_PER_SOCKET) return false;
  owners.resize(count);
  int64_t last = 0;
  for (auto& pid : owners) {
    uint64_t v;
    if (!r.next(v)) return false;
    last += unzigzag(v);
    pid = static_cast<int32_t>(last);
  }
  return true;
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

  auto removed_bytes = in.getRemoved();
  VarintReader removed(removed_bytes.begin(), removed_bytes.size());
  uint64_t removed_count = 0;
  if (removed_bytes.size() && !removed.next(removed_count)) return fail(why, "bad removed list");
  if (removed_count > n) return fail(why, "removes more sockets than exist");
  uint64_t index = 0;
  for (uint64_t i = 0; i < removed_count; ++i) {
    uint64_t gap;
    if (!removed.next(gap)) return fail(why, "bad removed list");
    if (i > 0 && gap == 0) return fail(why, "removed indices not ascending");
    if (gap >= n - index) return fail(why, "removed index out of range");
    index += gap;
    changes.closed.push_back(static_cast<uint32_t>(index));
  }

  auto changed_bytes = in.getChanged();
  VarintReader changed(changed_bytes.begin(), changed_bytes.size());
  uint64_t changed_count = 0;
  if (changed_bytes.size() && !changed.next(changed_count)) return fail(why, "bad changed list");
  if (changed_count > n) return fail(why, "changes more sockets than exist");
  std::vector<uint32_t>& changed_at = scratch.changed_at;
  std::vector<uint64_t>& changed_mask = scratch.changed_mask;
  changed_at.resize(changed_count);
  changed_mask.resize(changed_count);
  uint64_t at = 0;
  size_t closed_at = 0;
  for (uint64_t i = 0; i < changed_count; ++i) {
    uint64_t gap;
    if (!changed.next(gap)) return fail(why, "bad changed list");
    if ((i > 0 && gap == 0) || gap >= n - at)
      return fail(why, "changed index out of range");
    at += gap;
    while (closed_at < changes.closed.size() && changes.closed[closed_at] < at) ++closed_at;
    if (closed_at < changes.closed.size() && changes.closed[closed_at] == at)
      return fail(why, "changed socket is also removed");
    changed_at[i] = static_cast<uint32_t>(at);
  }
  const std::vector<uint32_t>& changed_slot = changed_at;
  for (uint64_t i = 0; i < changed_count; ++i) {
    if (!changed.next(changed_mask[i])) return fail(why, "bad changed list");
    if (changed_mask[i] >> FIELD_COUNT) return fail(why, "changed field unknown to this reader");
  }
  if (history) {
    changes.changed_before.resize(changed_count);
    for (size_t i = 0; i < changed_count; ++i) {
      prefetch_socket(sockets, changed_slot, i + prefetch_distance);
      changes.changed_before[i] = sockets[changed_slot[i]];
    }
  }
  // Values come field by field; visit only the sockets whose mask has the field.
  uint64_t fields_present = 0;
  for (uint64_t m : changed_mask) fields_present |= m;
  for (int f = 0; f < FIELD_COUNT; ++f)
    for (uint64_t i = 0; i < changed_count && (fields_present >> f & 1); ++i) {
      if (!(changed_mask[i] >> f & 1)) continue;
      Socket& s = sockets[changed_slot[i]];
      if (f == OWNERS_FIELD) {
        if (!read_owners(changed, s.owners)) return fail(why, "bad owner list");
        continue;
      }
      uint64_t v;
      if (!changed.next(v)) return fail(why, "bad changed list");
      set_field(s, f, is_counter_field(f) ? get_field(s, f, false) + static_cast<uint64_t>(unzigzag(v)) : v);
    }
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
  snapshot.seq = in.getSeq();
  snapshot.wall_ns = in.getWallNs();
  snapshot.mono_ns = in.getMonoNs();
  snapshot.capture_ns = in.getCaptureNs();
  auto source = static_cast<uint16_t>(in.getSource());
  snapshot.source = source <= 3 ? static_cast<CaptureSource>(source) : CaptureSource::unknown;
  snapshot.errors = wire_codec::read_errors(in.getErrors());

  auto namespaces = in.getNamespaces();
  if (namespaces.size() > MAX_NAMESPACES)
    return fail(why, over_limit(namespaces.size(), "namespaces", MAX_NAMESPACES));
  if (!plausible_count(namespaces.size(), raw_bytes, 8)) return fail(why, "implausible namespaces");
  // Namespaces of the delta, in its order, each taken over from the previous snapshot.
  std::vector<Namespace> previous = std::move(snapshot.namespaces);
  snapshot.namespaces.clear();
  snapshot.namespaces.resize(namespaces.size());
  changes.has_previous = true;
  changes.namespaces.resize(namespaces.size());
  changes.namespaces_gone.clear();
  std::vector<uint8_t> taken(previous.size(), 0);
  for (size_t n = 0; n < namespaces.size(); ++n) {
    uint64_t inode = namespaces[n].getInode();
    bool found = false;
    for (size_t p = 0; p < previous.size(); ++p)
      if (!taken[p] && previous[p].inode == inode) {
        snapshot.namespaces[n] = std::move(previous[p]);
        taken[p] = 1;
        found = true;
        break;
      }
    changes.namespaces[n].is_new = !found;
    if (!apply_namespace(snapshot.namespaces[n], namespaces[n], changes.namespaces[n], history,
                         scratch_, why))
      return false;
  }
  for (size_t p = 0; p < previous.size(); ++p)
    if (!taken[p]) changes.namespaces_gone.push_back(previous[p].inode);

  if (!in.getProcessesUnchanged()) {
    if (in.getProcesses().size() > MAX_PROCESSES)
      return fail(why, over_limit(in.getProcesses().size(), "processes", MAX_PROCESSES));
    snapshot.processes.clear();
    for (auto p : in.getProcesses()) snapshot.processes.push_back(wire_codec::read_process(p));
  }
  if (in.getCounterLayoutUnchanged()) {
    auto bytes = in.getCounterDeltas();
    VarintReader r(bytes.begin(), bytes.size());
    for (auto& table : snapshot.counters)
      for (auto& value : table.values) {
        uint64_t v;
        if (!r.next(v)) return fail(why, "bad counter deltas");
        value = static_cast<int64_t>(static_cast<uint64_t>(value) + static_cast<uint64_t>(unzigzag(v)));
      }
  } else {
    snapshot.counters = wire_codec::read_counters(in.getCounters());
  }
  snapshot.settings_changed = wire_codec::read_settings(in.getSettingsChanged());
  snapshot.users_added = wire_codec::read_users(in.getUsersAdded());
  return true;
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
