// `export` end to end on a synthetic recording: usage errors are one line and exit 2 before
// anything is written; every format and --what writes what it documents (rows per snapshot,
// one JSON object per line, OpenMetrics families and series contiguous, in time order, ending
// in # EOF, with the same numbers as the CSV).
#include "export_command.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "synth/synthetic_recording.h"

namespace netsnap::analysis {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> cells_of(const std::string& line) {
  std::vector<std::string> cells;
  std::istringstream in(line);
  for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
  return cells;
}

class ExportCommandTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("export_command_test." + std::to_string(getpid())));
    std::filesystem::create_directories(*dir_);
    spec_.sockets = 120;
    spec_.snapshots = 12;
    spec_.churn = 0.1;
    spec_.namespaces = 2;
    path_ = (*dir_ / "rec.netsnap").string();
    ASSERT_TRUE(synth::write_synthetic_recording(path_, spec_, WriterOptions{}).ok());
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  int run(std::string format, std::string what, ExportCommandOptions options = {}) {
    options.inputs = {path_};
    options.format = std::move(format);
    options.what = std::move(what);
    options.utc = true;
    std::ostringstream out, err;
    const int status = run_export_command(options, out, err);
    out_ = out.str();
    err_ = err.str();
    return status;
  }

  void expect_usage_error(const std::string& format, const std::string& what,
                          const std::string& says, ExportCommandOptions options = {}) {
    EXPECT_EQ(run(format, what, std::move(options)), 2) << says;
    EXPECT_EQ(out_, "") << says;
    EXPECT_EQ(std::count(err_.begin(), err_.end(), '\n'), 1) << err_;
    EXPECT_NE(err_.find(says), std::string::npos) << err_;
  }

  static inline std::filesystem::path* dir_ = nullptr;
  static inline synth::SyntheticSpec spec_;
  static inline std::string path_;
  std::string out_, err_;
};

TEST_F(ExportCommandTest, BadArgumentsAreOneLineAndExit2) {
  expect_usage_error("xml", "timeline", "--format 'xml': expected csv, jsonl or openmetrics");
  expect_usage_error("csv", "routes", "--what 'routes': expected sockets, timeline or counters");
  expect_usage_error("openmetrics", "sockets", "cardinality");
  ExportCommandOptions by;
  by.by = "state";
  expect_usage_error("csv", "counters", "--by applies to --what timeline only", by);
  ExportCommandOptions bad_by;
  bad_by.by = "colour";
  expect_usage_error("csv", "timeline", "--by 'colour'", bad_by);
  ExportCommandOptions late;
  late.from = "2027-01-01T00:00:00Z";
  expect_usage_error("csv", "timeline", "the recording covers 2026-01-01 00:00:00 UTC", late);
  late.from.reset();
  late.to = "1999-01-01T00:00:00Z";
  expect_usage_error("openmetrics", "counters", "the recording covers", late);
}

TEST_F(ExportCommandTest, SocketsAreOneRowPerSocketPerSnapshotInCsvAndJsonLines) {
  size_t sockets = 0;
  synth::SyntheticHost host(spec_);
  for (uint64_t i = 0; i < spec_.snapshots; ++i)
    for (const Namespace& ns : host.next().namespaces) sockets += ns.sockets.size();

  ASSERT_EQ(run("csv", "sockets"), 0) << err_;
  const auto csv = lines_of(out_);
  ASSERT_EQ(csv.size(), sockets + 1);
  EXPECT_EQ(csv[0].rfind("time,netns,netns_name,proto,recv_q,send_q,local_address,", 0), 0u) << csv[0];
  EXPECT_EQ(csv[1].rfind("2026-01-01T00:00:00.000+00:00,", 0), 0u) << csv[1];

  ASSERT_EQ(run("jsonl", "sockets"), 0) << err_;
  const auto json = lines_of(out_);
  ASSERT_EQ(json.size(), sockets);
  for (const std::string& line : json) {
    ASSERT_EQ(line.rfind("{\"time\":\"2026-01-01T00:00:", 0), 0u) << line;
    ASSERT_EQ(line.back(), '}') << line;
  }
  ExportCommandOptions window;
  window.from = "+2s";
  window.to = "+3s";
  ASSERT_EQ(run("jsonl", "sockets", window), 0) << err_;
  std::set<std::string> times;
  for (const std::string& line : lines_of(out_)) times.insert(line.substr(0, 40));
  EXPECT_EQ(times.size(), 2u);
}

TEST_F(ExportCommandTest, CountersAreRawValuesPerSnapshot) {
  ASSERT_EQ(run("jsonl", "counters"), 0) << err_;
  const auto json = lines_of(out_);
  ASSERT_EQ(json.size(), spec_.snapshots);
  for (const std::string& line : json) {
    EXPECT_EQ(line.rfind("{\"time\":\"2026-01-01T00:00:", 0), 0u) << line;
    EXPECT_NE(line.find("\"counters\":{\"TcpExt\":{\"SyncookiesSent\":"), std::string::npos);
    EXPECT_EQ(line.substr(line.size() - 2), "}}");
  }
  ASSERT_EQ(run("csv", "counters"), 0) << err_;
  const auto csv = lines_of(out_);
  EXPECT_EQ(csv[0], "time,wall_ns,table,counter,value");
  EXPECT_EQ((csv.size() - 1) % spec_.snapshots, 0u);
  EXPECT_GT(csv.size(), 100 * spec_.snapshots);
}

// Parses the exposition and checks what promtool's backfill relies on: metadata before its
// family's samples, each family's and each series' samples contiguous and in time order,
// "# EOF" last. Returns series -> samples (ms, value).
std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> parse_openmetrics(
    const std::string& text) {
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> series;
  std::set<std::string> families_done, series_done;
  std::string family, current_series;
  const auto lines = lines_of(text);
  EXPECT_FALSE(lines.empty());
  if (lines.empty()) return series;
  EXPECT_EQ(lines.back(), "# EOF");
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.rfind("# TYPE ", 0) == 0) {
      family = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_TRUE(families_done.insert(family).second) << "family again: " << line;
      continue;
    }
    if (line[0] == '#') continue;
    const size_t value_at = line.rfind(' ', line.rfind(' ') - 1) + 1;
    const std::string name = line.substr(0, value_at - 1);
    EXPECT_EQ(name.rfind(family, 0), 0u) << "sample outside its family: " << line;
    if (name != current_series) {
      EXPECT_TRUE(series_done.insert(name).second) << "series interleaved: " << line;
      current_series = name;
    }
    const std::string time = line.substr(line.rfind(' ') + 1);
    EXPECT_EQ(time.size() - time.find('.'), 4u) << "ms precision: " << line;
    const int64_t ms = std::stoll(time.substr(0, time.find('.'))) * 1000 +
                       std::stoll(time.substr(time.find('.') + 1));
    auto& samples = series[name];
    EXPECT_TRUE(samples.empty() || samples.back().first < ms) << "time order: " << line;
    samples.emplace_back(ms, std::stoll(line.substr(value_at)));
  }
  return series;
}

TEST_F(ExportCommandTest, TimelineOpenMetricsHasTheCsvNumbersInPromtoolsOrder) {
  ASSERT_EQ(run("csv", "timeline"), 0) << err_;
  const auto csv = lines_of(out_);
  ASSERT_EQ(csv.size(), spec_.snapshots + 1);
  const auto header = cells_of(csv[0]);
  ASSERT_EQ(run("openmetrics", "timeline"), 0) << err_;
  EXPECT_NE(out_.find("# TYPE netsnap_sockets gauge\n"), std::string::npos);
  EXPECT_NE(out_.find("# UNIT netsnap_queued_bytes bytes\n"), std::string::npos);
  const auto series = parse_openmetrics(out_);
  const std::string host = "host=\"" + synth::SyntheticHost(spec_).header().host_name + "\"";
  const std::map<std::string, std::string> om_of = {
      {"TIME_WAIT", "netsnap_sockets{" + host + ",proto=\"tcp\",state=\"TIME_WAIT\"}"},
      {"LISTEN", "netsnap_sockets{" + host + ",proto=\"tcp\",state=\"LISTEN\"}"},
      {"UNIX", "netsnap_sockets{" + host + ",proto=\"unix\"}"},
      {"Send-Q", "netsnap_queued_bytes{" + host + ",queue=\"send\"}"}};
  for (const auto& [column, name] : om_of) {
    const size_t c = std::find(header.begin(), header.end(), column) - header.begin();
    ASSERT_LT(c, header.size()) << column;
    ASSERT_EQ(series.count(name), 1u) << name << "\n" << out_.substr(0, 2000);
    const auto& samples = series.at(name);
    ASSERT_EQ(samples.size(), spec_.snapshots) << name;
    for (size_t r = 0; r < spec_.snapshots; ++r) {
      const auto cells = cells_of(csv[r + 1]);
      EXPECT_EQ(samples[r].first, std::stoll(cells[1]) / 1'000'000) << name;
      EXPECT_EQ(samples[r].second, std::stoll(cells[c])) << name << " row " << r;
    }
  }
  EXPECT_EQ(series.size(), header.size() - 2);  // one series per column
}

TEST_F(ExportCommandTest, OpenEndedGroupingsHaveTheirOwnFamily) {
  ExportCommandOptions by;
  by.by = "program";
  by.top = 3;
  ASSERT_EQ(run("openmetrics", "timeline", by), 0) << err_;
  const auto series = parse_openmetrics(out_);
  EXPECT_EQ(series.size(), 4u);  // three programs and "other"
  for (const auto& [name, samples] : series) {
    EXPECT_EQ(name.rfind("netsnap_sockets_by_program{host=", 0), 0u) << name;
    EXPECT_EQ(samples.size(), spec_.snapshots);
  }
  ASSERT_EQ(run("jsonl", "timeline", by), 0) << err_;
  const auto json = lines_of(out_);
  ASSERT_EQ(json.size(), spec_.snapshots);
  EXPECT_NE(json[0].find(",\"counts\":{"), std::string::npos) << json[0];
  EXPECT_NE(json[0].find("\"other\":"), std::string::npos) << json[0];
}

TEST_F(ExportCommandTest, CounterOpenMetricsSplitsCountersFromGauges) {
  ASSERT_EQ(run("openmetrics", "counters"), 0) << err_;
  const auto series = parse_openmetrics(out_);
  size_t counters = 0, gauges = 0;
  for (const auto& [name, samples] : series) {
    EXPECT_EQ(samples.size(), spec_.snapshots) << name;
    if (name.rfind("netsnap_kernel_counter_total{", 0) == 0) ++counters;
    if (name.rfind("netsnap_kernel_gauge{", 0) == 0) ++gauges;
  }
  EXPECT_EQ(counters + gauges, series.size());
  EXPECT_GT(counters, 100u);
  EXPECT_GT(gauges, 10u);
  const std::string host = "host=\"" + synth::SyntheticHost(spec_).header().host_name + "\"";
  EXPECT_EQ(
      series.count("netsnap_kernel_gauge{" + host + ",table=\"sockstat.TCP\",counter=\"tw\"}"), 1u);
  EXPECT_EQ(series.count("netsnap_kernel_counter_total{" + host +
                         ",table=\"TcpExt\",counter=\"ListenOverflows\"}"),
            1u);
}

}  // namespace
}  // namespace netsnap::analysis
