// What the four report renderers share: the wording of a finding's subject, numbers and
// times in human form, evidence rows grouped into tables, and the top offenders. Everything
// returned here is raw text (it may hold recorded program names or namespace names): each
// renderer escapes it for its own output (text_escape.h, report_markup_escape.h,
// report_json_writer.h), never this file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "detectors/finding.h"
#include "report_model.h"
#include "report_time_format.h"

namespace netsnap::analysis {

// Human formats (text, markdown, html) are read, not searched: they give the first
// report_detailed_findings findings (the most serious: findings are ranked) in full, list up to
// report_listed_findings in their findings table or one-line list, and count the rest, which
// the JSON report always carries.
inline constexpr size_t report_detailed_findings = 40;
inline constexpr size_t report_listed_findings = 200;

// Series points per finding in the JSON report: report_series_max_points, fewer when a report
// holds so many findings that their series would exceed 100,000 points in all (never fewer
// than 20), so that the document stays a size a script can load.
size_t json_series_points(size_t findings);

// "critical", "warning", "info" (as in the JSON) and "CRITICAL"... for headings.
std::string severity_heading(detectors::Severity severity);

// "pid 4242 (java), listener 10.0.0.1:8080, remote [2001:db8::1]:443, netns 4026532000 (blue)",
// or "host" when nothing applies. IPv6 addresses are bracketed before a port.
std::string subject_text(const detectors::Subject& subject);

// "10.0.0.1:8080", "[::1]:443", "*:80" (an address without a port: the address alone).
std::string endpoint_text(const std::optional<std::string>& address,
                          const std::optional<uint16_t>& port);

// Numbers as people read them: integers as is, fractions with up to 4 significant digits
// ("0.0123", "12.35", "1235").
std::string number_text(double value);

// A field's value for humans: times in the recording's zone, numbers by number_text, then the
// unit when there is one ("12.5 /s", "340 sockets", "75 %"). Empty for no value.
std::string field_text(const detectors::Field& field, const ReportTimeFormat& times);
// The same without the unit (for table cells under a "name (unit)" heading).
std::string field_value_text(const detectors::FieldValue& value, const ReportTimeFormat& times);

// A finding's evidence rows of one kind ("socket", "counter", ...) as a table: the columns are
// every field name met in those rows, in order of first appearance; a row without a field has
// an empty cell there (nullptr).
struct EvidenceTable {
  std::string what;
  std::vector<std::string> columns;  // field names
  std::vector<std::string> units;    // the unit of each column (from its first row), or ""
  std::vector<std::vector<const detectors::FieldValue*>> rows;
};
std::vector<EvidenceTable> evidence_tables(const std::vector<detectors::EvidenceRow>& rows);

// "name (unit)" or "name".
std::string column_heading(const EvidenceTable& table, size_t column);

// Who appears in the findings, most serious first: a process, a local endpoint (a listener,
// a local port) or a remote endpoint, with how many findings name it, their kinds and the highest
// severity. Host-wide findings name nobody and are left out.
struct Offender {
  std::string role;  // "process", "local", "remote"
  std::string name;  // "java (pid 4242)", "10.0.0.1:8080", ...
  detectors::Severity severity = detectors::Severity::info;
  uint32_t findings = 0;
  std::vector<std::string> kinds;  // distinct, in the order met
};
// When the findings span several network namespaces, the same endpoint or program in two of
// them is two offenders (its name ends in " [blue (inode N)]", namespace_label()) and each namespace is an offender
// of its own (role "netns").
std::vector<Offender> top_offenders(const std::vector<detectors::Finding>& findings, size_t limit);

// The findings grouped by the network namespace of their subject, most serious first; empty
// unless they span more than one namespace (host-wide findings belong to none).
struct NamespaceGroup {
  uint64_t netns = 0;
  std::string name;    // the namespace's label, or empty
  uint32_t counts[3] = {0, 0, 0};  // by Severity: info, warning, critical
  detectors::Severity severity = detectors::Severity::info;
  std::vector<std::string> kinds;  // distinct, in the order met
};
std::vector<NamespaceGroup> namespace_groups(const std::vector<detectors::Finding>& findings);

// "1 critical, 2 warning, 0 info" from NamespaceGroup::counts.
std::string counts_text(const uint32_t (&counts)[3]);

// "1 critical, 2 warning, 0 info".
std::string severity_counts_text(const std::vector<detectors::Finding>& findings);

// The window in one line: "2026-01-01 00:00:00 UTC .. 2026-01-01 00:00:59 UTC (60 snapshots,
// every 1s, 2 gaps)"; "(no snapshots)" when it held none.
std::string window_text(const ReportModel& model, const ReportTimeFormat& times);

// The first and last seen, onset and peak of a finding in one line:
// "seen 00:00:10 .. 00:00:59, onset 00:00:08, peak 340 sockets at 00:00:59".
std::string timing_text(const detectors::Finding& finding, const ReportTimeFormat& times);

// The timeline cut to at most `max_rows` rows for tables people read (a ticket, a page): runs
// of the same number of consecutive rows merge into one holding each column's highest value,
// timed at the run's first row (bucket_ns becomes the run's length). Also drops columns that
// are zero throughout (states never met).
StateTimeline coarse_timeline(const StateTimeline& timeline, size_t max_rows);

// Cuts `text` to at most `bytes` bytes without splitting a UTF-8 sequence.
std::string cut_utf8(const std::string& text, size_t bytes);

}  // namespace netsnap::analysis
