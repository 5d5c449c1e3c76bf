#include "report_json.h"

#include <algorithm>

#include "report_fields.h"
#include "report_json_writer.h"
#include "report_series.h"

namespace netsnap::analysis {
namespace {

using detectors::Field;
using detectors::Finding;

// Gaps listed one by one; a recording with thousands of them says how many in gaps_total.
constexpr size_t max_listed_gaps = 50;

void write_value(JsonWriter& json, const detectors::FieldValue& value,
                 const ReportTimeFormat& times) {
  if (const auto* i = std::get_if<int64_t>(&value))
    json.number(*i);
  else if (const auto* d = std::get_if<double>(&value))
    json.number(*d);
  else if (const auto* s = std::get_if<std::string>(&value))
    json.string(*s);
  else if (const auto* t = std::get_if<detectors::WallTime>(&value))
    json.string(times.iso(t->ns));
  else
    json.null();
}

// A field list as one object, name -> value (units go to the finding's "units" object).
void write_fields(JsonWriter& json, const std::vector<Field>& fields,
                  const ReportTimeFormat& times) {
  json.begin_object();
  for (const Field& field : fields) {
    json.key(field.name);
    write_value(json, field.value, times);
  }
  json.end_object();
}

void write_subject(JsonWriter& json, const detectors::Subject& s) {
  json.begin_object();
  if (s.local_addr) json.key("local_addr").string(*s.local_addr);
  if (s.local_port) json.key("local_port").number(int64_t{*s.local_port});
  if (s.remote_addr) json.key("remote_addr").string(*s.remote_addr);
  if (s.remote_port) json.key("remote_port").number(int64_t{*s.remote_port});
  if (s.pid) json.key("pid").number(int64_t{*s.pid});
  if (s.program) json.key("program").string(*s.program);
  if (s.netns) json.key("netns").number(uint64_t{*s.netns});
  if (s.netns_name) json.key("netns_name").string(*s.netns_name);
  json.end_object();
}

void write_time_or_null(JsonWriter& json, const std::optional<int64_t>& wall_ns,
                        const ReportTimeFormat& times) {
  if (wall_ns)
    json.string(times.iso(*wall_ns));
  else
    json.null();
}

void write_finding(JsonWriter& json, const Finding& f, const ReportTimeFormat& times,
                   size_t series_points) {
  json.begin_object();
  json.key("kind").string(f.kind);
  json.key("severity").string(detectors::severity_name(f.severity));
  json.key("subject");
  write_subject(json, f.subject);
  json.key("first_seen").string(times.iso(f.first_seen_ns));
  json.key("last_seen").string(times.iso(f.last_seen_ns));
  json.key("onset");
  write_time_or_null(json, f.onset_ns, times);
  json.key("peak").begin_object();
  json.key("value").number(f.peak_value);
  json.key("at").string(times.iso(f.peak_at_ns));
  json.key("unit").string(f.peak_unit);
  json.end_object();
  json.key("thresholds");
  write_fields(json, f.thresholds, times);
  json.key("facts");
  write_fields(json, f.facts, times);
  json.key("evidence").begin_array();
  for (const detectors::EvidenceRow& row : f.evidence) {
    json.begin_object().key("what").string(row.what).key("fields");
    write_fields(json, row.fields, times);
    json.end_object();
  }
  json.end_array();
  // Units of every named field above that has one (thresholds, facts, evidence columns).
  json.key("units").begin_object();
  std::vector<std::string> seen;
  const auto add_units = [&](const std::vector<Field>& fields) {
    for (const Field& field : fields) {
      if (field.unit.empty() || std::find(seen.begin(), seen.end(), field.name) != seen.end())
        continue;
      seen.push_back(field.name);
      json.key(field.name).string(field.unit);
    }
  };
  add_units(f.thresholds);
  add_units(f.facts);
  for (const detectors::EvidenceRow& row : f.evidence) add_units(row.fields);
  json.end_object();
  json.key("summary").string(f.summary);
  json.key("likely_cause").string(f.likely_cause);
  json.key("next_check").string(f.next_check);
  json.key("series").begin_object();
  json.key("name").string(f.series_name);
  json.key("unit").string(f.peak_unit);
  json.key("points").begin_array();
  for (const SeriesPoint& p : downsample_min_max(f.series, series_points)) {
    json.begin_array().string(times.iso(p.wall_ns)).number(p.value).end_array();
  }
  json.end_array().end_object();
  json.end_object();
}

void write_recording(JsonWriter& json, const ReportModel& model, const ReportTimeFormat& times) {
  const RecordingSummary& s = model.summary;
  json.key("recording").begin_object();
  json.key("host").string(model.host);
  json.key("kernel").string(model.kernel);
  json.key("recorder_version").string(model.recorder_version);
  json.key("time_zone").string(model.time_zone);
  json.key("files").begin_array();
  for (const std::string& file : model.files) json.string(file);
  json.end_array();
  json.key("start");
  write_time_or_null(json, s.snapshots ? std::optional<int64_t>(s.first_ns) : std::nullopt, times);
  json.key("end");
  write_time_or_null(json, s.snapshots ? std::optional<int64_t>(s.last_ns) : std::nullopt, times);
  json.key("snapshots").number(uint64_t{s.snapshots});
  json.key("interval_s");
  if (s.median_interval_ns > 0)
    json.number(static_cast<double>(s.median_interval_ns) / 1e9, 3);
  else
    json.null();
  json.key("gaps").begin_array();
  for (size_t g = 0; g < s.gaps.size() && g < max_listed_gaps; ++g) {
    json.begin_object();
    json.key("after").string(times.iso(s.gaps[g].after_ns));
    json.key("length_s").number(static_cast<double>(s.gaps[g].length_ns) / 1e9, 3);
    json.key("missed").number(uint64_t{s.gaps[g].missed});
    json.end_object();
  }
  json.end_array();
  json.key("gaps_total").number(uint64_t{s.gaps.size()});
  json.key("owners_recorded").boolean(model.owners_recorded);
  json.key("damage").begin_array();
  for (const DamagedRegion& d : merge_follow_on_damage(s.damage)) {
    json.begin_object();
    json.key("file").string(d.file);
    json.key("offset").number(uint64_t{d.offset});
    json.key("length").number(uint64_t{d.length});
    json.key("snapshots_lost").number(uint64_t{d.snapshots_lost});
    json.key("reason").string(d.reason);
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

void write_timeline(JsonWriter& json, const StateTimeline& timeline,
                    const ReportTimeFormat& times) {
  json.key("timeline_bucket_s");
  if (timeline.bucket_ns > 0)
    json.number(static_cast<double>(timeline.bucket_ns) / 1e9, 3);
  else
    json.null();
  json.key("timeline").begin_array();
  for (size_t r = 0; r < timeline.times.size(); ++r) {
    json.newline().begin_object();
    json.key("time").string(times.iso(timeline.times[r]));
    json.key("counts").begin_object();
    for (size_t c = 0; c < timeline.columns.size(); ++c) {
      json.key(timeline.columns[c]).number(timeline.at(r, c));
    }
    json.end_object().end_object();
  }
  json.end_array();
}

}  // namespace

std::string render_report_json(const ReportModel& model, const ReportTimeFormat& times) {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  json.key("schema_version").number(int64_t{report_json_schema_version});
  json.key("generator").string("netsnap-analyze report");
  json.newline();
  write_recording(json, model, times);
  json.newline().key("window").begin_object();
  json.key("from").string(times.iso(model.window_from_ns));
  json.key("to").string(times.iso(model.window_to_ns));
  json.key("given").boolean(model.window_given);
  json.key("snapshots").number(uint64_t{model.window_snapshots});
  json.key("gaps").number(uint64_t{model.run.gaps});
  json.end_object();
  uint64_t counts[3] = {0, 0, 0};
  for (const Finding& f : model.findings) ++counts[static_cast<size_t>(f.severity)];
  json.newline().key("counts").begin_object();
  json.key("critical").number(counts[2]).key("warning").number(counts[1]);
  json.key("info").number(counts[0]);
  json.key("info_omitted").number(uint64_t{model.run.findings_omitted});
  json.end_object();
  json.newline().key("findings").begin_array();
  const size_t series_points = json_series_points(model.findings.size());
  for (const Finding& finding : model.findings) {
    json.newline();
    write_finding(json, finding, times, series_points);
  }
  json.end_array();
  // Empty unless the findings span several network namespaces (report_fields.h).
  json.newline().key("by_netns").begin_array();
  for (const NamespaceGroup& g : namespace_groups(model.findings)) {
    json.newline().begin_object().key("netns").number(uint64_t{g.netns});
    if (!g.name.empty()) json.key("netns_name").string(g.name);
    json.key("severity").string(std::string(detectors::severity_name(g.severity)));
    json.key("critical").number(uint64_t{g.counts[2]}).key("warning").number(uint64_t{g.counts[1]});
    json.key("info").number(uint64_t{g.counts[0]});
    json.key("kinds").begin_array();
    for (const std::string& kind : g.kinds) json.string(kind);
    json.end_array().end_object();
  }
  json.end_array();
  json.newline().key("not_judged").begin_array();
  for (const detectors::NotJudged& note : model.run.not_judged) {
    json.begin_object().key("kind").string(note.kind).key("reason").string(note.reason);
    json.end_object();
  }
  json.end_array();
  json.newline().key("caveats").begin_array();
  for (const std::string& caveat : model.run.caveats) json.string(caveat);
  json.end_array();
  json.newline();
  write_timeline(json, model.timeline, times);
  json.end_object();
  out.push_back('\n');
  return out;
}

}  // namespace netsnap::analysis
