#include "detectors/finding_builder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "detectors/trend_statistics.h"

namespace netsnap::analysis::detectors {

void FinishContext::not_judged(std::string_view kind, std::string reason) const {
  NotJudged entry{std::string(kind), std::move(reason)};
  if (std::find(report.not_judged.begin(), report.not_judged.end(), entry) == report.not_judged.end())
    report.not_judged.push_back(std::move(entry));
}

Field int_field(std::string name, int64_t value, std::string unit) {
  return {std::move(name), value, std::move(unit)};
}
Field number_field(std::string name, double value, std::string unit) {
  return {std::move(name), value, std::move(unit)};
}
Field text_field(std::string name, std::string value) {
  return {std::move(name), std::move(value), {}};
}
Field time_field(std::string name, int64_t wall_ns) {
  return {std::move(name), WallTime{wall_ns}, {}};
}

void set_netns(Subject& subject, uint64_t netns, const FeedSummary& feed) {
  if (netns == 0) return;
  subject.netns = netns;
  auto it = feed.netns_names.find(netns);
  if (it != feed.netns_names.end() && !it->second.empty()) subject.netns_name = it->second;
}

Subject listener_subject(const ListenerKey& key, const FeedSummary& feed) {
  Subject s;
  s.local_addr = ip_text(key.ip);
  s.local_port = key.port;
  set_netns(s, key.netns, feed);
  return s;
}

Subject flow_subject(const FlowKey& key, const FeedSummary& feed) {
  Subject s;
  s.local_addr = ip_text(key.local_ip);
  if (key.client_side) {
    s.remote_addr = ip_text(key.remote_ip);
    s.remote_port = key.remote_port;
  } else {
    s.local_port = key.local_port;
  }
  set_netns(s, key.netns, feed);
  return s;
}

std::vector<SeriesPoint> chart_series(const ExpandedSeries& series) {
  std::vector<SeriesPoint> out;
  out.reserve(series.size());
  for (size_t i = 0; i < series.size(); ++i) out.push_back({series.wall_ns[i], series.max[i]});
  return out;
}

std::optional<int64_t> onset_time(const ExpandedSeries& series) {
  const std::optional<size_t> at = cusum_onset(series.last);
  if (!at) return std::nullopt;
  return series.wall_ns[*at];
}

void fill_timing(Finding& finding, const FinishContext& context, const ExpandedSeries& series,
                 int64_t peak, uint64_t peak_ordinal, uint64_t first_ordinal,
                 uint64_t last_ordinal) {
  finding.series = chart_series(series);
  finding.onset_ns = onset_time(series);
  finding.peak_value = static_cast<double>(peak);
  finding.peak_at_ns = context.wall_at(peak_ordinal);
  finding.first_seen_ns = context.wall_at(first_ordinal);
  finding.last_seen_ns = context.wall_at(last_ordinal);
}

std::string process_text(int32_t pid, const std::string& program, const std::string& unknown) {
  if (pid <= 0) return program.empty() ? unknown : program;
  return program.empty() ? "pid " + std::to_string(pid) : program + " (pid " + std::to_string(pid) + ")";
}

std::string format_number(double value) {
  if (std::fabs(value) >= 1000 || value == std::floor(value)) {
    const long long whole = std::llround(value);
    const std::string digits = std::to_string(whole < 0 ? -whole : whole);
    std::string out = whole < 0 ? "-" : "";
    for (size_t i = 0; i < digits.size(); ++i) {  // thousands separators
      if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
      out.push_back(digits[i]);
    }
    return out;
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, std::fabs(value) >= 10 ? "%.1f" : "%.2g", value);
  return buffer;
}

std::string format_duration(double seconds) {
  char buffer[64];
  if (seconds < 120) {
    std::snprintf(buffer, sizeof buffer, "%.0f s", seconds);
  } else if (seconds < 7200) {
    std::snprintf(buffer, sizeof buffer, "%.0f min", seconds / 60);
  } else if (seconds < 2 * 86400) {
    std::snprintf(buffer, sizeof buffer, "%.1f h", seconds / 3600);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1f d", seconds / 86400);
  }
  return buffer;
}

void limit_info_findings(std::vector<Finding>& findings, size_t keep, uint64_t& omitted) {
  std::map<std::string, std::vector<size_t>> info_by_kind;
  for (size_t i = 0; i < findings.size(); ++i)
    if (findings[i].severity == Severity::info) info_by_kind[findings[i].kind].push_back(i);
  std::vector<uint8_t> drop(findings.size(), 0);
  for (auto& [kind, indices] : info_by_kind) {
    if (indices.size() <= keep) continue;
    std::stable_sort(indices.begin(), indices.end(), [&](size_t a, size_t b) {
      return findings[a].peak_value > findings[b].peak_value;
    });
    for (size_t i = keep; i < indices.size(); ++i) drop[indices[i]] = 1, ++omitted;
  }
  size_t out = 0;
  for (size_t i = 0; i < findings.size(); ++i) {
    if (drop[i]) continue;
    if (out != i) findings[out] = std::move(findings[i]);  // never self-move: it empties strings
    ++out;
  }
  findings.resize(out);
}

}  // namespace netsnap::analysis::detectors
