// Per-snapshot counts for `timeline`, kept up to date incrementally: a replay step changes a
// few sockets out of thousands, so the counter applies the cursor's changes (closed sockets
// subtracted, opened ones added, changed ones moved, using the old values the changes carry)
// instead of recounting every socket of every snapshot. It needs no previous snapshot, so the
// replay can run with CursorMode::changes_only (no copy of a whole snapshot per step). It
// counts everything again only when the step has no previous snapshot (the first one, after
// damage), when a namespace vanished (the changes name it, not its sockets), or, for --by
// program, when a pid's program name changed (the sockets' own changes cannot show that).
#pragma once

#include <cstdint>
#include <vector>

#include "netsnap/recording_reader.h"
#include "netsnap/socket_summary.h"
#include "timeline_grouping.h"

namespace netsnap::analysis {

class TimelineCounter {
 public:
  // Keeps a reference to `grouping`, which must outlive the counter.
  explicit TimelineCounter(TimelineGrouping& grouping) : grouping_(grouping) {}

  // Brings the counts to `current`; `changes` are the cursor's changes to it (Cursor::changes()).
  void update(const Snapshot& current, const SnapshotChanges& changes);

  // By column id (TimelineGrouping::column_names()); may be shorter than the names list when
  // the last columns were never counted (read as 0).
  const std::vector<int64_t>& counts() const { return counts_; }
  int64_t count(uint32_t column) const { return column < counts_.size() ? counts_[column] : 0; }
  // The highest value each column had after any update.
  const std::vector<int64_t>& peaks() const { return peaks_; }

  // How many updates counted every socket (for tests and measurements).
  uint64_t full_recounts() const { return full_recounts_; }

 private:
  void recount(const Snapshot& snapshot);
  void subtract(const Socket& socket, const ProgramNames& programs);
  void add(const Socket& socket, const ProgramNames& programs);
  void bump(uint32_t column, int64_t delta);

  TimelineGrouping& grouping_;
  std::vector<int64_t> counts_, peaks_;
  ProgramNames programs_, new_programs_;
  uint64_t full_recounts_ = 0;
};

// The same counts for a grouping whose columns are fixed (state, proto), from a SummaryCursor's
// replay: what those columns need of a socket is in its summary, and replaying summaries
// touches a twentieth of the memory of whole sockets. Counts from scratch when the step has no
// previous snapshot (first, after damage, at every key snapshot).
class SummaryCounter {
 public:
  // Keeps a reference to `grouping`, which must outlive the counter.
  explicit SummaryCounter(const TimelineGrouping& grouping);

  void update(const SummarySnapshot& current, const SummaryChanges& changes);
  int64_t count(uint32_t column) const { return counts_[column]; }
  uint64_t full_recounts() const { return full_recounts_; }

 private:
  void apply(const SocketSummary& socket, int64_t sign);

  const TimelineGrouping& grouping_;
  std::vector<int64_t> counts_;  // by column id
  // The column (and whether the queues count) of every protocol, family class and state, made
  // once: asking the grouping for each socket of each step costs more than the counting.
  struct Cell {
    uint32_t column;
    bool counts_queues;
  };
  std::vector<Cell> cells_;
  uint64_t full_recounts_ = 0;
};

}  // namespace netsnap::analysis
