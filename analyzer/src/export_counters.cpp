#include "export_counters.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <tuple>
#include <vector>

#include "export_chunked_output.h"
#include "export_counter_series.h"
#include "export_openmetrics.h"
#include "field_writers.h"
#include "socket_text.h"

namespace netsnap::analysis {
namespace {

const std::vector<FieldSpec> csv_fields = {{"time", FieldKind::text},
                                           {"wall_ns", FieldKind::integer},
                                           {"table", FieldKind::text},
                                           {"counter", FieldKind::text},
                                           {"value", FieldKind::integer}};

void append_csv_rows(std::string& text, const Snapshot& snapshot, const RecordingTimeZone& zone,
                     FieldValues& values) {
  values.set_text(0, zone.format_iso(snapshot.wall_ns));
  values.set_integer(1, snapshot.wall_ns);
  for (const CounterTable& table : snapshot.counters) {
    values.set_text(2, table.name);
    for (size_t v = 0; v < table.names.size() && v < table.values.size(); ++v) {
      values.set_text(3, table.names[v]);
      values.set_integer(4, table.values[v]);
      append_csv_row(text, values);
    }
  }
}

void append_json_line(std::string& text, const Snapshot& snapshot, const RecordingTimeZone& zone) {
  text.append("{\"time\":");
  append_json_string(text, zone.format_iso(snapshot.wall_ns));
  text.append(",\"wall_ns\":");
  append_decimal_signed(text, snapshot.wall_ns);
  text.append(",\"counters\":{");
  for (size_t t = 0; t < snapshot.counters.size(); ++t) {
    const CounterTable& table = snapshot.counters[t];
    if (t > 0) text.push_back(',');
    append_json_string(text, table.name);
    text.append(":{");
    for (size_t v = 0; v < table.names.size() && v < table.values.size(); ++v) {
      if (v > 0) text.push_back(',');
      append_json_string(text, table.names[v]);
      text.push_back(':');
      append_decimal_signed(text, table.values[v]);
    }
    text.push_back('}');
  }
  text.append("}}\n");
}

// Both families, each series after the other, in (table, counter) order.
void write_openmetrics(const CounterSeriesBuffer& buffer, const std::string& host,
                       std::ostream& out) {
  const auto& names = buffer.names();
  std::vector<size_t> order(names.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::tie(names[a].table, names[a].counter) < std::tie(names[b].table, names[b].counter);
  });
  const MetricFamily families[] = {
      {"netsnap_kernel_counter", MetricType::counter,
       "Kernel socket counters as recorded (/proc/net/netstat, snmp, snmp6): raw values since "
       "boot, by table and counter name as the kernel spells them.",
       ""},
      {"netsnap_kernel_gauge", MetricType::gauge,
       "Kernel socket levels as recorded (/proc/net/sockstat, sockstat6, "
       "/proc/sys/fs/file-nr, Tcp CurrEstab and the snmp constants), by table and name.",
       ""}};
  ChunkedOutput output(out);
  std::string& text = output.text();
  for (const MetricFamily& family : families) {
    const bool gauges = family.type == MetricType::gauge;
    bool header_written = false;
    for (const size_t id : order) {
      if (is_kernel_gauge(names[id].table, names[id].counter) != gauges) continue;
      if (!header_written) append_family_header(text, family);
      header_written = true;
      const std::string prefix = series_prefix(
          family, {{"host", host}, {"table", names[id].table}, {"counter", names[id].counter}});
      buffer.for_each_sample(id, [&](int64_t wall_ns, int64_t value) {
        append_sample(text, prefix, value, wall_ns);
        output.written();
      });
    }
  }
  text.append(openmetrics_end);
}

}  // namespace

Status export_counters(Timeline& timeline, const RecordingTimeZone& zone,
                       const SnapshotRange& range, const ExportRequest& request,
                       std::ostream& out) {
  FieldValues values(csv_fields.size());
  CounterSeriesBuffer buffer;
  ChunkedOutput output(out);
  std::string& text = output.text();
  if (request.format == ExportFormat::csv) append_csv_header(text, csv_fields);
  if (request.progress) request.progress->start(range.last - range.first + 1);
  Cursor cursor = timeline.cursor(range.first, CursorMode::changes_only);
  while (cursor.next() && cursor.entry_index() <= range.last) {
    const Snapshot& snapshot = cursor.current();
    switch (request.format) {
      case ExportFormat::csv: append_csv_rows(text, snapshot, zone, values); break;
      case ExportFormat::jsonl: append_json_line(text, snapshot, zone); break;
      case ExportFormat::openmetrics: buffer.add(snapshot); break;
    }
    output.written();
    if (request.progress) request.progress->advance();
  }
  output.flush();
  if (request.progress) request.progress->finish();
  if (request.format == ExportFormat::openmetrics)
    write_openmetrics(buffer, timeline.header().host_name, out);
  return ok_status();
}

}  // namespace netsnap::analysis
