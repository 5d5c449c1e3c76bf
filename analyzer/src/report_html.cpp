#include "report_html.h"

#include <algorithm>

#include "namespace_selection.h"
#include "report_fields.h"
#include "report_markup_escape.h"
#include "report_series.h"
#include "report_svg_chart.h"

namespace netsnap::analysis {
namespace {

using detectors::Field;
using detectors::Finding;

constexpr const char* style_sheet = R"(
body{font-family:sans-serif;font-size:14px;color:#222;margin:24px;max-width:1100px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}
h3{font-size:15px;margin-top:22px}
table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f3f3f3}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.sev{display:inline-block;padding:1px 6px;border-radius:3px;color:#fff;font-weight:bold;
font-size:12px}
.critical{background:#c62828}.warning{background:#ef8f00}.info{background:#1f77b4}
dl{display:grid;grid-template-columns:max-content auto;gap:3px 12px}dt{font-weight:bold}dd{margin:0}
.muted{color:#666}svg{display:block;max-width:100%;height:auto;margin:6px 0}
)";

std::string h(const std::string& raw) { return html_escaped(raw); }

std::string badge(detectors::Severity severity) {
  const std::string name(detectors::severity_name(severity));
  return "<span class=\"sev " + name + "\">" + name + "</span>";
}

void append_table(std::string& out, const std::vector<std::string>& escaped_headings,
                  const std::vector<std::vector<std::string>>& escaped_rows) {
  out += "<table><tr>";
  for (const std::string& heading : escaped_headings) out += "<th>" + heading + "</th>";
  out += "</tr>\n";
  for (const auto& row : escaped_rows) {
    out += "<tr>";
    for (const std::string& cell : row) out += "<td>" + cell + "</td>";
    out += "</tr>\n";
  }
  out += "</table>\n";
}

void append_fields_table(std::string& out, const std::string& title,
                         const std::vector<Field>& fields, const ReportTimeFormat& times) {
  if (fields.empty()) return;
  std::vector<std::vector<std::string>> rows;
  for (const Field& field : fields) rows.push_back({h(field.name), h(field_text(field, times))});
  out += "<p><b>" + h(title) + "</b></p>\n";
  append_table(out, {"name", "value"}, rows);
}

// The state chart's lines: every TCP state that is not zero throughout; queued
// bytes go to a chart of their own (a different unit on the same axis would flatten counts).
void append_state_charts(std::string& out, const ReportModel& model,
                         const ReportTimeFormat& times) {
  const StateTimeline& t = model.timeline;
  if (t.times.empty()) return;
  ChartSpec counts{"Sockets by state", "", t.times.front(), t.times.back(), {}, {}, 1000, 260};
  ChartSpec bytes{
      "Queued bytes, Recv-Q and Send-Q", "", t.times.front(), t.times.back(), {}, {}, 1000, 200};
  for (size_t c = 0; c < t.columns.size(); ++c) {
    ChartLine line{t.columns[c], {}};
    bool any = false;
    for (size_t r = 0; r < t.times.size(); ++r) {
      line.points.push_back({t.times[r], static_cast<double>(t.at(r, c))});
      any |= t.at(r, c) != 0;
    }
    if (!any) continue;
    line.points = downsample_min_max(line.points, report_series_max_points);
    const bool is_bytes = t.columns[c] == "Recv-Q" || t.columns[c] == "Send-Q";
    (is_bytes ? bytes : counts).lines.push_back(std::move(line));
  }
  out += "<h2 id=\"states\">State counts</h2>\n";
  if (t.bucket_ns > 0) {
    out += "<p class=\"muted\">Each point is the highest count within " +
           h(format_duration(t.bucket_ns)) + ".</p>\n";
  }
  append_svg_chart(out, counts, times);
  out += "\n";
  if (!bytes.lines.empty()) {
    append_svg_chart(out, bytes, times);
    out += "\n";
  }
}

void append_finding(std::string& out, size_t number, const Finding& f,
                    const ReportTimeFormat& times) {
  out += "<h3 id=\"finding-" + std::to_string(number) + "\">" + std::to_string(number) + ". " +
         badge(f.severity) + " " + h(f.kind) + ": " + h(subject_text(f.subject)) + "</h3>\n";
  out += "<p>" + h(f.summary) + "</p>\n<dl>";
  if (!f.likely_cause.empty()) out += "<dt>Likely cause</dt><dd>" + h(f.likely_cause) + "</dd>";
  if (!f.next_check.empty()) out += "<dt>Next check</dt><dd>" + h(f.next_check) + "</dd>";
  out += "<dt>Timing</dt><dd>" + h(timing_text(f, times)) + "</dd></dl>\n";
  if (!f.series.empty()) {
    const std::string title = f.series_name.empty() ? f.kind : f.series_name;
    // "unread bytes of ..." needs no " (bytes)" after it.
    const bool unit_named = !f.peak_unit.empty() && title.find(f.peak_unit) != std::string::npos;
    ChartSpec chart{title,
                    unit_named ? std::string() : f.peak_unit,
                    f.series.front().wall_ns,
                    f.series.back().wall_ns,
                    {},
                    {},
                    1000,
                    200};
    chart.lines.push_back({chart.title, downsample_min_max(f.series, report_series_max_points)});
    if (f.onset_ns) chart.markers.push_back({*f.onset_ns, "onset"});
    chart.markers.push_back({f.peak_at_ns, "peak"});
    append_svg_chart(out, chart, times);
    out += "\n";
  }
  append_fields_table(out, "Facts", f.facts, times);
  append_fields_table(out, "Judged with", f.thresholds, times);
  for (const EvidenceTable& table : evidence_tables(f.evidence)) {
    std::vector<std::string> headings;
    for (size_t c = 0; c < table.columns.size(); ++c)
      headings.push_back(h(column_heading(table, c)));
    std::vector<std::vector<std::string>> rows;
    for (const auto& row : table.rows) {
      std::vector<std::string> cells;
      for (const detectors::FieldValue* value : row) {
        cells.push_back(value ? h(field_value_text(*value, times)) : std::string("-"));
      }
      rows.push_back(std::move(cells));
    }
    out += "<p><b>Evidence: " + h(table.what) + "</b></p>\n";
    append_table(out, headings, rows);
  }
}

void append_timeline_table(std::string& out, const StateTimeline& timeline,
                           const ReportTimeFormat& times) {
  const StateTimeline rows = coarse_timeline(timeline, html_timeline_rows);
  if (rows.times.empty() || rows.columns.empty()) return;
  out += "<h2 id=\"timeline\">Timeline</h2>\n";
  if (rows.bucket_ns > 0) {
    out += "<p class=\"muted\">The highest count per " + h(format_duration(rows.bucket_ns)) +
           ".</p>\n";
  }
  std::vector<std::string> headings = {"Time"};
  for (const std::string& column : rows.columns) headings.push_back(h(column));
  out += "<table><tr>";
  for (const std::string& heading : headings) out += "<th>" + heading + "</th>";
  out += "</tr>\n";
  for (size_t r = 0; r < rows.times.size(); ++r) {
    out += "<tr><td>" + h(times.human(rows.times[r])) + "</td>";
    for (size_t c = 0; c < rows.columns.size(); ++c) {
      out += "<td class=\"n\">" + std::to_string(rows.at(r, c)) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</table>\n";
}

}  // namespace

std::string render_report_html(const ReportModel& model, const ReportTimeFormat& times) {
  const std::string host = model.host.empty() ? "unknown host" : model.host;
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; img-src data:\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>netsnap "
      "report: " +
      h(host) + "</title>\n<style>" + style_sheet + "</style></head>\n<body>\n";
  out += "<h1>netsnap report: " + h(host) + "</h1>\n";
  std::vector<std::vector<std::string>> facts = {
      {"Host", h(model.host)},
      {"Kernel", h(model.kernel)},
      {"Recording",
       model.summary.snapshots == 0
           ? std::string("no snapshots")
           : h(times.human(model.summary.first_ns) + " .. " + times.human(model.summary.last_ns) +
               " (" + std::to_string(model.summary.snapshots) + " snapshots)")},
      {"Window", h(window_text(model, times))},
      {"Findings", h(severity_counts_text(model.findings))}};
  out += "<table>";
  for (const auto& row : facts) out += "<tr><th>" + row[0] + "</th><td>" + row[1] + "</td></tr>";
  out += "</table>\n<h2 id=\"findings\">Findings</h2>\n";
  if (model.findings.empty()) {
    out += model.window_snapshots > 0 ? "<p>No problems found in the window.</p>\n"
                                      : "<p>Nothing could be judged (see below).</p>\n";
  } else {
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < model.findings.size() && i < report_listed_findings; ++i) {
      const Finding& f = model.findings[i];
      const std::string n = std::to_string(i + 1);
      // Only the detailed findings have a section to link to.
      const std::string number =
          i < report_detailed_findings ? "<a href=\"#finding-" + n + "\">" + n + "</a>" : n;
      rows.push_back(
          {number, badge(f.severity), h(f.kind), h(subject_text(f.subject)), h(f.summary)});
    }
    append_table(out, {"#", "Severity", "Kind", "Subject", "Summary"}, rows);
    if (model.findings.size() > report_listed_findings) {
      out += "<p>" + std::to_string(model.findings.size() - report_listed_findings) +
             " more findings are not listed (--format json lists every finding).</p>\n";
    }
  }
  append_state_charts(out, model, times);
  for (size_t i = 0; i < model.findings.size() && i < report_detailed_findings; ++i) {
    append_finding(out, i + 1, model.findings[i], times);
  }
  const std::vector<Offender> offenders = top_offenders(model.findings, 10);
  if (!offenders.empty()) {
    out += "<h2 id=\"offenders\">Top offenders</h2>\n";
    std::vector<std::vector<std::string>> rows;
    for (const Offender& o : offenders) {
      std::string kinds;
      for (const std::string& kind : o.kinds) kinds += (kinds.empty() ? "" : ", ") + kind;
      rows.push_back(
          {badge(o.severity), h(o.role), h(o.name), std::to_string(o.findings), h(kinds)});
    }
    append_table(out, {"Severity", "Role", "Who", "Findings", "Kinds"}, rows);
  }
  const std::vector<NamespaceGroup> groups = namespace_groups(model.findings);
  if (!groups.empty()) {
    out += "<h2 id=\"namespaces\">By network namespace</h2>\n";
    std::vector<std::vector<std::string>> rows;
    for (const NamespaceGroup& g : groups) {
      std::string kinds;
      for (const std::string& kind : g.kinds) kinds += (kinds.empty() ? "" : ", ") + kind;
      rows.push_back({badge(g.severity), h(namespace_label(g.netns, g.name)), counts_text(g.counts),
                      h(kinds)});
    }
    append_table(out, {"Severity", "Namespace", "Findings", "Kinds"}, rows);
  }
  append_timeline_table(out, model.timeline, times);
  if (!model.run.not_judged.empty()) {
    out += "<h2 id=\"not-judged\">Not judged</h2>\n<ul>\n";
    for (const detectors::NotJudged& note : model.run.not_judged) {
      out += "<li><b>" + h(note.kind) + "</b>: " + h(note.reason) + "</li>\n";
    }
    out += "</ul>\n";
  }
  const std::vector<DamagedRegion> damage = merge_follow_on_damage(model.summary.damage);
  if (!model.run.caveats.empty() || !damage.empty()) {
    out += "<h2 id=\"caveats\">Caveats</h2>\n<ul>\n";
    for (const std::string& caveat : model.run.caveats) out += "<li>" + h(caveat) + "</li>\n";
    for (const DamagedRegion& d : damage) {
      out += "<li>damaged: " + h(d.file) + " at offset " + std::to_string(d.offset) + " (" +
             std::to_string(d.snapshots_lost) + " snapshots lost): " + h(d.reason) + "</li>\n";
    }
    out += "</ul>\n";
  }
  out += "<p class=\"muted\">Generated by netsnap-analyze report.</p>\n</body></html>\n";
  return out;
}

}  // namespace netsnap::analysis
