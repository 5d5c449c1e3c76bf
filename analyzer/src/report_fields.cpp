#include "report_fields.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "namespace_selection.h"
#include "report_series.h"

namespace netsnap::analysis {

using detectors::Field;
using detectors::FieldValue;
using detectors::Severity;
using detectors::WallTime;

size_t json_series_points(size_t findings) {
  constexpr size_t budget = 100'000, floor = 20;
  if (findings == 0) return report_series_max_points;
  return std::clamp(budget / findings, floor, report_series_max_points);
}

std::string severity_heading(Severity severity) {
  std::string name(detectors::severity_name(severity));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c); });
  return name;
}

std::string endpoint_text(const std::optional<std::string>& address,
                          const std::optional<uint16_t>& port) {
  std::string host = address && !address->empty() ? *address : "*";
  if (!port) return host;
  // An IPv6 address needs brackets before ":port" to stay readable (RFC 3986 style).
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return host + ":" + std::to_string(*port);
}

std::string subject_text(const detectors::Subject& subject) {
  // Empty strings count as absent: a detector may know a pid without a program name.
  const auto given = [](const std::optional<std::string>& text) {
    return text && !text->empty() ? text : std::nullopt;
  };
  const std::optional<std::string> program = given(subject.program);
  const std::optional<std::string> local = given(subject.local_addr);
  const std::optional<std::string> remote = given(subject.remote_addr);
  std::vector<std::string> parts;
  if (program && subject.pid)
    parts.push_back(*program + " (pid " + std::to_string(*subject.pid) + ")");
  else if (program)
    parts.push_back(*program);
  else if (subject.pid)
    parts.push_back("pid " + std::to_string(*subject.pid));
  if (local || subject.local_port)
    parts.push_back("local " + endpoint_text(local, subject.local_port));
  if (remote || subject.remote_port)
    parts.push_back("remote " + endpoint_text(remote, subject.remote_port));
  if (subject.netns) {
    std::string ns = "netns " + std::to_string(*subject.netns);
    if (given(subject.netns_name)) ns += " (" + *subject.netns_name + ")";
    parts.push_back(std::move(ns));
  }
  if (parts.empty()) return "host";
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : ", ") + part;
  return out;
}

std::string number_text(double value) {
  if (!std::isfinite(value)) return "-";
  char buffer[40];
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  } else if (std::fabs(value) >= 1000) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.4g", value);
  }
  return buffer;
}

std::string field_value_text(const FieldValue& value, const ReportTimeFormat& times) {
  if (const auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return number_text(*d);
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* t = std::get_if<WallTime>(&value)) return times.human(t->ns);
  return {};
}

std::string field_text(const Field& field, const ReportTimeFormat& times) {
  std::string text = field_value_text(field.value, times);
  if (text.empty() || field.unit.empty() || std::holds_alternative<WallTime>(field.value)) {
    return text;
  }
  // "/s", "/h" and "%" read better attached ("12 /s" looks like a division).
  const bool attach = field.unit[0] == '/' || field.unit == "%";
  return text + (attach ? "" : " ") + field.unit;
}

std::vector<EvidenceTable> evidence_tables(const std::vector<detectors::EvidenceRow>& rows) {
  std::vector<EvidenceTable> tables;
  for (const detectors::EvidenceRow& row : rows) {
    auto table = std::find_if(tables.begin(), tables.end(),
                              [&](const EvidenceTable& t) { return t.what == row.what; });
    if (table == tables.end()) {
      tables.push_back(EvidenceTable{row.what, {}, {}, {}});
      table = tables.end() - 1;
    }
    std::vector<const FieldValue*> cells(table->columns.size(), nullptr);
    for (const Field& field : row.fields) {
      const auto column = std::find(table->columns.begin(), table->columns.end(), field.name);
      if (column == table->columns.end()) {
        table->columns.push_back(field.name);
        table->units.push_back(field.unit);
        cells.push_back(&field.value);
      } else {
        cells[static_cast<size_t>(column - table->columns.begin())] = &field.value;
      }
    }
    table->rows.push_back(std::move(cells));
  }
  // Rows made before a later row added columns are shorter: pad them with empty cells.
  for (EvidenceTable& table : tables) {
    for (auto& cells : table.rows) cells.resize(table.columns.size(), nullptr);
  }
  return tables;
}

std::string column_heading(const EvidenceTable& table, size_t column) {
  const std::string& unit = table.units[column];
  return unit.empty() ? table.columns[column] : table.columns[column] + " (" + unit + ")";
}

std::string counts_text(const uint32_t (&counts)[3]) {
  return std::to_string(counts[2]) + " critical, " + std::to_string(counts[1]) + " warning, " +
         std::to_string(counts[0]) + " info";
}

std::vector<NamespaceGroup> namespace_groups(const std::vector<detectors::Finding>& findings) {
  std::vector<NamespaceGroup> groups;
  std::map<uint64_t, size_t> index;  // netns -> group
  for (const detectors::Finding& finding : findings) {
    const detectors::Subject& s = finding.subject;
    if (!s.netns) continue;
    auto [it, inserted] = index.try_emplace(*s.netns, groups.size());
    if (inserted) {
      NamespaceGroup group;
      group.netns = *s.netns;
      group.name = s.netns_name.value_or("");
      group.severity = finding.severity;
      groups.push_back(std::move(group));
    }
    NamespaceGroup& group = groups[it->second];
    ++group.counts[static_cast<size_t>(finding.severity)];
    group.severity = std::max(group.severity, finding.severity);
    if (std::find(group.kinds.begin(), group.kinds.end(), finding.kind) == group.kinds.end())
      group.kinds.push_back(finding.kind);
  }
  if (groups.size() < 2) return {};
  std::stable_sort(groups.begin(), groups.end(), [](const NamespaceGroup& a, const NamespaceGroup& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    return a.counts[0] + a.counts[1] + a.counts[2] > b.counts[0] + b.counts[1] + b.counts[2];
  });
  return groups;
}

std::vector<Offender> top_offenders(const std::vector<detectors::Finding>& findings, size_t limit) {
  // 127.0.0.1:80 in two containers is two listeners: names carry the namespace then.
  std::set<uint64_t> namespaces;
  for (const detectors::Finding& finding : findings)
    if (finding.subject.netns) namespaces.insert(*finding.subject.netns);
  const bool several_namespaces = namespaces.size() > 1;
  std::vector<Offender> offenders;
  std::map<std::pair<std::string, std::string>, size_t> index;  // (role, name) -> offender
  const auto credit = [&](const std::string& role, const std::string& name,
                          const detectors::Finding& finding) {
    auto [it, inserted] = index.try_emplace({role, name}, offenders.size());
    if (inserted) offenders.push_back(Offender{role, name, finding.severity, 0, {}});
    Offender& offender = offenders[it->second];
    ++offender.findings;
    offender.severity = std::max(offender.severity, finding.severity);
    if (std::find(offender.kinds.begin(), offender.kinds.end(), finding.kind) ==
        offender.kinds.end()) {
      offender.kinds.push_back(finding.kind);
    }
  };
  for (const detectors::Finding& finding : findings) {
    const detectors::Subject& s = finding.subject;
    std::string in_namespace;
    if (several_namespaces && s.netns) {
      const std::string ns = namespace_label(*s.netns, s.netns_name.value_or(""));
      credit("netns", ns, finding);
      in_namespace = " [" + ns + "]";
    }
    const bool has_program = s.program && !s.program->empty();
    if (has_program || s.pid) {
      detectors::Subject owner;  // named the way subject_text names it: "java (pid 42)"
      owner.pid = s.pid;
      owner.program = s.program;
      credit("process", subject_text(owner) + in_namespace, finding);
    }
    if (s.local_port)
      credit("local", endpoint_text(s.local_addr, s.local_port) + in_namespace, finding);
    if ((s.remote_addr && !s.remote_addr->empty()) || s.remote_port) {
      credit("remote", endpoint_text(s.remote_addr, s.remote_port) + in_namespace, finding);
    }
  }
  std::stable_sort(offenders.begin(), offenders.end(), [](const Offender& a, const Offender& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    return a.findings > b.findings;
  });
  if (offenders.size() > limit) offenders.resize(limit);
  return offenders;
}

std::string severity_counts_text(const std::vector<detectors::Finding>& findings) {
  uint32_t counts[3] = {0, 0, 0};
  for (const detectors::Finding& f : findings) ++counts[static_cast<size_t>(f.severity)];
  return counts_text(counts);
}

std::string window_text(const ReportModel& model, const ReportTimeFormat& times) {
  std::string out = times.human(model.window_from_ns) + " .. " + times.human(model.window_to_ns);
  if (model.window_snapshots == 0) return out + " (no snapshots)";
  out += " (" + std::to_string(model.window_snapshots) +
         (model.window_snapshots == 1 ? " snapshot" : " snapshots");
  if (model.summary.median_interval_ns > 0) {
    out += ", every " + format_duration(model.summary.median_interval_ns);
  }
  if (model.run.gaps > 0) {
    out += ", " + std::to_string(model.run.gaps) + (model.run.gaps == 1 ? " gap" : " gaps");
  }
  return out + ")";
}

std::string timing_text(const detectors::Finding& finding, const ReportTimeFormat& times) {
  std::string out =
      "seen " + times.human(finding.first_seen_ns) + " .. " + times.human(finding.last_seen_ns);
  if (finding.onset_ns) out += ", onset " + times.human(*finding.onset_ns);
  out += ", peak " + number_text(finding.peak_value);
  if (!finding.peak_unit.empty()) out += " " + finding.peak_unit;
  return out + " at " + times.human(finding.peak_at_ns);
}

StateTimeline coarse_timeline(const StateTimeline& timeline, size_t max_rows) {
  StateTimeline out;
  out.bucket_ns = timeline.bucket_ns;
  const size_t rows = timeline.times.size();
  std::vector<size_t> kept;
  for (size_t c = 0; c < timeline.columns.size(); ++c) {
    for (size_t r = 0; r < rows; ++r) {
      if (timeline.at(r, c) != 0) {
        kept.push_back(c);
        break;
      }
    }
  }
  for (const size_t c : kept) out.columns.push_back(timeline.columns[c]);
  // Runs of a whole number of rows, so that merged rows stay as round as the buckets were
  // (six 5-minute rows make a 30-minute one).
  const size_t run = std::max<size_t>(1, (rows + max_rows - 1) / std::max<size_t>(max_rows, 1));
  for (size_t begin = 0; begin < rows; begin += run) {
    const size_t end = std::min(rows, begin + run);
    out.times.push_back(timeline.times[begin]);
    for (const size_t c : kept) {
      int64_t highest = timeline.at(begin, c);
      for (size_t r = begin + 1; r < end; ++r) highest = std::max(highest, timeline.at(r, c));
      out.values.push_back(highest);
    }
  }
  if (run > 1) {
    // Per-snapshot rows have no bucket length: use the mean step between them.
    const int64_t step = timeline.bucket_ns > 0 ? timeline.bucket_ns
                                                : (timeline.times.back() - timeline.times.front()) /
                                                      static_cast<int64_t>(rows - 1);
    out.bucket_ns = step * static_cast<int64_t>(run);
  }
  return out;
}

std::string cut_utf8(const std::string& text, size_t bytes) {
  if (text.size() <= bytes) return text;
  size_t end = bytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut sequence.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace netsnap::analysis
