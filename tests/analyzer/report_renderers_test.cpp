// The four report renderers on a hand-made model: what each must show, and that recorded text
// (a hostile program name, a namespace name with a newline) never becomes markup, a table
// cell break, a control character or invalid JSON.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>

#include "report_fields.h"
#include "report_html.h"
#include "report_json.h"
#include "report_markdown.h"
#include "report_text.h"

namespace netsnap::analysis {
namespace {

using namespace detectors;

constexpr int64_t start_ns = 1'767'225'600'000'000'000;  // 2026-01-01T00:00:00Z
constexpr int64_t second = 1'000'000'000;
const std::string hostile = "<script>alert(1)</script>|`x`\n\x1b[2J";

ReportModel sample_model() {
  ReportModel m;
  m.host = "web-1";
  m.kernel = "6.1.0-18-amd64";
  m.time_zone = "UTC";
  m.files = {"/var/lib/netsnap/web-1.netsnap"};
  m.summary.snapshots = 60;
  m.summary.first_ns = start_ns;
  m.summary.last_ns = start_ns + 59 * second;
  m.summary.median_interval_ns = second;
  m.summary.gaps.push_back({start_ns + 20 * second, 3 * second, 2});
  m.window_from_ns = m.summary.first_ns;
  m.window_to_ns = m.summary.last_ns;
  m.window_snapshots = 60;
  m.run.gaps = 1;

  Finding leak;
  leak.kind = "close_wait_leak";
  leak.severity = Severity::critical;
  leak.subject.pid = 4242;
  leak.subject.program = hostile;
  leak.subject.local_addr = "10.0.0.1";
  leak.subject.local_port = 8080;
  leak.subject.netns = 4026532000;
  leak.first_seen_ns = start_ns + 5 * second;
  leak.last_seen_ns = start_ns + 59 * second;
  leak.onset_ns = start_ns + 4 * second;
  leak.peak_value = 340;
  leak.peak_at_ns = start_ns + 59 * second;
  leak.peak_unit = "sockets";
  leak.thresholds = {{"min_rise", 20.0, "sockets"}};
  leak.facts = {{"slope", 1200.5, "/h"}, {"fd_limit", int64_t{1024}, ""}};
  leak.evidence = {
      {"socket",
       {{"remote", std::string("192.0.2.7:51000"), ""},
        {"first_seen", WallTime{start_ns + 5 * second}, ""},
        {"recv_q", int64_t{0}, "bytes"}}},
      {"socket",
       {{"remote", std::string("[2001:db8::1]:443"), ""}, {"recv_q", int64_t{12}, "bytes"}}},
      {"remote", {{"address", hostile, ""}, {"sockets", int64_t{300}, ""}}}};
  leak.summary = "CLOSE_WAIT sockets of " + hostile + " rose by 340";
  leak.likely_cause = "the application does not close() connections the peer closed";
  leak.next_check = "ls -l /proc/4242/fd | wc -l";
  leak.series_name = "CLOSE_WAIT";
  for (int i = 0; i < 60; ++i) leak.series.push_back({start_ns + i * second, i * 340.0 / 59});

  Finding tw;
  tw.kind = "time_wait_buildup";
  tw.severity = Severity::warning;
  tw.subject.remote_addr = "2001:db8::5";
  tw.subject.remote_port = 443;
  tw.first_seen_ns = start_ns;
  tw.last_seen_ns = start_ns + 59 * second;
  tw.peak_value = 900;
  tw.peak_at_ns = start_ns + 50 * second;
  tw.summary = "TIME_WAIT towards [2001:db8::5]:443 rising";
  m.findings = {leak, tw};
  m.run.not_judged = {{"syn_queue_overflow", "no kernel counters in the recording"}};
  m.run.caveats = {"1 gap of 3s"};

  m.timeline.columns = {"LISTEN", "ESTABLISHED", "CLOSE_WAIT", "FIN_WAIT1", "Recv-Q"};
  for (int i = 0; i < 60; ++i) {
    m.timeline.times.push_back(start_ns + i * second);
    for (const int64_t v :
         {int64_t{3}, int64_t{100 + i}, int64_t{i * 340 / 59}, int64_t{0}, int64_t{i * 10}}) {
      m.timeline.values.push_back(v);
    }
  }
  return m;
}

// The renderers take a ReportTimeFormat, which refers to a zone: both live as long as a test.
struct Utc {
  Utc() = default;
  Utc(const Utc&) = delete;  // `times` refers to `zone`
  RecordingTimeZone zone{FileHeader{}, true};
  ReportTimeFormat times{zone};
};

// No byte below 0x20 except newline, and no ESC anywhere.
void expect_no_controls(const std::string& out) {
  for (const char c : out) {
    if (c == '\n') continue;
    ASSERT_GE(static_cast<unsigned char>(c), 0x20) << "control byte in output";
  }
}

TEST(ReportText, FindingsBySeverityWithExplanationAndSparkline) {
  const std::string out = render_report_text(sample_model(), Utc().times);
  const size_t critical = out.find("CRITICAL  close_wait_leak");
  const size_t warning = out.find("WARNING   time_wait_buildup");
  ASSERT_NE(critical, std::string::npos) << out;
  ASSERT_NE(warning, std::string::npos);
  EXPECT_LT(critical, warning);
  EXPECT_NE(out.find("likely cause  the application does not close()"), std::string::npos);
  EXPECT_NE(out.find("next check    ls -l /proc/4242/fd"), std::string::npos);
  EXPECT_NE(out.find("\u2581"), std::string::npos);  // a sparkline
  EXPECT_NE(out.find("\u2588 0..340"), std::string::npos);
  EXPECT_NE(out.find("Top offenders"), std::string::npos);
  EXPECT_NE(out.find("remote   [2001:db8::5]:443"), std::string::npos);
  EXPECT_NE(out.find("Not judged\n    syn_queue_overflow: no kernel counters"), std::string::npos);
  EXPECT_NE(out.find("evidence: socket"), std::string::npos);
  EXPECT_NE(out.find("onset 2026-01-01 00:00:04 UTC"), std::string::npos);
  EXPECT_NE(out.find("\\x1b[2J"), std::string::npos);  // shown, not obeyed
  expect_no_controls(out);
}

TEST(ReportJson, SchemaFieldsTypesAndTimes) {
  const std::string out = render_report_json(sample_model(), Utc().times);
  EXPECT_EQ(out.rfind("{\"schema_version\":1,", 0), 0u) << out.substr(0, 80);
  for (const char* expected :
       {"\"kind\":\"close_wait_leak\"", "\"severity\":\"critical\"", "\"local_port\":8080",
        "\"remote_port\":443", "\"pid\":4242", "\"netns\":4026532000",
        "\"first_seen\":\"2026-01-01T00:00:05.000+00:00\"", "\"onset\":null",
        "\"peak\":{\"value\":340,\"at\":\"2026-01-01T00:00:59.000+00:00\",\"unit\":\"sockets\"}",
        "\"thresholds\":{\"min_rise\":20}", "\"units\":{\"min_rise\":\"sockets\"",
        "\"interval_s\":1", "\"gaps_total\":1", "\"not_judged\":[{\"kind\":\"syn_queue_overflow\"",
        "\"timeline\":[\n{\"time\":\"2026-01-01T00:00:00.000+00:00\",\"counts\":{\"LISTEN\":3,",
        "\"program\":\"<script>alert(1)</script>|`x`\\n\\u001b[2J\""}) {
    EXPECT_NE(out.find(expected), std::string::npos) << expected;
  }
  // The subject of a remote-only finding has no local or owner fields.
  const size_t tw = out.find("\"kind\":\"time_wait_buildup\"");
  ASSERT_NE(tw, std::string::npos);
  EXPECT_NE(out.find("\"subject\":{\"remote_addr\":\"2001:db8::5\",\"remote_port\":443}", tw),
            std::string::npos);
  expect_no_controls(out);
}

TEST(ReportMarkdown, TablesStayIntactAndTextIsEscaped) {
  const std::string out = render_report_markdown(sample_model(), Utc().times);
  EXPECT_NE(out.find("## Findings"), std::string::npos);
  EXPECT_NE(out.find("| # | Severity | Kind | Subject |"), std::string::npos);
  EXPECT_NE(out.find("## Timeline"), std::string::npos);
  EXPECT_NE(out.find("\\<script\\>alert(1)\\</script\\>\\|\\`x\\`\\\\n\\\\x1b\\[2J"),
            std::string::npos);
  // Every < is escaped (CommonMark then shows it as text, never as inline HTML).
  EXPECT_FALSE(std::regex_search(out, std::regex(R"((^|[^\\])<)")));
  // Every row of a table has as many unescaped pipes as its header row.
  size_t expected_pipes = 0;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '|') {
      expected_pipes = 0;
      continue;
    }
    size_t pipes = 0;
    for (size_t i = 0; i < line.size(); ++i)
      pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    if (expected_pipes == 0) expected_pipes = pipes;
    EXPECT_EQ(pipes, expected_pipes) << line;
  }
  expect_no_controls(out);
}

TEST(ReportHtml, SelfContainedChartsAndEscaped) {
  const std::string out = render_report_html(sample_model(), Utc().times);
  EXPECT_EQ(out.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(out.find("<script"), std::string::npos);
  EXPECT_NE(out.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(out.find("src="), std::string::npos);  // nothing loaded
  EXPECT_EQ(out.find("<link"), std::string::npos);
  EXPECT_EQ(out.find("@import"), std::string::npos);
  std::regex url(R"(https?://)");
  std::string without_svg_namespace =
      std::regex_replace(out, std::regex(R"(xmlns="http://www.w3.org/2000/svg")"), "");
  EXPECT_FALSE(std::regex_search(without_svg_namespace, url));
  size_t charts = 0;
  for (size_t at = out.find("<svg"); at != std::string::npos; at = out.find("<svg", at + 1))
    ++charts;
  EXPECT_EQ(charts, 3u);  // states, queued bytes, the leak's series
  EXPECT_NE(out.find("<polyline"), std::string::npos);
  EXPECT_NE(out.find(">onset</text>"), std::string::npos);
  EXPECT_NE(out.find("Content-Security-Policy"), std::string::npos);
  expect_no_controls(out);
}

TEST(ReportRenderers, TimelineTablesMergeWholeRunsOfRows) {
  const ReportModel model = sample_model();  // 60 one-second rows
  const StateTimeline coarse = coarse_timeline(model.timeline, markdown_timeline_rows);
  EXPECT_EQ(coarse.times.size(), 20u);  // runs of 3 rows
  EXPECT_EQ(coarse.bucket_ns, 3 * second);
  // FIN_WAIT1 is zero throughout: dropped. The rest keep each run's highest value.
  EXPECT_EQ(coarse.columns,
            (std::vector<std::string>{"LISTEN", "ESTABLISHED", "CLOSE_WAIT", "Recv-Q"}));
  EXPECT_EQ(coarse.at(0, 1), 102);
  EXPECT_EQ(coarse.at(19, 3), 590);
  const std::string markdown = render_report_markdown(model, Utc().times);
  EXPECT_NE(markdown.find("State counts, the highest per 3s."), std::string::npos);
}

TEST(ReportRenderers, NothingToJudgeStillRenders) {
  ReportModel empty;
  empty.host = "idle";
  empty.run.not_judged = {{"all", "the recording holds no snapshots: nothing to judge"}};
  const Utc utc;
  const ReportTimeFormat& zone = utc.times;
  EXPECT_NE(render_report_text(empty, zone).find("all: the recording holds no snapshots"),
            std::string::npos);
  EXPECT_NE(render_report_json(empty, zone).find("\"start\":null"), std::string::npos);
  EXPECT_NE(render_report_markdown(empty, zone).find("Nothing could be judged"), std::string::npos);
  EXPECT_NE(render_report_html(empty, zone).find("Nothing could be judged"), std::string::npos);
}

}  // namespace
}  // namespace netsnap::analysis
