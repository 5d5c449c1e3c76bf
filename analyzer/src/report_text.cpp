#include "report_text.h"

#include <algorithm>

#include "namespace_selection.h"
#include "report_fields.h"
#include "report_series.h"
#include "sparkline.h"
#include "text_escape.h"

namespace netsnap::analysis {
namespace {

using detectors::Field;
using detectors::Finding;

constexpr size_t max_cell_bytes = 48;  // evidence cells: addresses, names, times fit

// Columns on a terminal: escapes are ASCII, UTF-8 continuation bytes take no column.
size_t display_width(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void append_padded(std::string& out, const std::string& text, size_t width) {
  out += text;
  const size_t shown = display_width(text);
  if (shown < width) out.append(width - shown, ' ');
}

// "  label         value\n" with the value escaped.
void append_labelled(std::string& out, const std::string& label, const std::string& raw) {
  out += "    ";
  append_padded(out, label, 14);
  append_escaped(out, raw);
  out += '\n';
}

// "name value unit, name value unit" for thresholds and facts.
std::string field_list(const std::vector<Field>& fields, const ReportTimeFormat& times) {
  std::string out;
  for (const Field& field : fields) {
    if (!out.empty()) out += ", ";
    out += field.name + " " + field_text(field, times);
  }
  return out;
}

// "    LABEL         ▁▂▅█ 0..340 SUFFIX": the label column is 14 wide, as the other labels.
void append_sparkline(std::string& out, const std::string& label,
                      const std::vector<SeriesPoint>& series, const std::string& suffix) {
  if (series.empty()) return;
  const std::vector<int64_t> values = series_values(series);
  const auto [low, high] = std::minmax_element(
      series.begin(), series.end(),
      [](const SeriesPoint& a, const SeriesPoint& b) { return a.value < b.value; });
  out += "    ";
  std::string name;
  append_escaped(name, cut_utf8(label, 13));
  append_padded(out, name, 14);
  out += sparkline(values, report_sparkline_width);
  out += " " + number_text(low->value) + ".." + number_text(high->value);
  if (!suffix.empty()) {
    out += " ";
    append_escaped(out, suffix);
  }
  out += '\n';
}

void append_evidence(std::string& out, const Finding& finding, const ReportTimeFormat& times) {
  for (const EvidenceTable& table : evidence_tables(finding.evidence)) {
    std::vector<std::vector<std::string>> cells;  // escaped, heading first
    std::vector<std::string> heading;
    for (size_t c = 0; c < table.columns.size(); ++c)
      heading.push_back(escaped(column_heading(table, c)));
    cells.push_back(std::move(heading));
    for (const auto& row : table.rows) {
      std::vector<std::string> line;
      for (const detectors::FieldValue* value : row) {
        line.push_back(value ? escaped(cut_utf8(field_value_text(*value, times), max_cell_bytes))
                             : std::string("-"));
      }
      cells.push_back(std::move(line));
    }
    std::vector<size_t> widths(table.columns.size(), 0);
    for (const auto& line : cells) {
      for (size_t c = 0; c < line.size(); ++c)
        widths[c] = std::max(widths[c], display_width(line[c]));
    }
    out += "    evidence: ";
    append_escaped(out, table.what);
    out += '\n';
    for (const auto& line : cells) {
      out += "      ";
      for (size_t c = 0; c < line.size(); ++c) {
        if (c + 1 == line.size())
          out += line[c];
        else
          append_padded(out, line[c], widths[c] + 2);
      }
      out += '\n';
    }
  }
}

void append_finding(std::string& out, const Finding& finding, const ReportTimeFormat& times) {
  append_padded(out, severity_heading(finding.severity), 10);
  append_escaped(out, finding.kind);
  out += "  ";
  append_escaped(out, subject_text(finding.subject));
  out += "\n    ";
  append_escaped(out, finding.summary);
  out += '\n';
  if (!finding.likely_cause.empty()) append_labelled(out, "likely cause", finding.likely_cause);
  if (!finding.next_check.empty()) append_labelled(out, "next check", finding.next_check);
  append_labelled(out, "timing", timing_text(finding, times));
  std::string series = finding.series_name.empty() ? finding.kind : finding.series_name;
  append_sparkline(out, "series", finding.series, "(" + series + ")");
  // Info findings stay short: their detail is in the json, markdown and html reports.
  if (finding.severity != detectors::Severity::info) {
    if (!finding.facts.empty()) append_labelled(out, "facts", field_list(finding.facts, times));
    if (!finding.thresholds.empty()) {
      append_labelled(out, "judged with", field_list(finding.thresholds, times));
    }
    append_evidence(out, finding, times);
  }
  out += '\n';
}

void append_timeline(std::string& out, const StateTimeline& timeline) {
  if (timeline.times.empty()) return;
  out += "State counts";
  if (timeline.bucket_ns > 0) out += " (highest per " + format_duration(timeline.bucket_ns) + ")";
  out += '\n';
  size_t shown = 0;
  for (size_t c = 0; c < timeline.columns.size(); ++c) {
    std::vector<SeriesPoint> column;
    bool any = false;
    for (size_t r = 0; r < timeline.times.size(); ++r) {
      column.push_back({timeline.times[r], static_cast<double>(timeline.at(r, c))});
      any |= timeline.at(r, c) != 0;
    }
    if (!any) continue;  // a state never met adds a flat line and nothing else
    append_sparkline(out, timeline.columns[c], column, "");
    ++shown;
  }
  if (shown == 0) out += "    (no sockets in the window)\n";
  out += '\n';
}

}  // namespace

std::string render_report_text(const ReportModel& model, const ReportTimeFormat& times) {
  std::string out = "netsnap report  ";
  append_escaped(out, model.host.empty() ? std::string("(unknown host)") : model.host);
  if (!model.kernel.empty()) {
    out += " (kernel ";
    append_escaped(out, model.kernel);
    out += ")";
  }
  out += "\nrecording ";
  if (model.summary.snapshots == 0) {
    out += "no snapshots";
  } else {
    out += times.human(model.summary.first_ns) + " .. " + times.human(model.summary.last_ns) +
           " (" + std::to_string(model.summary.snapshots) + " snapshots)";
  }
  out += "\nwindow    " + window_text(model, times);
  out += "\nfindings  " + severity_counts_text(model.findings);
  if (model.run.findings_omitted > 0) {
    out += " (" + std::to_string(model.run.findings_omitted) + " more info findings not listed)";
  }
  out += "\n\n";
  if (model.findings.empty() && model.window_snapshots > 0) {
    out += "No problems found in the window (see below for what could not be judged).\n\n";
  }
  for (size_t i = 0; i < model.findings.size() && i < report_detailed_findings; ++i) {
    append_finding(out, model.findings[i], times);
  }
  if (model.findings.size() > report_detailed_findings) {
    out += "More findings (one line each)\n";
    for (size_t i = report_detailed_findings;
         i < model.findings.size() && i < report_listed_findings; ++i) {
      const Finding& f = model.findings[i];
      out += "    ";
      append_padded(out, severity_heading(f.severity), 10);
      append_escaped(out, f.kind + "  " + subject_text(f.subject) + ": " + f.summary);
      out += '\n';
    }
    if (model.findings.size() > report_listed_findings) {
      out += "    ... and " + std::to_string(model.findings.size() - report_listed_findings) +
             " more (--format json lists every finding)\n";
    }
    out += '\n';
  }

  const std::vector<Offender> offenders = top_offenders(model.findings, 10);
  if (!offenders.empty()) {
    out += "Top offenders\n";
    for (const Offender& offender : offenders) {
      out += "    ";
      append_padded(out, severity_heading(offender.severity), 10);
      append_padded(out, offender.role, 9);
      std::string name;
      append_escaped(name, offender.name);
      append_padded(out, name, 32);
      out += " " + std::to_string(offender.findings) +
             (offender.findings == 1 ? " finding: " : " findings: ");
      for (size_t k = 0; k < offender.kinds.size(); ++k) {
        if (k > 0) out += ", ";
        append_escaped(out, offender.kinds[k]);
      }
      out += '\n';
    }
    out += '\n';
  }
  const std::vector<NamespaceGroup> groups = namespace_groups(model.findings);
  if (!groups.empty()) {
    out += "By network namespace\n";
    for (const NamespaceGroup& group : groups) {
      out += "    ";
      append_padded(out, severity_heading(group.severity), 10);
      std::string name;
      append_escaped(name, namespace_label(group.netns, group.name));
      append_padded(out, name, 41);
      out += " " + counts_text(group.counts) + ": ";
      for (size_t k = 0; k < group.kinds.size(); ++k) {
        if (k > 0) out += ", ";
        append_escaped(out, group.kinds[k]);
      }
      out += '\n';
    }
    out += '\n';
  }
  append_timeline(out, model.timeline);

  if (!model.run.not_judged.empty()) {
    out += "Not judged\n";
    for (const detectors::NotJudged& note : model.run.not_judged) {
      out += "    ";
      append_escaped(out, note.kind);
      out += ": ";
      append_escaped(out, note.reason);
      out += '\n';
    }
    out += '\n';
  }
  if (!model.run.caveats.empty() || !model.summary.damage.empty()) {
    out += "Caveats\n";
    for (const std::string& caveat : model.run.caveats) {
      out += "    ";
      append_escaped(out, caveat);
      out += '\n';
    }
    for (const DamagedRegion& damage : merge_follow_on_damage(model.summary.damage)) {
      out += "    damaged: ";
      append_escaped(out, damage.file);
      out += " at offset " + std::to_string(damage.offset) + " (" +
             std::to_string(damage.snapshots_lost) + " snapshots lost): ";
      append_escaped(out, damage.reason);
      out += '\n';
    }
  }
  return out;
}

}  // namespace netsnap::analysis
