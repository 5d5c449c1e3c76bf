// Decoding of SnapshotDelta into summaries (socket_summary.h): DeltaDecoder's walk
// (snapshot_delta_decode.cpp) with the same checks, from the same shared parts
// (delta_shared_decode.cpp), keeping 12 bytes of each socket instead of all of it.
#include "reader_limits.h"
#include "snapshot_delta.h"
#include "socket_columns.h"

namespace netsnap {
namespace {

// The changed fields a summary has: state, Recv-Q, Send-Q. tcp_info presence is left out on
// purpose: it changes no count.
constexpr uint64_t summary_fields = 0b111;

}  // namespace

bool SummaryDeltaDecoder::apply(SummarySnapshot& summary, wire::SnapshotDelta::Reader in,
                                size_t raw_bytes, SummaryChanges& changes, std::string& why) {
  Snapshot& snapshot = summary.snapshot;
  changes.has_previous = true;
  changes.gone.clear();
  changes.came.clear();
  read_delta_times(snapshot, in);
  auto namespaces = in.getNamespaces();
  if (namespaces.size() > MAX_NAMESPACES)
    return fail(why, over_limit(namespaces.size(), "namespaces", MAX_NAMESPACES));
  if (!plausible_count(namespaces.size(), raw_bytes, 8)) return fail(why, "implausible namespaces");
  match_namespaces(snapshot.namespaces, namespaces, previous_of_, namespaces_gone_);
  std::vector<std::vector<SocketSummary>> previous_sockets = std::move(summary.sockets);
  for (const uint32_t p : namespaces_gone_)
    changes.gone.insert(changes.gone.end(), previous_sockets[p].begin(), previous_sockets[p].end());
  snapshot.namespaces.clear();
  snapshot.namespaces.resize(namespaces.size());
  summary.sockets.clear();
  summary.sockets.resize(namespaces.size());
  for (size_t n = 0; n < namespaces.size(); ++n) {
    const int32_t p = previous_of_[n];
    if (p >= 0) summary.sockets[n] = std::move(previous_sockets[p]);
    wire::NamespaceDelta::Reader ns = namespaces[n];
    snapshot.namespaces[n].inode = ns.getInode();
    snapshot.namespaces[n].name = std::string(ns.getName().cStr(), ns.getName().size());
    std::vector<SocketSummary>& sockets = summary.sockets[n];
    const size_t count = sockets.size();

    if (!read_removed_list(ns, count, closed_, why)) return false;
    auto changed_bytes = ns.getChanged();
    VarintReader changed(changed_bytes.begin(), changed_bytes.size());
    if (!read_changed_lists(changed, count, closed_, changed_at_, changed_mask_, why)) return false;
    for (size_t i = 0; i < changed_at_.size(); ++i)
      if (changed_mask_[i] & summary_fields) changes.gone.push_back(sockets[changed_at_[i]]);
    if (!apply_changed_values(changed, sockets, changed_at_, changed_mask_, by_field_, why))
      return false;
    for (size_t i = 0; i < changed_at_.size(); ++i)
      if (changed_mask_[i] & summary_fields) changes.came.push_back(sockets[changed_at_[i]]);
    // The same order as DeltaDecoder: swap-remove from the highest position down.
    for (size_t i = closed_.size(); i-- > 0;) {
      changes.gone.push_back(sockets[closed_[i]]);
      sockets[closed_[i]] = sockets.back();
      sockets.pop_back();
    }
    const size_t survivors = sockets.size();
    auto added = ns.getAdded();
    if (!decode_socket_columns({added.begin(), added.size()}, sockets, why)) return false;
    changes.came.insert(changes.came.end(), sockets.begin() + survivors, sockets.end());
  }
  return read_delta_rest(snapshot, in, why);
}

SummarySnapshot summarize(Snapshot&& snapshot) {
  SummarySnapshot out;
  out.sockets.resize(snapshot.namespaces.size());
  for (size_t n = 0; n < snapshot.namespaces.size(); ++n) {
    std::vector<Socket>& sockets = snapshot.namespaces[n].sockets;
    out.sockets[n].reserve(sockets.size());
    for (const Socket& socket : sockets) out.sockets[n].push_back(summarize(socket));
    sockets = {};
  }
  out.snapshot = std::move(snapshot);
  return out;
}

}  // namespace netsnap
