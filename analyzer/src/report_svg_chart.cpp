#include "report_svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report_fields.h"
#include "report_markup_escape.h"

namespace netsnap::analysis {
namespace {

constexpr int margin_left = 64, margin_right = 16, margin_top = 28, axis_label_height = 22;
constexpr int legend_row_height = 18;

// Axis labels: "950", "12.5k", "3.2M": an axis has no room for 12 digits of bytes.
std::string compact_number(double value) {
  char buffer[32];
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e9)
    std::snprintf(buffer, sizeof buffer, "%.3gG", value / 1e9);
  else if (magnitude >= 1e6)
    std::snprintf(buffer, sizeof buffer, "%.3gM", value / 1e6);
  else if (magnitude >= 1e4)
    std::snprintf(buffer, sizeof buffer, "%.3gk", value / 1e3);
  else
    std::snprintf(buffer, sizeof buffer, "%.4g", value);
  return buffer;
}

// The smallest of 1, 2, 5 x 10^k at or above `value` (the axis top), 1 for nothing above 0.
double nice_ceiling(double value) {
  if (!(value > 0)) return 1;
  const double power = std::pow(10.0, std::floor(std::log10(value)));
  for (const double step : {1.0, 2.0, 5.0, 10.0}) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

// A tick label from the zone's "YYYY-MM-DD HH:MM:SS[.mmm] ZONE": the time of day, with the
// month and day in front when the chart spans more than one calendar day.
std::string tick_label(const ReportTimeFormat& times, int64_t wall_ns, bool with_date) {
  const std::string full = times.human(wall_ns);
  const size_t space = full.find(' ');
  if (space == std::string::npos) return full;
  const size_t zone_space = full.find(' ', space + 1);
  std::string time = full.substr(
      space + 1, zone_space == std::string::npos ? std::string::npos : zone_space - space - 1);
  if (time.size() > 8) time.resize(8);  // milliseconds do not help on an axis
  return with_date && space >= 10 ? full.substr(5, 5) + " " + time : time;
}

void append_number(std::string& out, double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  out.append(buffer);
}

void append_text(std::string& out, double x, double y, const char* anchor, const char* fill,
                 const std::string& raw) {
  out.append("<text x=\"");
  append_number(out, x);
  out.append("\" y=\"");
  append_number(out, y);
  out.append("\" text-anchor=\"").append(anchor).append("\" fill=\"").append(fill);
  out.append("\" font-size=\"11\" font-family=\"sans-serif\">");
  append_html_escaped(out, raw);
  out.append("</text>");
}

}  // namespace

const char* chart_colour(size_t line) {
  static constexpr const char* palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                            "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return palette[line % (sizeof palette / sizeof palette[0])];
}

void append_svg_chart(std::string& out, const ChartSpec& spec, const ReportTimeFormat& times) {
  double high = 0, low = 0;
  size_t total_points = 0;
  for (const ChartLine& line : spec.lines) {
    for (const SeriesPoint& p : line.points) {
      if (!std::isfinite(p.value)) continue;
      high = std::max(high, p.value);
      low = std::min(low, p.value);
      ++total_points;
    }
  }
  // Legend layout: entries flow left to right, wrapping; widths estimated from the label.
  const int plot_right = spec.width - margin_right;
  std::vector<std::pair<int, int>> legend_at;  // (x, row) per line
  int legend_x = margin_left, legend_rows = spec.lines.size() > 1 ? 1 : 0;
  for (const ChartLine& line : spec.lines) {
    const int item = 28 + 7 * static_cast<int>(std::min<size_t>(line.label.size(), 40));
    if (legend_x + item > plot_right && legend_x > margin_left) {
      legend_x = margin_left;
      ++legend_rows;
    }
    legend_at.emplace_back(legend_x, legend_rows - 1);
    legend_x += item;
  }
  const int plot_top = margin_top, plot_bottom = spec.height - axis_label_height;
  const int total_height = spec.height + legend_rows * legend_row_height;

  out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"");
  out.append(std::to_string(spec.width)).append("\" height=\"");
  out.append(std::to_string(total_height)).append("\" viewBox=\"0 0 ");
  out.append(std::to_string(spec.width)).append(" ").append(std::to_string(total_height));
  out.append("\"><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
  // The unit goes with the title: on the axis it would cost the labels their room.
  append_text(out, margin_left, 16, "start", "#222222",
              spec.y_unit.empty() ? spec.title : spec.title + " (" + spec.y_unit + ")");
  if (total_points == 0 || spec.end_ns < spec.start_ns) {
    append_text(out, spec.width / 2.0, (plot_top + plot_bottom) / 2.0, "middle", "#888888",
                "no data");
    out.append("</svg>");
    return;
  }

  const double top_value = nice_ceiling(high);
  const double bottom_value = low < 0 ? -nice_ceiling(-low) : 0;
  const double span_ns = std::max<double>(1, static_cast<double>(spec.end_ns - spec.start_ns));
  const auto x_of = [&](int64_t t) {
    return margin_left +
           (static_cast<double>(t - spec.start_ns) / span_ns) * (plot_right - margin_left);
  };
  const auto y_of = [&](double v) {
    return plot_bottom - (v - bottom_value) / (top_value - bottom_value) * (plot_bottom - plot_top);
  };

  // Horizontal grid with value labels.
  for (int i = 0; i <= 4; ++i) {
    const double value = bottom_value + (top_value - bottom_value) * i / 4;
    const double y = y_of(value);
    out.append("<line x1=\"").append(std::to_string(margin_left)).append("\" x2=\"");
    out.append(std::to_string(plot_right)).append("\" y1=\"");
    append_number(out, y);
    out.append("\" y2=\"");
    append_number(out, y);
    out.append("\" stroke=\"#dddddd\" stroke-width=\"1\"/>");
    append_text(out, margin_left - 4, y + 4, "end", "#555555", compact_number(value));
  }
  // Time ticks: five, the first and last at the window's ends.
  const bool with_date =
      times.human(spec.start_ns).substr(0, 10) != times.human(spec.end_ns).substr(0, 10);
  for (int i = 0; i <= 4; ++i) {
    const int64_t t = spec.start_ns + static_cast<int64_t>((spec.end_ns - spec.start_ns) / 4.0 * i);
    const char* anchor = i == 0 ? "start" : i == 4 ? "end" : "middle";
    append_text(out, x_of(t), plot_bottom + 15, anchor, "#555555", tick_label(times, t, with_date));
  }
  for (size_t m = 0; m < spec.markers.size(); ++m) {
    const ChartMarker& marker = spec.markers[m];
    if (marker.wall_ns < spec.start_ns || marker.wall_ns > spec.end_ns) continue;
    const double x = x_of(marker.wall_ns);
    out.append("<line x1=\"");
    append_number(out, x);
    out.append("\" x2=\"");
    append_number(out, x);
    out.append("\" y1=\"").append(std::to_string(plot_top)).append("\" y2=\"");
    out.append(std::to_string(plot_bottom));
    out.append("\" stroke=\"#999999\" stroke-dasharray=\"4 3\" stroke-width=\"1\"/>");
    // Labels step down one line per marker: two markers close together stay readable.
    append_text(out, x + 3, plot_top + 11 + 12 * static_cast<double>(m), "start", "#666666",
                marker.label);
  }
  for (size_t l = 0; l < spec.lines.size(); ++l) {
    const ChartLine& line = spec.lines[l];
    if (line.points.size() == 1) {
      out.append("<circle r=\"3\" cx=\"");
      append_number(out, x_of(line.points[0].wall_ns));
      out.append("\" cy=\"");
      append_number(out, y_of(line.points[0].value));
      out.append("\" fill=\"").append(chart_colour(l)).append("\"/>");
    } else if (!line.points.empty()) {
      out.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"");
      out.append(chart_colour(l)).append("\" points=\"");
      for (const SeriesPoint& p : line.points) {
        if (!std::isfinite(p.value)) continue;
        append_number(out, x_of(p.wall_ns));
        out.push_back(',');
        append_number(out, y_of(p.value));
        out.push_back(' ');
      }
      out.append("\"/>");
    }
    if (legend_rows > 0) {
      const auto [x, row] = legend_at[l];
      const int y = spec.height + row * legend_row_height + 4;
      out.append("<rect x=\"").append(std::to_string(x)).append("\" y=\"");
      out.append(std::to_string(y)).append("\" width=\"12\" height=\"10\" fill=\"");
      out.append(chart_colour(l)).append("\"/>");
      append_text(out, x + 16, y + 9, "start", "#222222", cut_utf8(line.label, 40));
    }
  }
  // The plot frame last, over the lines' ends.
  out.append("<rect x=\"").append(std::to_string(margin_left)).append("\" y=\"");
  out.append(std::to_string(plot_top)).append("\" width=\"");
  out.append(std::to_string(plot_right - margin_left)).append("\" height=\"");
  out.append(std::to_string(plot_bottom - plot_top));
  out.append("\" fill=\"none\" stroke=\"#888888\" stroke-width=\"1\"/></svg>");
}

}  // namespace netsnap::analysis
