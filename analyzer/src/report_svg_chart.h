// Inline SVG line charts for the HTML report: one chart per series set (the state counts over
// time, each finding's series), drawn from already downsampled points (report_series.h) so a
// chart holds at most a few hundred points per line whatever the recording's length.
//
// Self-contained by design: no script, no external font or style; colours are attributes and
// every label (legend names come from the recording) is HTML-escaped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "report_series.h"
#include "report_time_format.h"

namespace netsnap::analysis {

struct ChartLine {
  std::string label;  // raw (recorded) text; escaped when drawn
  std::vector<SeriesPoint> points;
};

// A vertical line across the plot at a time (onset, peak...), labelled.
struct ChartMarker {
  int64_t wall_ns = 0;
  std::string label;
};

struct ChartSpec {
  std::string title;                 // raw text; escaped when drawn
  std::string y_unit;                // shown after the title ("sockets", "bytes"); may be empty
  int64_t start_ns = 0, end_ns = 0;  // the x range (the report window)
  std::vector<ChartLine> lines;
  std::vector<ChartMarker> markers;
  int width = 1000, height = 240;
};

// Appends one <svg> element (and nothing else) to `out`. With no points at all, a small SVG
// saying "no data" so the page layout stays predictable.
void append_svg_chart(std::string& out, const ChartSpec& spec, const ReportTimeFormat& times);

// The colour of line i (a fixed palette, repeated), for legends drawn outside the chart.
const char* chart_colour(size_t line);

}  // namespace netsnap::analysis
