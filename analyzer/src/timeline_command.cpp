#include "timeline_command.h"

#include <algorithm>
#include <optional>
#include <thread>

#include "socket_text.h"
#include "sparkline.h"
#include "text_escape.h"
#include "timeline_counts.h"

namespace netsnap::analysis {
namespace {

int64_t bucket_start(int64_t wall_ns, int64_t every_ns) {
  const int64_t q = wall_ns / every_ns;
  // Floor division, so that buckets stay aligned before 1970 as well.
  return (wall_ns % every_ns < 0 ? q - 1 : q) * every_ns;
}

// What one replay of the range leaves besides what its visitor collected.
struct ReplayTotals {
  uint64_t snapshots = 0, full_recounts = 0;
  std::vector<int64_t> peaks;  // by column id
};

// One replay of the range: calls visit(wall_ns, counter) after each snapshot's update.
template <class Visit>
ReplayTotals replay(Timeline& timeline, const SnapshotRange& range, TimelineGrouping& grouping,
                    const NamespaceSelection& namespaces, Visit&& visit) {
  TimelineCounter counter(grouping);
  ReplayTotals totals;
  // The counter works from the changes alone: no copy of the previous snapshot per step.
  NamespaceCursor cursor(timeline.cursor(range.first, CursorMode::changes_only), namespaces);
  while (cursor.next() && cursor.entry_index() <= range.last) {
    counter.update(cursor.current(), cursor.changes());
    ++totals.snapshots;
    visit(cursor.current().wall_ns, counter);
  }
  totals.full_recounts = counter.full_recounts();
  totals.peaks = counter.peaks();
  return totals;
}

// The counts of every snapshot of a range, for a grouping whose columns are fixed.
struct SnapshotCounts {
  std::vector<int64_t> times;
  std::vector<int64_t> values;  // `width` per snapshot
  ReplayTotals totals;
};

// Replays socket summaries (socket_summary.h: all that fixed columns need, at a fraction of the
// memory traffic), or whole sockets when `whole_sockets` (the general replay, which the tests
// hold the summaries to).
SnapshotCounts count_snapshots(Timeline& timeline, const SnapshotRange& range, TimelineGroupBy by,
                               size_t width, bool whole_sockets,
                               const NamespaceSelection& namespaces, ProgressMeter* progress) {
  TimelineGrouping grouping(by);
  SnapshotCounts counts;
  const auto record = [&](int64_t wall_ns, const auto& counter) {
    if (progress) progress->advance();
    counts.times.push_back(wall_ns);
    for (size_t column = 0; column < width; ++column)
      counts.values.push_back(counter.count(static_cast<uint32_t>(column)));
  };
  if (whole_sockets) {
    counts.totals = replay(timeline, range, grouping, namespaces, record);
    return counts;
  }
  SummaryCounter counter(grouping);
  SummaryCursor cursor = timeline.summary_cursor(range.first);
  while (cursor.next() && cursor.entry_index() <= range.last) {
    counter.update(cursor.current(), cursor.changes());
    ++counts.totals.snapshots;
    record(cursor.current().snapshot.wall_ns, counter);
  }
  counts.totals.full_recounts = counter.full_recounts();
  return counts;
}

// The key snapshot nearest the middle of the range, if one lies after its first entry: the
// replay can start over there, since a key snapshot needs nothing before it.
std::optional<size_t> middle_key(const Timeline& timeline, const SnapshotRange& range) {
  const auto& entries = timeline.entries();
  const size_t middle = range.first + (range.last - range.first) / 2;
  for (size_t distance = 0; distance <= (range.last - range.first) / 2; ++distance) {
    for (const size_t i : {middle + distance, middle - distance}) {
      if (i > range.first && i <= range.last && entries[i].is_key) return i;
    }
  }
  return std::nullopt;
}

// Counts a fixed grouping's range with two replays at once, each on its own thread and its own
// Timeline over the same files, split at a key snapshot: a day-long timeline is decoding-bound
// and the halves share nothing. Falls back to one replay when no key splits the range or the
// files cannot be opened a second time. Damage the second replay meets is merged into
// `timeline`'s.
SnapshotCounts count_snapshots_in_halves(Timeline& timeline, const SnapshotRange& range,
                                         TimelineGroupBy by, size_t width, bool whole_sockets,
                                         const NamespaceSelection& namespaces,
                                         ProgressMeter* progress) {
  const std::optional<size_t> split = middle_key(timeline, range);
  if (!split)
    return count_snapshots(timeline, range, by, width, whole_sockets, namespaces, progress);
  std::vector<std::string> paths;
  for (const RecordingFileInfo& file : timeline.files()) paths.push_back(file.path);
  auto second = Timeline::open(paths, ScanMode::fast);
  if (!second || second->entries().size() != timeline.entries().size())
    return count_snapshots(timeline, range, by, width, whole_sockets, namespaces, progress);
  SnapshotCounts later;
  std::thread worker([&] {
    later = count_snapshots(*second, SnapshotRange{*split, range.last, true}, by, width,
                            whole_sockets, namespaces, progress);
  });
  SnapshotCounts counts = count_snapshots(timeline, SnapshotRange{range.first, *split - 1, true},
                                          by, width, whole_sockets, namespaces, progress);
  worker.join();
  timeline.merge_damage(*second);
  counts.times.insert(counts.times.end(), later.times.begin(), later.times.end());
  counts.values.insert(counts.values.end(), later.values.begin(), later.values.end());
  counts.totals.snapshots += later.totals.snapshots;
  counts.totals.full_recounts += later.totals.full_recounts;
  return counts;
}

std::vector<FieldSpec> series_fields(const TimelineSeries& series) {
  std::vector<FieldSpec> fields = {{"time", FieldKind::text}, {"wall_ns", FieldKind::integer}};
  for (const std::string& column : series.columns) fields.push_back({column, FieldKind::integer});
  return fields;
}

void fill_row(const TimelineSeries& series, const RecordingTimeZone& zone, size_t row,
              FieldValues& values) {
  values.set_text(0, zone.format_iso(series.times[row]));
  values.set_integer(1, series.times[row]);
  for (size_t c = 0; c < series.columns.size(); ++c) values.set_integer(2 + c, series.at(row, c));
}

size_t decimal_width(int64_t value) {
  std::string text;
  append_decimal_signed(text, value);
  return text.size();
}

// Display width of escaped text: the escapes are ASCII; UTF-8 continuation bytes take no
// column of their own.
size_t display_width(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void pad_to(std::string& out, const std::string& text, size_t width, bool right) {
  const size_t shown = display_width(text);
  if (right && shown < width) out.append(width - shown, ' ');
  out.append(text);
  if (!right && shown < width) out.append(width - shown, ' ');
}

}  // namespace

Result<TimelineSeries> compute_timeline(Timeline& timeline, const RecordingTimeZone& zone,
                                        const TimelineRequest& request) {
  auto range =
      resolve_selection(timeline, zone, request.selection, DefaultSelection::every_snapshot);
  if (!range) return range.error();
  TimelineGrouping grouping(request.by);
  TimelineSeries series;
  ProgressMeter* progress = request.progress;
  // Open-ended groupings replay twice: first for the columns, then for the counts.
  const uint64_t snapshots = range->last - range->first + 1;
  if (progress) progress->start(grouping.is_open_ended() ? 2 * snapshots : snapshots);

  if (grouping.is_open_ended()) {
    // First replay: which values reach the highest counts.
    const ReplayTotals first = replay(timeline, *range, grouping, request.namespaces,
                                      [&](int64_t, const TimelineCounter&) {
                                        if (progress) progress->advance();
                                      });
    grouping.keep_columns(first.peaks, request.top);
  }
  series.columns = grouping.column_names();
  const size_t width = series.columns.size();
  bool open_row = false;
  int64_t open_bucket = 0;
  // One row per snapshot, or per --every bucket holding each column's highest value.
  const auto add_row = [&](int64_t wall_ns, const auto& count_of) {
    const int64_t time = request.every_ns ? bucket_start(wall_ns, *request.every_ns) : wall_ns;
    if (!open_row || !request.every_ns || time != open_bucket) {
      series.times.push_back(time);
      series.values.resize(series.values.size() + width, INT64_MIN);
      open_row = true;
      open_bucket = time;
    }
    int64_t* row = series.values.data() + series.values.size() - width;
    for (size_t c = 0; c < width; ++c) row[c] = std::max(row[c], count_of(c));
  };
  if (!grouping.is_open_ended()) {
    // Summaries carry no namespace: a --netns selection replays whole sockets.
    const bool whole = request.whole_sockets || !request.namespaces.empty();
    const SnapshotCounts counts = count_snapshots_in_halves(timeline, *range, request.by, width,
                                                            whole, request.namespaces, progress);
    for (size_t r = 0; r < counts.times.size(); ++r)
      add_row(counts.times[r], [&](size_t c) { return counts.values[r * width + c]; });
    series.snapshots = counts.totals.snapshots;
    series.full_recounts = counts.totals.full_recounts;
    return series;
  }
  const ReplayTotals totals =
      replay(timeline, *range, grouping, request.namespaces,
             [&](int64_t wall_ns, const TimelineCounter& counter) {
               if (progress) progress->advance();
               add_row(wall_ns, [&](size_t c) { return counter.count(static_cast<uint32_t>(c)); });
             });
  series.snapshots = totals.snapshots;
  series.full_recounts = totals.full_recounts;
  return series;
}

std::string render_timeline_text(const TimelineSeries& series, const RecordingTimeZone& zone,
                                 size_t sparkline_width) {
  const RecordingTimeZone::Session session(zone);  // one zone lookup for every row
  std::vector<std::string> names, times;
  for (const std::string& column : series.columns) names.push_back(escaped(column));
  size_t time_width = 4;  // "Time"
  for (const int64_t time : series.times) {
    times.push_back(zone.format(time));
    time_width = std::max(time_width, times.back().size());
  }
  std::vector<size_t> widths(names.size());
  for (size_t c = 0; c < names.size(); ++c) {
    widths[c] = display_width(names[c]);
    for (size_t r = 0; r < series.times.size(); ++r) {
      widths[c] = std::max(widths[c], decimal_width(series.at(r, c)));
    }
  }
  std::string out;
  pad_to(out, "Time", time_width, false);
  for (size_t c = 0; c < names.size(); ++c) {
    out.push_back(' ');
    pad_to(out, names[c], widths[c], true);
  }
  out.push_back('\n');
  std::string number;
  for (size_t r = 0; r < series.times.size(); ++r) {
    pad_to(out, times[r], time_width, false);
    for (size_t c = 0; c < names.size(); ++c) {
      out.push_back(' ');
      number.clear();
      append_decimal_signed(number, series.at(r, c));
      pad_to(out, number, widths[c], true);
    }
    out.push_back('\n');
  }
  if (sparkline_width == 0 || series.times.empty()) return out;

  size_t name_width = 0;
  for (const std::string& name : names) name_width = std::max(name_width, display_width(name));
  std::vector<int64_t> column_values(series.times.size());
  out.push_back('\n');
  for (size_t c = 0; c < names.size(); ++c) {
    for (size_t r = 0; r < series.times.size(); ++r) column_values[r] = series.at(r, c);
    const auto [low, high] = std::minmax_element(column_values.begin(), column_values.end());
    const std::string range = " " + std::to_string(*low) + ".." + std::to_string(*high);
    // Leave room for the name and the range; never fewer than 8 characters of chart.
    const size_t used = name_width + 1 + range.size();
    const size_t chart = sparkline_width > used + 8 ? sparkline_width - used : 8;
    pad_to(out, names[c], name_width, false);
    out.push_back(' ');
    out.append(sparkline(column_values, chart));
    out.append(range);
    out.push_back('\n');
  }
  return out;
}

std::string render_timeline_csv(const TimelineSeries& series, const RecordingTimeZone& zone) {
  const RecordingTimeZone::Session session(zone);  // one zone lookup for every row
  const std::vector<FieldSpec> fields = series_fields(series);
  FieldValues values(fields.size());
  std::string out;
  append_csv_header(out, fields);
  for (size_t r = 0; r < series.times.size(); ++r) {
    fill_row(series, zone, r, values);
    append_csv_row(out, values);
  }
  return out;
}

std::string render_timeline_json(const TimelineSeries& series, const RecordingTimeZone& zone,
                                 const TimelineRequest& request) {
  const RecordingTimeZone::Session session(zone);  // one zone lookup for every row
  static constexpr const char* by_names[] = {"state",   "proto", "local-port", "remote",
                                             "program", "netns", "netns-state"};
  // The counts go in an object of their own: a column named after a program called "time"
  // must not collide with the row's time.
  std::vector<FieldSpec> count_fields;
  for (const std::string& column : series.columns)
    count_fields.push_back({column, FieldKind::integer});
  FieldValues counts(count_fields.size());
  std::string out = "{\"by\":\"";
  out.append(by_names[static_cast<size_t>(request.by)]);
  out.append("\",\"every_ns\":");
  out.append(request.every_ns ? std::to_string(*request.every_ns) : "null");
  out.append(",\"columns\":[");
  for (size_t c = 0; c < series.columns.size(); ++c) {
    if (c > 0) out.push_back(',');
    append_json_string(out, series.columns[c]);
  }
  out.append("],\"rows\":[");
  for (size_t r = 0; r < series.times.size(); ++r) {
    out.append(r == 0 ? "\n{\"time\":" : ",\n{\"time\":");
    append_json_string(out, zone.format_iso(series.times[r]));
    out.append(",\"wall_ns\":");
    out.append(std::to_string(series.times[r]));
    out.append(",\"counts\":");
    for (size_t c = 0; c < series.columns.size(); ++c) counts.set_integer(c, series.at(r, c));
    append_json_object(out, count_fields, counts);
    out.push_back('}');
  }
  out.append(series.times.empty() ? "]}\n" : "\n]}\n");
  return out;
}

Status run_timeline(Timeline& timeline, const TimelineRequest& request, std::ostream& out) {
  const RecordingTimeZone zone(timeline.header(), request.utc);
  auto series = compute_timeline(timeline, zone, request);
  if (request.progress) request.progress->finish();
  if (!series) return series.error();
  switch (request.format) {
    case OutputFormat::text:
      out << render_timeline_text(*series, zone, request.sparkline_width);
      break;
    case OutputFormat::csv: out << render_timeline_csv(*series, zone); break;
    case OutputFormat::json: out << render_timeline_json(*series, zone, request); break;
  }
  return ok_status();
}

}  // namespace netsnap::analysis
