// The parts of decoding a delta that the whole-socket decoder (snapshot_delta_decode.cpp) and
// the summary decoder (summary_delta_decode.cpp) share: both must accept exactly the same
// records and give the same reason for a bad one, so that both replays skip and report the
// same damage.
#include <bit>

#include "process_table_delta.h"
#include "reader_limits.h"
#include "snapshot_delta.h"
#include "socket_fields.h"
#include "wire_codec.h"

namespace netsnap {
namespace {

// `owners` null: the list is checked and skipped (a summary keeps no owners).
bool read_owners(VarintReader& r, OwnerList* owners) {
  uint64_t count;
  if (!r.next(count) || count > r.remaining() || count > MAX_OWNERS_PER_SOCKET) return false;
  if (owners) owners->resize(count);
  int64_t last = 0;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t v;
    if (!r.next(v)) return false;
    last += unzigzag(v);
    if (owners) (*owners)[i] = static_cast<int32_t>(last);
  }
  return true;
}

// One changed field's new value into a socket; null, or what is wrong.
const char* apply_changed_field(VarintReader& r, Socket& s, int f) {
  if (f == OWNERS_FIELD) return read_owners(r, &s.owners) ? nullptr : "bad owner list";
  uint64_t v;
  if (!r.next(v)) return "bad changed list";
  set_field(s, f,
            is_counter_field(f) ? get_field(s, f, false) + static_cast<uint64_t>(unzigzag(v)) : v);
  return nullptr;
}

const char* apply_changed_field(VarintReader& r, SocketSummary& s, int f) {
  if (f == OWNERS_FIELD) return read_owners(r, nullptr) ? nullptr : "bad owner list";
  uint64_t v;
  if (!r.next(v)) return "bad changed list";
  set_field(s, f, v);  // no counter is a field of a summary
  return nullptr;
}

}  // namespace

void read_delta_times(Snapshot& snapshot, wire::SnapshotDelta::Reader in) {
  snapshot.seq = in.getSeq();
  snapshot.wall_ns = in.getWallNs();
  snapshot.mono_ns = in.getMonoNs();
  snapshot.capture_ns = in.getCaptureNs();
  auto source = static_cast<uint16_t>(in.getSource());
  snapshot.source = source <= 3 ? static_cast<CaptureSource>(source) : CaptureSource::unknown;
  snapshot.errors = wire_codec::read_errors(in.getErrors());
}

void match_namespaces(const std::vector<Namespace>& previous,
                      capnp::List<wire::NamespaceDelta>::Reader namespaces,
                      std::vector<int32_t>& previous_of, std::vector<uint32_t>& gone) {
  previous_of.assign(namespaces.size(), -1);
  std::vector<uint8_t> taken(previous.size(), 0);
  for (size_t n = 0; n < namespaces.size(); ++n) {
    const uint64_t inode = namespaces[n].getInode();
    for (size_t p = 0; p < previous.size(); ++p)
      if (!taken[p] && previous[p].inode == inode) {
        previous_of[n] = static_cast<int32_t>(p);
        taken[p] = 1;
        break;
      }
  }
  gone.clear();
  for (size_t p = 0; p < previous.size(); ++p)
    if (!taken[p]) gone.push_back(static_cast<uint32_t>(p));
}

bool read_removed_list(wire::NamespaceDelta::Reader in, size_t n, std::vector<uint32_t>& closed,
                       std::string& why) {
  closed.clear();
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
    closed.push_back(static_cast<uint32_t>(index));
  }
  return true;
}

bool read_changed_lists(VarintReader& changed, size_t n, const std::vector<uint32_t>& closed,
                        std::vector<uint32_t>& changed_at, std::vector<uint64_t>& changed_mask,
                        std::string& why) {
  uint64_t changed_count = 0;
  if (!changed.at_end() && !changed.next(changed_count)) return fail(why, "bad changed list");
  if (changed_count > n) return fail(why, "changes more sockets than exist");
  changed_at.resize(changed_count);
  changed_mask.resize(changed_count);
  uint64_t at = 0;
  size_t closed_at = 0;
  for (uint64_t i = 0; i < changed_count; ++i) {
    uint64_t gap;
    if (!changed.next(gap)) return fail(why, "bad changed list");
    if ((i > 0 && gap == 0) || gap >= n - at) return fail(why, "changed index out of range");
    at += gap;
    while (closed_at < closed.size() && closed[closed_at] < at) ++closed_at;
    if (closed_at < closed.size() && closed[closed_at] == at)
      return fail(why, "changed socket is also removed");
    changed_at[i] = static_cast<uint32_t>(at);
  }
  for (uint64_t i = 0; i < changed_count; ++i) {
    if (!changed.next(changed_mask[i])) return fail(why, "bad changed list");
    if (changed_mask[i] >> FIELD_COUNT) return fail(why, "changed field unknown to this reader");
  }
  return true;
}

template <class Record>
bool apply_changed_values(VarintReader& changed, std::vector<Record>& sockets,
                          const std::vector<uint32_t>& changed_at,
                          const std::vector<uint64_t>& changed_mask, ChangedByField& by_field,
                          std::string& why) {
  for (std::vector<uint32_t>& list : by_field) list.clear();
  for (size_t i = 0; i < changed_mask.size(); ++i)
    for (uint64_t m = changed_mask[i]; m != 0; m &= m - 1)
      by_field[std::countr_zero(m)].push_back(static_cast<uint32_t>(i));
  // Values come field by field, each for the sockets whose mask has the field.
  for (int f = 0; f < FIELD_COUNT; ++f)
    for (const uint32_t i : by_field[f])
      if (const char* what = apply_changed_field(changed, sockets[changed_at[i]], f))
        return fail(why, what);
  return true;
}
template bool apply_changed_values(VarintReader&, std::vector<Socket>&,
                                   const std::vector<uint32_t>&, const std::vector<uint64_t>&,
                                   ChangedByField&, std::string&);
template bool apply_changed_values(VarintReader&, std::vector<SocketSummary>&,
                                   const std::vector<uint32_t>&, const std::vector<uint64_t>&,
                                   ChangedByField&, std::string&);

bool read_delta_rest(Snapshot& snapshot, wire::SnapshotDelta::Reader in, std::string& why) {
  if (!in.getProcessesUnchanged()) {
    if (in.getProcesses().size() > MAX_PROCESSES)
      return fail(why, over_limit(in.getProcesses().size(), "processes", MAX_PROCESSES));
    if (in.getProcessOrigins().size() > 0) {
      if (!apply_process_origins(snapshot.processes, in.getProcessOrigins(), in.getProcesses(), why))
        return false;
    } else {
      snapshot.processes.clear();
      for (auto p : in.getProcesses()) snapshot.processes.push_back(wire_codec::read_process(p));
    }
  }
  if (in.getCounterLayoutUnchanged()) {
    auto bytes = in.getCounterDeltas();
    VarintReader r(bytes.begin(), bytes.size());
    for (auto& table : snapshot.counters)
      for (auto& value : table.values) {
        uint64_t v;
        if (!r.next(v)) return fail(why, "bad counter deltas");
        value =
            static_cast<int64_t>(static_cast<uint64_t>(value) + static_cast<uint64_t>(unzigzag(v)));
      }
  } else {
    snapshot.counters = wire_codec::read_counters(in.getCounters());
  }
  snapshot.settings_changed = wire_codec::read_settings(in.getSettingsChanged());
  snapshot.users_added = wire_codec::read_users(in.getUsersAdded());
  return true;
}

}  // namespace netsnap
