// Encoding and decoding of SnapshotDelta. The changed-socket column lists, per socket, only
// the fields that changed (a bit mask of SocketField) with zigzag differences, so a snapshot
// in which 5% of queues moved costs a few bytes per moved queue before compression.
#include "snapshot_delta.h"

#include <algorithm>

#include "varint.h"
#include "wire_codec.h"

namespace netsnap {
namespace {

// SocketField order (netsnap.capnp). `owners` (11) is handled apart: it is a list.
constexpr int OWNERS_FIELD = 11;
constexpr int FIELD_COUNT = 26;

// The encoder compares absent tcp_info as zeros (`gated`); the decoder applies differences to
// the stored values, which are zeros when absent, and clears them when tcp_info goes away.
uint64_t get_field(const Socket& s, int f, bool gated = true) {
  const TcpInfo& t = s.tcp_info;
  auto tcp = [&](const Socket& x, uint64_t v) { return (!gated || x.has_tcp_info) ? v : 0; };
  switch (f) {
    case 0: return s.state;
    case 1: return s.recv_q;
    case 2: return s.send_q;
    case 3: return s.uid;
    case 4: return s.timer;
    case 5: return s.timer_expires_ms;
    case 6: return s.retransmits;
    case 7: return s.probes;
    case 8: return s.unix_flags;
    case 9: return s.ref_count;
    case 10: return s.peer_inode;
    case 12: return s.has_tcp_info;
    case 13: return tcp(s, t.rtt_us);
    case 14: return tcp(s, t.rttvar_us);
    case 15: return tcp(s, t.snd_cwnd);
    case 16: return tcp(s, t.snd_ssthresh);
    case 17: return tcp(s, t.retransmits);
    case 18: return tcp(s, t.total_retrans);
    case 19: return tcp(s, t.lost);
    case 20: return tcp(s, t.unacked);
    case 21: return tcp(s, t.last_data_recv_ms);
    case 22: return tcp(s, t.last_data_sent_ms);
    case 23: return tcp(s, t.bytes_acked);
    case 24: return tcp(s, t.bytes_received);
    case 25: return tcp(s, t.probes);
  }
  return 0;
}

void set_field(Socket& s, int f, uint64_t v) {
  TcpInfo& t = s.tcp_info;
  auto u32 = [&](uint32_t& x) { x = static_cast<uint32_t>(v); };
  auto u8 = [&](uint8_t& x) { x = static_cast<uint8_t>(v); };
  switch (f) {
    case 0: u8(s.state); break;
    case 1: u32(s.recv_q); break;
    case 2: u32(s.send_q); break;
    case 3: u32(s.uid); break;
    case 4: u8(s.timer); break;
    case 5: u32(s.timer_expires_ms); break;
    case 6: u8(s.retransmits); break;
    case 7: u8(s.probes); break;
    case 8: u32(s.unix_flags); break;
    case 9: u32(s.ref_count); break;
    case 10: s.peer_inode = v; break;
    case 12: s.has_tcp_info = v != 0; break;
    case 13: u32(t.rtt_us); break;
    case 14: u32(t.rttvar_us); break;
    case 15: u32(t.snd_cwnd); break;
    case 16: u32(t.snd_ssthresh); break;
    case 17: u32(t.retransmits); break;
    case 18: u32(t.total_retrans); break;
    case 19: u32(t.lost); break;
    case 20: u32(t.unacked); break;
    case 21: u32(t.last_data_recv_ms); break;
    case 22: u32(t.last_data_sent_ms); break;
    case 23: t.bytes_acked = v; break;
    case 24: t.bytes_received = v; break;
    case 25: u32(t.probes); break;
  }
}

void put_owners(std::string& out, const std::vector<int32_t>& owners) {
  put_varint(out, owners.size());
  int64_t last = 0;
  for (int32_t pid : owners) {
    put_varint(out, zigzag(pid - last));
    last = pid;
  }
}

bool same_counter_layout(const std::vector<CounterTable>& a, const std::vector<CounterTable>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].names != b[i].names) return false;
  return true;
}

const Namespace* find_namespace(const Snapshot& s, uint64_t inode) {
  for (const Namespace& ns : s.namespaces)
    if (ns.inode == inode) return &ns;
  return nullptr;
}

kj::ArrayPtr<const kj::byte> bytes_of(const std::string& s) {
  return {reinterpret_cast<const kj::byte*>(s.data()), s.size()};
}

}  // namespace

void DeltaEncoder::encode(const Snapshot& previous, const Snapshot& current,
                          wire::SnapshotDelta::Builder out, Snapshot& stored) {
  out.setSeq(current.seq);
  out.setWallNs(current.wall_ns);
  out.setMonoNs(current.mono_ns);
  out.setCaptureNs(current.capture_ns);
  out.setSource(static_cast<wire::CaptureSource>(current.source));
  wire_codec::write_errors(current.errors, out.initErrors(current.errors.size()));

  stored.seq = current.seq;
  stored.wall_ns = current.wall_ns;
  stored.mono_ns = current.mono_ns;
  stored.capture_ns = current.capture_ns;
  stored.source = current.source;
  stored.errors = current.errors;
  stored.processes = current.processes;
  stored.counters = current.counters;
  stored.settings_changed = current.settings_changed;
  stored.users_added = current.users_added;
  stored.namespaces.resize(current.namespaces.size());

  static const Namespace empty_namespace;
  auto namespaces = out.initNamespaces(current.namespaces.size());
  for (size_t n = 0; n < current.namespaces.size(); ++n) {
    const Namespace& cur = current.namespaces[n];
    const Namespace* found = find_namespace(previous, cur.inode);
    const Namespace& prev = found ? *found : empty_namespace;
    auto ns_out = namespaces[n];
    ns_out.setInode(cur.inode);
    ns_out.setName(cur.name);

    matcher_.match(prev.sockets, cur.sockets, previous_of_);
    survives_.assign(prev.sockets.size(), 0);
    size_t added = 0;
    for (int32_t p : previous_of_) {
      if (p >= 0) survives_[p] = 1;
      else ++added;
    }
    // Removed: ascending previous indices as gaps.
    removed_.clear();
    size_t removed_count = std::count(survives_.begin(), survives_.end(), 0);
    put_varint(removed_, removed_count);
    size_t last = 0;
    for (size_t i = 0; i < survives_.size(); ++i)
      if (!survives_[i]) {
        put_varint(removed_, i - last);
        last = i;
      }
    // Changed: survivors in previous order with the fields that differ.
    std::vector<int32_t> current_of(prev.sockets.size(), -1);
    for (size_t c = 0; c < previous_of_.size(); ++c)
      if (previous_of_[c] >= 0) current_of[previous_of_[c]] = static_cast<int32_t>(c);
    changed_.clear();
    std::string body;
    size_t changed_count = 0, last_changed = 0;
    Namespace& st = stored.namespaces[n];
    st.inode = cur.inode;
    st.name = cur.name;
    st.sockets.clear();
    st.sockets.reserve(cur.sockets.size());
    for (size_t p = 0; p < prev.sockets.size(); ++p) {
      if (current_of[p] < 0) continue;
      const Socket& a = prev.sockets[p];
      const Socket& b = cur.sockets[current_of[p]];
      st.sockets.push_back(b);
      uint64_t mask = 0;
      for (int f = 0; f < FIELD_COUNT; ++f) {
        if (f == OWNERS_FIELD) {
          if (a.owners != b.owners) mask |= 1ull << f;
        } else if (get_field(a, f) != get_field(b, f)) {
          mask |= 1ull << f;
        }
      }
      if (!mask) continue;
      ++changed_count;
      put_varint(body, p - last_changed);
      last_changed = p;
      put_varint(body, mask);
      for (int f = 0; f < FIELD_COUNT; ++f) {
        if (!(mask >> f & 1)) continue;
        if (f == OWNERS_FIELD) put_owners(body, b.owners);
        else put_varint(body, zigzag(static_cast<int64_t>(get_field(b, f) - get_field(a, f))));
      }
    }
    put_varint(changed_, changed_count);
    changed_ += body;
    ns_out.setRemoved(bytes_of(removed_));
    ns_out.setChanged(bytes_of(changed_));
    auto added_out = ns_out.initAdded(added);
    size_t k = 0;
    for (size_t c = 0; c < cur.sockets.size(); ++c)
      if (previous_of_[c] < 0) {
        wire_codec::write_socket(cur.sockets[c], added_out[k++]);
        st.sockets.push_back(cur.sockets[c]);
      }
  }

  out.setProcessesUnchanged(previous.processes == current.processes);
  if (previous.processes != current.processes) {
    auto processes = out.initProcesses(current.processes.size());
    for (size_t i = 0; i < current.processes.size(); ++i)
      wire_codec::write_process(current.processes[i], processes[i]);
  }
  bool same_layout = same_counter_layout(previous.counters, current.counters);
  out.setCounterLayoutUnchanged(same_layout);
  if (same_layout) {
    counter_deltas_.clear();
    for (size_t t = 0; t < current.counters.size(); ++t)
      for (size_t i = 0; i < current.counters[t].values.size(); ++i)
        put_varint(counter_deltas_,
                   zigzag(current.counters[t].values[i] - previous.counters[t].values[i]));
    out.setCounterDeltas(bytes_of(counter_deltas_));
  } else {
    wire_codec::write_counters(current.counters, out.initCounters(current.counters.size()));
  }
  wire_codec::write_settings(current.settings_changed,
                             out.initSettingsChanged(current.settings_changed.size()));
  wire_codec::write_users(current.users_added, out.initUsersAdded(current.users_added.size()));
}

namespace {

bool fail(std::string& why, const char* what) {
  why = what;
  return false;
}

bool read_owners(VarintReader& r, std::vector<int32_t>& owners) {
  uint64_t count;
  if (!r.next(count) || count > r.remaining()) return false;
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

bool decode_namespace(const Namespace& prev, wire::NamespaceDelta::Reader in, size_t raw_bytes,
                      Namespace& cur, NamespaceChanges& changes, std::string& why) {
  cur.inode = in.getInode();
  cur.name = std::string(in.getName().cStr(), in.getName().size());
  changes.inode = cur.inode;
  changes.closed.clear();
  changes.opened.clear();
  changes.changed.clear();

  auto removed_bytes = in.getRemoved();
  VarintReader removed(removed_bytes.begin(), removed_bytes.size());
  uint64_t removed_count = 0;
  if (removed_bytes.size() && !removed.next(removed_count)) return fail(why, "bad removed list");
  if (removed_count > prev.sockets.size()) return fail(why, "removes more sockets than exist");
  std::vector<uint8_t> gone(prev.sockets.size(), 0);
  uint64_t index = 0;
  for (uint64_t i = 0; i < removed_count; ++i) {
    uint64_t gap;
    if (!removed.next(gap)) return fail(why, "bad removed list");
    if (i > 0 && gap == 0) return fail(why, "removed indices not ascending");
    if (gap >= prev.sockets.size() - index) return fail(why, "removed index out of range");
    index += gap;
    gone[index] = 1;
    changes.closed.push_back(static_cast<uint32_t>(index));
  }

  // Survivors keep their previous order; remember where each lands.
  std::vector<int32_t> current_of(prev.sockets.size(), -1);
  auto added = in.getAdded();
  if (!plausible_count(added.size(), raw_bytes, 64)) return fail(why, "implausible socket count");
  cur.sockets.clear();
  cur.sockets.reserve(prev.sockets.size() - removed_count + added.size());
  for (size_t p = 0; p < prev.sockets.size(); ++p) {
    if (gone[p]) continue;
    current_of[p] = static_cast<int32_t>(cur.sockets.size());
    cur.sockets.push_back(prev.sockets[p]);
  }

  auto changed_bytes = in.getChanged();
  VarintReader changed(changed_bytes.begin(), changed_bytes.size());
  uint64_t changed_count = 0;
  if (changed_bytes.size() && !changed.next(changed_count)) return fail(why, "bad changed list");
  if (changed_count > prev.sockets.size()) return fail(why, "changes more sockets than exist");
  uint64_t at = 0;
  for (uint64_t i = 0; i < changed_count; ++i) {
    uint64_t gap, mask;
    if (!changed.next(gap) || !changed.next(mask)) return fail(why, "bad changed list");
    at += gap;
    if (at >= prev.sockets.size() || (i > 0 && gap == 0) || current_of[at] < 0)
      return fail(why, "changed index out of range");
    if (mask >> FIELD_COUNT) return fail(why, "changed field unknown to this reader");
    Socket& s = cur.sockets[current_of[at]];
    for (int f = 0; f < FIELD_COUNT; ++f) {
      if (!(mask >> f & 1)) continue;
      if (f == OWNERS_FIELD) {
        if (!read_owners(changed, s.owners)) return fail(why, "bad owner list");
        continue;
      }
      uint64_t v;
      if (!changed.next(v)) return fail(why, "bad changed list");
      set_field(s, f, get_field(s, f, false) + static_cast<uint64_t>(unzigzag(v)));
    }
    if (!s.has_tcp_info) s.tcp_info = TcpInfo{};
    changes.changed.emplace_back(static_cast<uint32_t>(at), static_cast<uint32_t>(current_of[at]));
  }
  for (size_t a = 0; a < added.size(); ++a) {
    changes.opened.push_back(static_cast<uint32_t>(cur.sockets.size()));
    wire_codec::read_socket(added[a], cur.sockets.emplace_back());
  }
  return true;
}

}  // namespace

bool DeltaDecoder::decode(const Snapshot& previous, wire::SnapshotDelta::Reader in,
                          size_t raw_bytes, Snapshot& current, SnapshotChanges& changes,
                          std::string& why) {
  current.seq = in.getSeq();
  current.wall_ns = in.getWallNs();
  current.mono_ns = in.getMonoNs();
  current.capture_ns = in.getCaptureNs();
  auto source = static_cast<uint16_t>(in.getSource());
  current.source = source <= 3 ? static_cast<CaptureSource>(source) : CaptureSource::unknown;
  current.errors = wire_codec::read_errors(in.getErrors());

  auto namespaces = in.getNamespaces();
  if (!plausible_count(namespaces.size(), raw_bytes, 8)) return fail(why, "implausible namespaces");
  static const Namespace empty_namespace;
  current.namespaces.resize(namespaces.size());
  changes.has_previous = true;
  changes.namespaces.resize(namespaces.size());
  changes.namespaces_gone.clear();
  for (size_t n = 0; n < namespaces.size(); ++n) {
    const Namespace* found = find_namespace(previous, namespaces[n].getInode());
    changes.namespaces[n].is_new = found == nullptr;
    if (!decode_namespace(found ? *found : empty_namespace, namespaces[n], raw_bytes,
                          current.namespaces[n], changes.namespaces[n], why))
      return false;
  }
  for (const Namespace& ns : previous.namespaces)
    if (!find_namespace(current, ns.inode)) changes.namespaces_gone.push_back(ns.inode);

  if (in.getProcessesUnchanged()) {
    current.processes = previous.processes;
  } else {
    current.processes.clear();
    for (auto p : in.getProcesses()) current.processes.push_back(wire_codec::read_process(p));
  }
  if (in.getCounterLayoutUnchanged()) {
    current.counters = previous.counters;
    auto bytes = in.getCounterDeltas();
    VarintReader r(bytes.begin(), bytes.size());
    for (auto& table : current.counters)
      for (auto& value : table.values) {
        uint64_t v;
        if (!r.next(v)) return fail(why, "bad counter deltas");
        value = static_cast<int64_t>(static_cast<uint64_t>(value) + static_cast<uint64_t>(unzigzag(v)));
      }
  } else {
    current.counters = wire_codec::read_counters(in.getCounters());
  }
  current.settings_changed = wire_codec::read_settings(in.getSettingsChanged());
  current.users_added = wire_codec::read_users(in.getUsersAdded());
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
  }
  for (const Namespace& ns : previous.namespaces)
    if (!find_namespace(current, ns.inode)) changes.namespaces_gone.push_back(ns.inode);
}

}  // namespace netsnap
