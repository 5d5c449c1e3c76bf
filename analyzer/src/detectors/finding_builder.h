// What every detector needs when it turns its state into findings at the end of a replay:
// typed fields, subjects from keys, series and onset from a StepSeries, and plain-language
// numbers for the one-line summaries.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "detectors/bucketed_series.h"
#include "detectors/detector_options.h"
#include "detectors/finding.h"
#include "detectors/kernel_counter_feed.h"
#include "detectors/snapshot_feed.h"
#include "detectors/socket_keys.h"

namespace netsnap::analysis::detectors {

struct FinishContext {
  const BucketClock& clock;
  const DetectorOptions& options;
  const FeedSummary& feed;
  const KernelCounterFeed& counters;
  DetectorReport& report;
  std::vector<Finding>& findings;

  uint64_t final_ordinal() const { return clock.snapshots() ? clock.snapshots() - 1 : 0; }
  int64_t wall_at(uint64_t ordinal) const { return clock.wall_at(ordinal); }
  void not_judged(std::string_view kind, std::string reason) const;
};

Field int_field(std::string name, int64_t value, std::string unit = {});
Field number_field(std::string name, double value, std::string unit = {});
Field text_field(std::string name, std::string value);
Field time_field(std::string name, int64_t wall_ns);

// The namespace members of a subject (the inode, and its name when it has one).
void set_netns(Subject& subject, uint64_t netns, const FeedSummary& feed);
Subject listener_subject(const ListenerKey& key, const FeedSummary& feed);
Subject flow_subject(const FlowKey& key, const FeedSummary& feed);

// The bucket maxima as the finding's chart series.
std::vector<SeriesPoint> chart_series(const ExpandedSeries& series);
// CUSUM onset over the bucket values, as a wall time.
std::optional<int64_t> onset_time(const ExpandedSeries& series);
// Fills series, onset, peak and first/last seen of a finding from a key's expanded series and
// its exact peak/first/last ordinals.
void fill_timing(Finding& finding, const FinishContext& context, const ExpandedSeries& series,
                 int64_t peak, uint64_t peak_ordinal, uint64_t first_ordinal,
                 uint64_t last_ordinal);

// "nginx (pid 1101)", "pid 1101", or `unknown` when there is no pid: for summaries.
std::string process_text(int32_t pid, const std::string& program,
                         const std::string& unknown = "an unknown process");
// "1,234", "12.5", "0.25": for summaries.
std::string format_number(double value);
// "45 s", "12 min", "3.5 h", "2.1 d".
std::string format_duration(double seconds);

// Keeps at most `keep` info findings of each kind (the highest peaks), counting the rest.
void limit_info_findings(std::vector<Finding>& findings, size_t keep, uint64_t& omitted);

}  // namespace netsnap::analysis::detectors
