// `report --format html`: one self-contained page to attach to an incident. No external
// scripts, fonts, styles or images: the style sheet is inline, the charts are inline SVG
// (report_svg_chart.h), and there is no script at all. A Content-Security-Policy that allows
// no script and no network load backs this up, so that even an escaping mistake could not
// run code or call home from the analyst's browser.
//
// The page: a header table, the findings table (linked to their sections), a chart of TCP
// state counts over the window (and one of queued bytes), a section for each of the first
// report_detailed_findings findings with its explanation, a chart of its series marked with
// onset and peak, facts, thresholds and evidence tables; top offenders, a timeline table,
// what could not be judged, and caveats. Everything from the recording is HTML-escaped
// (report_markup_escape.h).
#pragma once

#include <string>

#include "report_model.h"
#include "report_time_format.h"

namespace netsnap::analysis {

// Rows of the timeline table under the state chart (the chart shows every point).
inline constexpr size_t html_timeline_rows = 48;

std::string render_report_html(const ReportModel& model, const ReportTimeFormat& times);

}  // namespace netsnap::analysis
