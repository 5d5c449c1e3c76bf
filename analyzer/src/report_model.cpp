#include "report_model.h"

#include <algorithm>

#include "detectors/run_detectors.h"
#include "report_series.h"
#include "snapshot_selection.h"

namespace netsnap::analysis {
namespace {

using detectors::NotJudged;

// The window as entry indices, or nullopt when it holds no snapshot.
struct Window {
  int64_t from_ns = 0, to_ns = 0;
  std::optional<std::pair<size_t, size_t>> entries;
};

Result<Window> resolve_window(const Timeline& timeline, const RecordingTimeZone& zone,
                              const ReportRequest& request) {
  const auto& entries = timeline.entries();
  const int64_t first_ns = entries.empty() ? 0 : entries.front().wall_ns;
  const int64_t last_ns = entries.empty() ? 0 : entries.back().wall_ns;
  Window window{first_ns, last_ns, std::nullopt};
  if (request.from) {
    auto parsed = zone.parse(*request.from, first_ns, last_ns);
    if (!parsed) return Error{"--from: " + parsed.error().message};
    window.from_ns = *parsed;
  }
  if (request.to) {
    auto parsed = zone.parse(*request.to, first_ns, last_ns);
    if (!parsed) return Error{"--to: " + parsed.error().message};
    window.to_ns = *parsed;
  }
  if (window.from_ns > window.to_ns) {
    return Error{"--from (" + zone.format(window.from_ns) + ") is later than --to (" +
                 zone.format(window.to_ns) + ")"};
  }
  if (entries.empty()) return window;
  const auto begin =
      std::lower_bound(entries.begin(), entries.end(), window.from_ns,
                       [](const SnapshotEntry& e, int64_t t) { return e.wall_ns < t; });
  const std::optional<size_t> end = timeline.index_at_or_before(window.to_ns);
  const auto first = static_cast<size_t>(begin - entries.begin());
  if (begin != entries.end() && end && first <= *end) window.entries = {{first, *end}};
  return window;
}

void add_note(ReportModel& model, std::string kind, std::string reason) {
  model.run.not_judged.push_back(NotJudged{std::move(kind), std::move(reason)});
}

}  // namespace

Result<ReportModel> build_report_model(Timeline& timeline, const RecordingTimeZone& zone,
                                       const ReportRequest& request) {
  auto window = resolve_window(timeline, zone, request);
  if (!window) return window.error();

  ReportModel model;
  const FileHeader& header = timeline.header();
  model.host = header.host_name;
  model.kernel = header.kernel_release;
  model.recorder_version = header.recorder_version;
  model.time_zone = zone.name();
  model.owners_recorded = header.options.owners;
  for (const RecordingFileInfo& file : timeline.files()) model.files.push_back(file.path);
  model.summary = summarize(timeline);
  model.window_from_ns = window->from_ns;
  model.window_to_ns = window->to_ns;
  model.window_given = request.from.has_value() || request.to.has_value();

  if (timeline.entries().empty()) {
    add_note(model, "all", "the recording holds no snapshots: nothing to judge");
    return model;
  }
  if (!window->entries) {
    add_note(model, "all",
             "no snapshot between " + zone.format(window->from_ns) + " and " +
                 zone.format(window->to_ns) + ": " + coverage_text(timeline, zone));
    return model;
  }
  const auto [first, last] = *window->entries;
  model.window_snapshots = last - first + 1;

  const int64_t bucket_ns =
      timeline_bucket_ns(timeline.entries()[first].wall_ns, timeline.entries()[last].wall_ns,
                         model.window_snapshots, report_series_max_points);
  // The detectors rank their findings (critical first) and fill the notes; the state counts
  // ride along the same replay.
  if (request.progress) request.progress->start(model.window_snapshots);
  StateTimelineListener states(bucket_ns, request.progress);
  model.findings =
      detectors::run_detectors(timeline, first, last, request.thresholds, model.run, &states);
  model.timeline = states.take();
  // Damage met by the replay (the reader records it as it goes).
  model.summary.damage = timeline.damage();
  return model;
}

std::optional<detectors::Severity> highest_severity(const ReportModel& model) {
  std::optional<detectors::Severity> highest;
  for (const detectors::Finding& finding : model.findings) {
    if (!highest || finding.severity > *highest) highest = finding.severity;
  }
  return highest;
}

}  // namespace netsnap::analysis
