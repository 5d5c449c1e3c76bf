#include "export_openmetrics.h"

#include "socket_text.h"
#include "text_escape.h"

namespace netsnap::analysis {
namespace {

// HELP text escapes '\' and newlines (not quotes); ours is fixed text, escaped anyway so that a
// future help string cannot end the line early.
void append_help_text(std::string& out, std::string_view text) {
  for (const char c : text) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
}

}  // namespace

void append_family_header(std::string& out, const MetricFamily& family) {
  out.append("# HELP ").append(family.name).push_back(' ');
  append_help_text(out, family.help);
  out.append("\n# TYPE ").append(family.name);
  out.append(family.type == MetricType::counter ? " counter\n" : " gauge\n");
  if (!family.unit.empty()) out.append("# UNIT ").append(family.name + " " + family.unit + "\n");
}

std::string series_prefix(const MetricFamily& family, const std::vector<MetricLabel>& labels) {
  std::string out = family.name;
  if (family.type == MetricType::counter) out.append("_total");
  if (labels.empty()) return out;
  out.push_back('{');
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append(labels[i].first).append("=\"");
    append_label_value(out, labels[i].second);
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

void append_label_value(std::string& out, std::string_view raw) {
  std::string text;
  append_escaped(text, raw);
  for (const char c : text) {
    if (c == '\\' || c == '"') out.push_back('\\');
    out.push_back(c);
  }
}

void append_timestamp_seconds(std::string& out, int64_t wall_ns) {
  int64_t ms = wall_ns / 1'000'000;
  if (wall_ns % 1'000'000 < 0) --ms;  // floor, so that -0.5 ms is -0.001 s
  int64_t seconds = ms / 1000;
  int64_t fraction = ms % 1000;
  if (fraction < 0) {
    --seconds;
    fraction += 1000;
  }
  append_decimal_signed(out, seconds);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + fraction / 100));
  out.push_back(static_cast<char>('0' + fraction / 10 % 10));
  out.push_back(static_cast<char>('0' + fraction % 10));
}

void append_sample(std::string& out, std::string_view prefix, int64_t value, int64_t wall_ns) {
  out.append(prefix);
  out.push_back(' ');
  append_decimal_signed(out, value);
  out.push_back(' ');
  append_timestamp_seconds(out, wall_ns);
  out.push_back('\n');
}

}  // namespace netsnap::analysis
