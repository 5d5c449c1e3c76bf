// `report --format markdown`: the report as GitHub/CommonMark markdown that pastes cleanly into
// an incident ticket: a header table (host, kernel, recording, window, findings), a findings
// table (report_listed_findings rows at most), a section for each of the first
// report_detailed_findings findings (explanation, likely cause, next check, timing, sparkline,
// facts, thresholds, evidence tables), top offenders, a timeline table of state counts (at
// most markdown_timeline_rows rows), what could not be judged, and caveats.
//
// Recorded text goes through append_markdown_escaped (report_markup_escape.h): | and
// backticks cannot break a table or open code, newlines cannot end a row, < cannot open HTML.
#pragma once

#include <string>

#include "report_model.h"
#include "report_time_format.h"

namespace netsnap::analysis {

// A ticket is read, not scrolled: the timeline table is cut to this many rows.
inline constexpr size_t markdown_timeline_rows = 24;

std::string render_report_markdown(const ReportModel& model, const ReportTimeFormat& times);

}  // namespace netsnap::analysis
