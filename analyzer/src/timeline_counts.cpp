#include "timeline_counts.h"

#include <algorithm>

#include "socket_text.h"

namespace netsnap::analysis {

void TimelineCounter::bump(uint32_t column, int64_t delta) {
  if (column == TimelineGrouping::no_column) return;
  if (column >= counts_.size()) {
    counts_.resize(column + 1, 0);
    peaks_.resize(column + 1, 0);
  }
  int64_t& value = counts_[column];
  value += delta;
  // Every update subtracts first and adds after, so a value only rises towards its final
  // value while adding: the peak seen here is the peak of the snapshots' values.
  if (value > peaks_[column]) peaks_[column] = value;
}

void TimelineCounter::subtract(const Socket& socket, const ProgramNames& programs) {
  bump(grouping_.column_of(socket, programs), -1);
  if (grouping_.recv_q_column() != TimelineGrouping::no_column &&
      TimelineGrouping::counts_queue_bytes(socket)) {
    bump(grouping_.recv_q_column(), -int64_t{socket.recv_q});
    bump(grouping_.send_q_column(), -int64_t{socket.send_q});
  }
}

void TimelineCounter::add(const Socket& socket, const ProgramNames& programs) {
  bump(grouping_.column_of(socket, programs), 1);
  if (grouping_.recv_q_column() != TimelineGrouping::no_column &&
      TimelineGrouping::counts_queue_bytes(socket)) {
    bump(grouping_.recv_q_column(), socket.recv_q);
    bump(grouping_.send_q_column(), socket.send_q);
  }
}

void TimelineCounter::recount(const Snapshot& snapshot) {
  ++full_recounts_;
  std::fill(counts_.begin(), counts_.end(), 0);
  for (const Namespace& ns : snapshot.namespaces) {
    grouping_.enter_namespace(ns);
    for (const Socket& socket : ns.sockets) add(socket, programs_);
  }
}

void TimelineCounter::update(const Snapshot& current, const SnapshotChanges& changes) {
  bool recount_all = !changes.has_previous || !changes.namespaces_gone.empty();
  if (grouping_.uses_programs()) {
    new_programs_.rebuild(current.processes);
    recount_all = recount_all || !(new_programs_ == programs_);
    std::swap(programs_, new_programs_);  // programs_: current; new_programs_: previous
  }
  if (recount_all) {
    recount(current);
    return;
  }
  // The program names are equal in both tables here, so one table serves both sides.
  const ProgramNames& programs = programs_;

  // Subtract everything that went away or changed, then add what came or changed.
  for (size_t n = 0; n < changes.namespaces.size() && n < current.namespaces.size(); ++n) {
    const NamespaceChanges& ns_changes = changes.namespaces[n];
    grouping_.enter_namespace(current.namespaces[n]);  // the same namespace, still present
    for (const Socket& socket : ns_changes.closed_sockets) subtract(socket, programs);
    for (const Socket& socket : ns_changes.changed_before) subtract(socket, programs);
  }
  for (size_t n = 0; n < changes.namespaces.size() && n < current.namespaces.size(); ++n) {
    const NamespaceChanges& ns_changes = changes.namespaces[n];
    const Namespace& now = current.namespaces[n];
    grouping_.enter_namespace(now);
    if (ns_changes.is_new) {
      // A namespace new in this snapshot: every socket of it is new.
      for (const Socket& socket : now.sockets) add(socket, programs);
      continue;
    }
    for (const uint32_t index : ns_changes.opened) add(now.sockets[index], programs);
    for (const auto& [was, is] : ns_changes.changed) add(now.sockets[is], programs);
  }
}

namespace {

// Fixed columns tell IPv4 from IPv6 and nothing else about the family: every other family
// counts like 0.
constexpr uint8_t family_classes[] = {family_inet, family_inet6, 0};
// Protocols 0..5 are the ones the format knows; 6 stands for any other value.
constexpr size_t protocols = 7, states = 256;

size_t cell_of(const SocketSummary& socket) {
  const size_t protocol = std::min(static_cast<size_t>(socket.protocol), protocols - 1);
  const size_t family = socket.family == family_inet ? 0 : socket.family == family_inet6 ? 1 : 2;
  return (protocol * 3 + family) * states + socket.state;
}

}  // namespace

SummaryCounter::SummaryCounter(const TimelineGrouping& grouping)
    : grouping_(grouping), counts_(grouping.column_names().size(), 0) {
  const bool queues = grouping.recv_q_column() != TimelineGrouping::no_column;
  cells_.resize(protocols * 3 * states);
  SocketSummary socket;
  for (size_t protocol = 0; protocol < protocols; ++protocol)
    for (const uint8_t family : family_classes)
      for (size_t state = 0; state < states; ++state) {
        socket.protocol = static_cast<Protocol>(protocol);
        socket.family = family;
        socket.state = static_cast<uint8_t>(state);
        cells_[cell_of(socket)] = {grouping.column_of(socket),
                                   queues && TimelineGrouping::counts_queue_bytes(socket)};
      }
}

void SummaryCounter::apply(const SocketSummary& socket, int64_t sign) {
  const Cell& cell = cells_[cell_of(socket)];
  if (cell.column != TimelineGrouping::no_column) counts_[cell.column] += sign;
  if (cell.counts_queues) {
    counts_[grouping_.recv_q_column()] += sign * int64_t{socket.recv_q};
    counts_[grouping_.send_q_column()] += sign * int64_t{socket.send_q};
  }
}

void SummaryCounter::update(const SummarySnapshot& current, const SummaryChanges& changes) {
  if (!changes.has_previous) {
    ++full_recounts_;
    std::fill(counts_.begin(), counts_.end(), 0);
    for (const std::vector<SocketSummary>& sockets : current.sockets)
      for (const SocketSummary& socket : sockets) apply(socket, 1);
    return;
  }
  for (const SocketSummary& socket : changes.gone) apply(socket, -1);
  for (const SocketSummary& socket : changes.came) apply(socket, 1);
}

}  // namespace netsnap::analysis
