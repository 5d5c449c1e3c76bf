// `report --format text`: the incident report for a terminal. Findings by severity, each with
// its one-line explanation, likely cause, next check, a sparkline of its series and its facts,
// thresholds and evidence (info findings without the last three, which the other formats
// carry); then the top offenders, the state counts over the window, and what could not be
// judged and why. Every recorded string goes through text_escape.h (a program name must not
// rewrite the analyst's screen).
//
// Layout (abridged):
//   netsnap report  web-1 (kernel 6.1.0-18-amd64)
//   window    2026-01-01 00:00:00 UTC .. 2026-01-01 00:00:59 UTC (60 snapshots, every 1s)
//   findings  1 critical, 1 warning, 0 info
//
//   CRITICAL  close_wait_leak  java (pid 4242), local 10.0.0.1:8080
//     <summary>
//     likely cause  <likely_cause>
//     next check    <next_check>
//     timing        seen 00:00:10 .. 00:00:59, onset 00:00:08, peak 340 sockets at 00:00:59
//     series        ▁▁▂▃▄▅▆▇█ 0..340 (CLOSE_WAIT sockets)
//     ...
#pragma once

#include <string>

#include "report_model.h"
#include "report_time_format.h"

namespace netsnap::analysis {

// Sparklines are this wide (characters), whatever the terminal: the report is also piped to
// files and tickets, and a fixed width keeps it identical everywhere.
inline constexpr size_t report_sparkline_width = 48;

std::string render_report_text(const ReportModel& model, const ReportTimeFormat& times);

}  // namespace netsnap::analysis
