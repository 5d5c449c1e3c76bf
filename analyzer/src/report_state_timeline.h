// The report's timeline: TCP sockets per state and the bytes queued in them, over the window,
// at most report_series_max_points rows (each row the highest value per column within its
// bucket, so a spike between two rows still shows).
//
// Built as a detectors::FeedListener so that it rides along the detectors' own replay
// (run_detectors' `also`): the replay (decoding every snapshot of a day-long recording) is
// most of a report's cost, and a second one for the timeline alone would nearly double it.
// The feed hands over IPv4/IPv6 TCP sockets only, so the timeline is about TCP: the states
// every detector reasons about.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "detectors/snapshot_feed.h"
#include "netsnap/recording_reader.h"
#include "progress_meter.h"

namespace netsnap::analysis {

struct StateTimeline {
  std::vector<std::string> columns;
  std::vector<int64_t> times;   // row times: the snapshot's, or its bucket's start
  std::vector<int64_t> values;  // row-major, columns.size() per row
  int64_t bucket_ns = 0;        // 0: one row per snapshot

  int64_t at(size_t row, size_t column) const { return values[row * columns.size() + column]; }
};

class StateTimelineListener final : public detectors::FeedListener {
 public:
  // Rows of bucket_ns (aligned to multiples of it), or one per snapshot when 0
  // (timeline_bucket_ns in report_series.h picks it).
  // `progress` (may be null) advances once per snapshot.
  explicit StateTimelineListener(int64_t bucket_ns, ProgressMeter* progress = nullptr);

  void begin_snapshot(const detectors::FeedContext& context, bool full) override;
  void reset(const detectors::FeedContext& context) override;
  void added(const detectors::FeedContext& context, uint64_t netns, const Socket& socket) override;
  void removed(const detectors::FeedContext& context, uint64_t netns,
               const Socket& socket) override;
  void changed(const detectors::FeedContext& context, uint64_t netns, const Socket& before,
               const Socket& after) override;
  void end_snapshot(const detectors::FeedContext& context) override;

  const StateTimeline& timeline() const { return timeline_; }
  StateTimeline take() { return std::move(timeline_); }

 private:
  void apply(const Socket& socket, int64_t sign);

  StateTimeline timeline_;
  std::vector<int64_t> counts_;  // live, by column
  ProgressMeter* progress_;
  bool open_row_ = false;
  int64_t open_bucket_ = 0;
};


}  // namespace netsnap::analysis
