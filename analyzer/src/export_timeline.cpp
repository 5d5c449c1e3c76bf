#include "export_timeline.h"

#include <string>
#include <vector>

#include "export_chunked_output.h"
#include "export_openmetrics.h"
#include "field_writers.h"
#include "socket_text.h"
#include "timeline_command.h"

namespace netsnap::analysis {
namespace {

// Where one timeline column goes in OpenMetrics: a family and the column's labels.
struct ColumnSeries {
  size_t family = 0;
  std::vector<MetricLabel> labels;
};

const MetricFamily sockets_family{
    "netsnap_sockets", MetricType::gauge,
    "Sockets by protocol and, for TCP, state (a request socket counts as SYN_RECV); udp counts "
    "UDP and UDP-Lite.",
    ""};
const MetricFamily queued_bytes_family{
    "netsnap_queued_bytes", MetricType::gauge,
    "Bytes queued in TCP, UDP and RAW sockets (listeners excluded: their queues count "
    "connections).",
    "bytes"};

MetricFamily open_ended_family(TimelineGroupBy by) {
  switch (by) {
    case TimelineGroupBy::proto:
      return {"netsnap_sockets_by_proto", MetricType::gauge,
              "Sockets by netstat's Proto column (tcp, tcp6, udp, udpl, raw, unix...).", ""};
    case TimelineGroupBy::local_port:
      return {"netsnap_sockets_by_local_port", MetricType::gauge,
              "TCP, UDP and RAW sockets by local port and protocol (other: beyond --top).", ""};
    case TimelineGroupBy::remote:
      return {"netsnap_sockets_by_remote", MetricType::gauge,
              "Connected TCP, UDP and RAW sockets by remote address (other: beyond --top).", ""};
    case TimelineGroupBy::netns:
      return {"netsnap_sockets_by_netns", MetricType::gauge,
              "Sockets by network namespace (its label and inode; other: beyond --top).", ""};
    case TimelineGroupBy::netns_state:
      return {"netsnap_sockets_by_netns_state", MetricType::gauge,
              "TCP sockets by namespace and state, UDP and UNIX by namespace (other: beyond "
              "--top).", ""};
    default:
      return {"netsnap_sockets_by_program", MetricType::gauge,
              "Sockets by their owner's command name (-: no owner; other: beyond --top).", ""};
  }
}

const char* label_name(TimelineGroupBy by) {
  switch (by) {
    case TimelineGroupBy::proto: return "proto";
    case TimelineGroupBy::local_port: return "local_port";
    case TimelineGroupBy::remote: return "remote";
    case TimelineGroupBy::netns: return "netns";
    case TimelineGroupBy::netns_state: return "netns_state";
    default: return "program";
  }
}

// The families and, for each column, its series. --by state splits its columns into socket
// counts and queued bytes; the other groupings have one family with the column as a label.
std::vector<ColumnSeries> column_series(const TimelineSeries& series, TimelineGroupBy by,
                                        const std::string& host,
                                        std::vector<MetricFamily>& families) {
  std::vector<ColumnSeries> columns;
  if (by != TimelineGroupBy::state) {
    families = {open_ended_family(by)};
    for (const std::string& name : series.columns)
      columns.push_back({0, {{"host", host}, {label_name(by), name}}});
    return columns;
  }
  families = {sockets_family, queued_bytes_family};
  for (const std::string& name : series.columns) {
    if (name == "Recv-Q" || name == "Send-Q") {
      columns.push_back({1, {{"host", host}, {"queue", name == "Recv-Q" ? "recv" : "send"}}});
    } else if (name == "UDP" || name == "UNIX") {
      columns.push_back({0, {{"host", host}, {"proto", name == "UDP" ? "udp" : "unix"}}});
    } else {
      columns.push_back({0, {{"host", host}, {"proto", "tcp"}, {"state", name}}});
    }
  }
  return columns;
}

void write_openmetrics(const TimelineSeries& series, TimelineGroupBy by, const std::string& host,
                       std::ostream& out) {
  std::vector<MetricFamily> families;
  const std::vector<ColumnSeries> columns = column_series(series, by, host, families);
  ChunkedOutput output(out);
  std::string& text = output.text();
  for (size_t f = 0; f < families.size(); ++f) {
    append_family_header(text, families[f]);
    for (size_t c = 0; c < columns.size(); ++c) {
      if (columns[c].family != f) continue;
      const std::string prefix = series_prefix(families[f], columns[c].labels);
      for (size_t r = 0; r < series.times.size(); ++r) {
        append_sample(text, prefix, series.at(r, c), series.times[r]);
        output.written();
      }
    }
  }
  text.append(openmetrics_end);
}

void write_json_lines(const TimelineSeries& series, const RecordingTimeZone& zone,
                      std::ostream& out) {
  // The counts go in an object of their own, as in `timeline --format json`: a program named
  // "time" must not collide with the row's time.
  std::vector<FieldSpec> count_fields;
  for (const std::string& column : series.columns)
    count_fields.push_back({column, FieldKind::integer});
  FieldValues counts(count_fields.size());
  ChunkedOutput output(out);
  std::string& text = output.text();
  for (size_t r = 0; r < series.times.size(); ++r) {
    text.append("{\"time\":");
    append_json_string(text, zone.format_iso(series.times[r]));
    text.append(",\"wall_ns\":");
    append_decimal_signed(text, series.times[r]);
    text.append(",\"counts\":");
    for (size_t c = 0; c < series.columns.size(); ++c) counts.set_integer(c, series.at(r, c));
    append_json_object(text, count_fields, counts);
    text.append("}\n");
    output.written();
  }
}

}  // namespace

Status export_timeline(Timeline& timeline, const RecordingTimeZone& zone,
                       const ExportRequest& request, std::ostream& out) {
  TimelineRequest timeline_request;
  timeline_request.by = request.by;
  timeline_request.selection = request.selection;
  timeline_request.top = request.top;
  timeline_request.progress = request.progress;
  timeline_request.namespaces = request.namespaces;
  auto series = compute_timeline(timeline, zone, timeline_request);
  if (request.progress) request.progress->finish();
  if (!series) return series.error();
  switch (request.format) {
    case ExportFormat::csv: out << render_timeline_csv(*series, zone); break;
    case ExportFormat::jsonl: write_json_lines(*series, zone, out); break;
    case ExportFormat::openmetrics:
      write_openmetrics(*series, request.by, timeline.header().host_name, out);
      break;
  }
  return ok_status();
}

}  // namespace netsnap::analysis
