// What `netsnap-analyze report` shows, gathered once and rendered four ways (text, json,
// markdown, html): the recording's identity and cadence, the window, the detectors' findings
// and notes, and the state counts over time. Building it is the only part that reads the
// recording; the renderers are pure functions of this model, so each is tested on hand-made
// models and all four always agree.
//
// Bad input is part of the model, not an error: an empty recording, a window without
// snapshots or a single snapshot still give a model, whose not-judged notes say what could not
// be judged and why. Only a malformed time argument fails (a usage error).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "detectors/detector_options.h"
#include "detectors/finding.h"
#include "netsnap/recording_reader.h"
#include "netsnap/result.h"
#include "progress_meter.h"
#include "recording_summary.h"
#include "recording_time_zone.h"
#include "report_state_timeline.h"

namespace netsnap::analysis {

struct ReportRequest {
  std::optional<std::string> from, to;  // the window (time grammar of recording_time_zone.h)
  detectors::DetectorOptions thresholds;
  ProgressMeter* progress = nullptr;    // a terminal's progress line for the replay, or null
};

struct ReportModel {
  // The recording as a whole.
  std::string host, kernel, recorder_version, time_zone;
  std::vector<std::string> files;
  RecordingSummary summary;  // snapshots, span, median interval, gaps, damage
  bool owners_recorded = true;

  // The window the findings cover: as asked (or the recording's span), and what it held.
  int64_t window_from_ns = 0, window_to_ns = 0;
  bool window_given = false;
  uint64_t window_snapshots = 0;

  std::vector<detectors::Finding> findings;  // ranked: critical first
  detectors::DetectorReport run;             // not-judged notes, caveats, replay figures
  StateTimeline timeline;
};

// Reads the window and runs the detectors. Fails only on a malformed --from/--to or --from
// after --to; everything else (nothing to judge) ends up in run.not_judged.
Result<ReportModel> build_report_model(Timeline& timeline, const RecordingTimeZone& zone,
                                       const ReportRequest& request);

// The highest severity among the findings, or nullopt when there are none.
std::optional<detectors::Severity> highest_severity(const ReportModel& model);

}  // namespace netsnap::analysis
