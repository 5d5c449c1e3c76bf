#include "report_markdown.h"

#include <algorithm>

#include "namespace_selection.h"
#include "report_fields.h"
#include "report_markup_escape.h"
#include "report_series.h"
#include "report_text.h"
#include "sparkline.h"

namespace netsnap::analysis {
namespace {

using detectors::Field;
using detectors::Finding;

std::string md(const std::string& raw) { return markdown_escaped(raw); }

void append_row(std::string& out, const std::vector<std::string>& escaped_cells) {
  out += "|";
  for (const std::string& cell : escaped_cells) out += " " + (cell.empty() ? " " : cell) + " |";
  out += "\n";
}

void append_table_head(std::string& out, const std::vector<std::string>& escaped_headings) {
  append_row(out, escaped_headings);
  out += "|";
  for (size_t i = 0; i < escaped_headings.size(); ++i) out += " --- |";
  out += "\n";
}

std::string field_list(const std::vector<Field>& fields, const ReportTimeFormat& times) {
  std::string out;
  for (const Field& field : fields) {
    if (!out.empty()) out += ", ";
    out += md(field.name) + " " + md(field_text(field, times));
  }
  return out;
}

// "▁▂▅█ (0..340)": sparkline characters need no escaping.
std::string sparkline_text(const std::vector<SeriesPoint>& series) {
  if (series.empty()) return {};
  const auto [low, high] = std::minmax_element(
      series.begin(), series.end(),
      [](const SeriesPoint& a, const SeriesPoint& b) { return a.value < b.value; });
  return sparkline(series_values(series), report_sparkline_width) + " (" + number_text(low->value) +
         ".." + number_text(high->value) + ")";
}

void append_finding(std::string& out, size_t number, const Finding& f,
                    const ReportTimeFormat& times) {
  out += "### " + std::to_string(number) + ". " + severity_heading(f.severity) + " " + md(f.kind) +
         ": " + md(subject_text(f.subject)) + "\n\n";
  out += md(f.summary) + "\n\n";
  if (!f.likely_cause.empty()) out += "- **Likely cause:** " + md(f.likely_cause) + "\n";
  if (!f.next_check.empty()) out += "- **Next check:** " + md(f.next_check) + "\n";
  out += "- **Timing:** " + md(timing_text(f, times)) + "\n";
  if (!f.series.empty()) {
    out += "- **" + md(f.series_name.empty() ? f.kind : f.series_name) + ":** " +
           sparkline_text(f.series) + "\n";
  }
  if (!f.facts.empty()) out += "- **Facts:** " + field_list(f.facts, times) + "\n";
  if (!f.thresholds.empty()) out += "- **Judged with:** " + field_list(f.thresholds, times) + "\n";
  out += "\n";
  for (const EvidenceTable& table : evidence_tables(f.evidence)) {
    out += "Evidence: " + md(table.what) + "\n\n";
    std::vector<std::string> headings;
    for (size_t c = 0; c < table.columns.size(); ++c)
      headings.push_back(md(column_heading(table, c)));
    append_table_head(out, headings);
    for (const auto& row : table.rows) {
      std::vector<std::string> cells;
      for (const detectors::FieldValue* value : row) {
        cells.push_back(value ? md(field_value_text(*value, times)) : std::string("-"));
      }
      append_row(out, cells);
    }
    out += "\n";
  }
}

void append_timeline(std::string& out, const StateTimeline& timeline,
                     const ReportTimeFormat& times) {
  const StateTimeline rows = coarse_timeline(timeline, markdown_timeline_rows);
  if (rows.times.empty()) return;
  out += "## Timeline\n\n";
  if (rows.bucket_ns > 0) {
    out += "State counts, the highest per " + md(format_duration(rows.bucket_ns)) + ".\n\n";
  } else {
    out += "State counts per snapshot.\n\n";
  }
  if (rows.columns.empty()) {
    out += "No sockets in the window.\n\n";
    return;
  }
  std::vector<std::string> headings = {"Time"};
  for (const std::string& column : rows.columns) headings.push_back(md(column));
  append_table_head(out, headings);
  for (size_t r = 0; r < rows.times.size(); ++r) {
    std::vector<std::string> cells = {md(times.human(rows.times[r]))};
    for (size_t c = 0; c < rows.columns.size(); ++c) cells.push_back(std::to_string(rows.at(r, c)));
    append_row(out, cells);
  }
  out += "\n";
}

}  // namespace

std::string render_report_markdown(const ReportModel& model, const ReportTimeFormat& times) {
  std::string out =
      "## netsnap report: " + md(model.host.empty() ? "unknown host" : model.host) + "\n\n";
  append_table_head(out, {"", ""});
  append_row(out, {"**Host**", md(model.host)});
  append_row(out, {"**Kernel**", md(model.kernel)});
  append_row(out,
             {"**Recording**", model.summary.snapshots == 0
                                   ? std::string("no snapshots")
                                   : md(times.human(model.summary.first_ns) + " .. " +
                                        times.human(model.summary.last_ns) + " (" +
                                        std::to_string(model.summary.snapshots) + " snapshots)")});
  append_row(out, {"**Window**", md(window_text(model, times))});
  append_row(out, {"**Findings**", md(severity_counts_text(model.findings))});
  out += "\n";

  out += "## Findings\n\n";
  if (model.findings.empty()) {
    out += model.window_snapshots > 0 ? "No problems found in the window.\n\n"
                                      : "Nothing could be judged (see below).\n\n";
  } else {
    append_table_head(out, {"#", "Severity", "Kind", "Subject", "Peak", "Onset", "Summary"});
    const size_t listed = std::min(model.findings.size(), report_listed_findings);
    for (size_t i = 0; i < listed; ++i) {
      const Finding& f = model.findings[i];
      std::string peak = number_text(f.peak_value);
      if (!f.peak_unit.empty()) peak += " " + f.peak_unit;
      append_row(out,
                 {std::to_string(i + 1),
                  "**" + md(std::string(detectors::severity_name(f.severity))) + "**", md(f.kind),
                  md(subject_text(f.subject)), md(peak + " at " + times.human(f.peak_at_ns)),
                  f.onset_ns ? md(times.human(*f.onset_ns)) : std::string("-"), md(f.summary)});
    }
    if (listed < model.findings.size()) {
      out += "\n" + std::to_string(model.findings.size() - listed) +
             " more findings are not listed (--format json lists every finding).\n";
    }
    out += "\n";
    for (size_t i = 0; i < model.findings.size() && i < report_detailed_findings; ++i) {
      append_finding(out, i + 1, model.findings[i], times);
    }
  }
  const std::vector<Offender> offenders = top_offenders(model.findings, 10);
  if (!offenders.empty()) {
    out += "## Top offenders\n\n";
    append_table_head(out, {"Severity", "Role", "Who", "Findings", "Kinds"});
    for (const Offender& o : offenders) {
      std::string kinds;
      for (const std::string& kind : o.kinds) kinds += (kinds.empty() ? "" : ", ") + kind;
      append_row(out, {md(std::string(detectors::severity_name(o.severity))), md(o.role),
                       md(o.name), std::to_string(o.findings), md(kinds)});
    }
    out += "\n";
  }
  const std::vector<NamespaceGroup> groups = namespace_groups(model.findings);
  if (!groups.empty()) {
    out += "## By network namespace\n\n";
    append_table_head(out, {"Severity", "Namespace", "Findings", "Kinds"});
    for (const NamespaceGroup& g : groups) {
      std::string kinds;
      for (const std::string& kind : g.kinds) kinds += (kinds.empty() ? "" : ", ") + kind;
      append_row(out, {md(std::string(detectors::severity_name(g.severity))),
                       md(namespace_label(g.netns, g.name)), counts_text(g.counts), md(kinds)});
    }
    out += "\n";
  }
  append_timeline(out, model.timeline, times);
  if (!model.run.not_judged.empty()) {
    out += "## Not judged\n\n";
    for (const detectors::NotJudged& note : model.run.not_judged) {
      out += "- **" + md(note.kind) + "**: " + md(note.reason) + "\n";
    }
    out += "\n";
  }
  const std::vector<DamagedRegion> damage = merge_follow_on_damage(model.summary.damage);
  if (!model.run.caveats.empty() || !damage.empty()) {
    out += "## Caveats\n\n";
    for (const std::string& caveat : model.run.caveats) out += "- " + md(caveat) + "\n";
    for (const DamagedRegion& d : damage) {
      out += "- damaged: " + md(d.file) + " at offset " + std::to_string(d.offset) + " (" +
             std::to_string(d.snapshots_lost) + " snapshots lost): " + md(d.reason) + "\n";
    }
    out += "\n";
  }
  return out;
}

}  // namespace netsnap::analysis
