// `report` end to end through run_report_command on recordings written by the real format
// library: exit statuses (0, 1 is covered by the CLI script, 2, 3), the detectors' findings
// reaching every format, and bad input (empty recording, one snapshot, a window without
// snapshots, no owners, no counters) giving a report that says what it could not judge.
#include "report_command.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>

#include "netsnap/recording_writer.h"

namespace netsnap::analysis {
namespace {

constexpr int64_t start_ns = 1'767'225'600'000'000'000;  // 2026-01-01T00:00:00Z
constexpr int64_t second = 1'000'000'000;
constexpr int32_t leaky_pid = 777;
const std::string leaky_name = "leaky<script>alert(1)</script>";

Endpoint v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  Endpoint e;
  e.address = {a, b, c, d};
  e.port = port;
  return e;
}

Socket tcp(uint8_t state, Endpoint local, Endpoint remote, uint64_t cookie, int32_t owner) {
  Socket s;
  s.family = 2;  // AF_INET
  s.protocol = Protocol::tcp;
  s.state = state;
  s.local = local;
  s.remote = remote;
  s.cookie = cookie;
  s.inode = cookie + 10'000;
  if (owner != 0) s.owners = {owner};
  return s;
}

struct Shape {
  uint64_t snapshots = 40;
  bool owners = true;
  bool counters = true;
  int64_t gap_after = -1;  // skip 30 intervals after this snapshot index
};

// A server whose process never closes what its peers closed: one more CLOSE_WAIT socket on
// 10.0.0.1:8080 per snapshot, next to a listener and a few steady connections.
Snapshot leak_snapshot(const Shape& shape, uint64_t i, int64_t wall_ns) {
  Snapshot snapshot;
  snapshot.wall_ns = wall_ns;
  snapshot.mono_ns = static_cast<int64_t>(i) * second;
  Namespace ns;
  ns.inode = 4026531840;
  const int32_t owner = shape.owners ? leaky_pid : 0;
  Socket listener = tcp(tcp_state::listen, v4(10, 0, 0, 1, 8080), v4(0, 0, 0, 0, 0), 1, owner);
  listener.send_q = 128;  // the backlog
  ns.sockets.push_back(listener);
  for (uint64_t k = 0; k < 5; ++k) {
    ns.sockets.push_back(tcp(tcp_state::established, v4(10, 0, 0, 1, 8080),
                             v4(192, 0, 2, 10, static_cast<uint16_t>(40000 + k)), 100 + k, owner));
  }
  for (uint64_t k = 0; k <= i; ++k) {
    ns.sockets.push_back(tcp(tcp_state::close_wait, v4(10, 0, 0, 1, 8080),
                             v4(192, 0, 2, 7, static_cast<uint16_t>(50000 + k)), 1000 + k, owner));
  }
  snapshot.namespaces.push_back(std::move(ns));
  if (shape.owners) {
    Process p;
    p.pid = leaky_pid;
    p.comm = "leaky";
    p.argv0 = leaky_name;
    p.fd_count = static_cast<uint32_t>(10 + i);
    p.nofile_soft = p.nofile_hard = 1024;
    snapshot.processes.push_back(p);
  }
  if (shape.counters) {
    snapshot.counters.push_back(CounterTable{"TcpExt", {"ListenOverflows", "ListenDrops"}, {0, 0}});
  }
  return snapshot;
}

class ReportCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("report_command_test." + std::to_string(getpid()) + "." +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const Shape& shape) {
    const std::string path = (dir_ / "rec.netsnap").string();
    FileHeader header;
    header.host_name = "web-1";
    header.kernel_release = "6.1.0";
    header.time_zone = "UTC";
    header.options.owners = shape.owners;
    header.started_wall_ns = start_ns;
    auto writer = RecordingWriter::create(path, header, WriterOptions{});
    EXPECT_TRUE(writer.ok());
    int64_t wall_ns = start_ns;
    for (uint64_t i = 0; i < shape.snapshots; ++i) {
      EXPECT_TRUE(writer->write(leak_snapshot(shape, i, wall_ns)).ok());
      wall_ns += second * (static_cast<int64_t>(i) == shape.gap_after ? 31 : 1);
    }
    EXPECT_TRUE(writer->close().ok());
    return path;
  }

  // Runs the command; returns the exit status and fills out_ and err_.
  int run(ReportCommandOptions options) {
    options.utc = true;
    std::ostringstream out, err;
    const int status = run_report_command(options, out, err);
    out_ = out.str();
    err_ = err.str();
    return status;
  }

  std::filesystem::path dir_;
  std::string out_, err_;
};

TEST_F(ReportCommandTest, FindsTheLeakInEveryFormat) {
  const std::string path = write(Shape{});
  ReportCommandOptions options;
  options.inputs = {path};
  options.format = "json";
  ASSERT_EQ(run(options), 0) << err_;
  EXPECT_EQ(err_, "");
  EXPECT_NE(out_.find("\"kind\":\"close_wait_leak\""), std::string::npos) << out_;
  EXPECT_NE(out_.find("\"local_port\":8080"), std::string::npos);
  EXPECT_NE(out_.find("\"pid\":777"), std::string::npos);
  EXPECT_NE(out_.find("\"start\":\"2026-01-01T00:00:00.000+00:00\""), std::string::npos);

  options.format = "text";
  ASSERT_EQ(run(options), 0) << err_;
  EXPECT_NE(out_.find("close_wait_leak  " + leaky_name + " (pid 777)"), std::string::npos) << out_;
  options.format = "markdown";
  ASSERT_EQ(run(options), 0) << err_;
  EXPECT_NE(out_.find("close\\_wait\\_leak"), std::string::npos) << out_;
  EXPECT_NE(out_.find("leaky\\<script\\>"), std::string::npos);
  options.format = "html";
  ASSERT_EQ(run(options), 0) << err_;
  EXPECT_NE(out_.find("close_wait_leak"), std::string::npos);
  EXPECT_EQ(out_.find("<script>"), std::string::npos);
  EXPECT_NE(out_.find("leaky&lt;script&gt;"), std::string::npos);
}

TEST_F(ReportCommandTest, FailOnGivesThreeAtOrAboveTheSeverity) {
  const std::string path = write(Shape{});
  ReportCommandOptions options;
  options.inputs = {path};
  options.format = "json";
  options.fail_on = "warning";
  EXPECT_EQ(run(options), 3);
  EXPECT_NE(out_.find("\"schema_version\":1"), std::string::npos);  // still written
  // A healthy stretch (the first few snapshots, before any trend) fails nothing.
  options.to = "+5s";
  EXPECT_EQ(run(options), 0) << out_;
}

TEST_F(ReportCommandTest, UsageErrorsExitTwoWithOneLine) {
  const std::string path = write(Shape{});
  ReportCommandOptions options;
  options.inputs = {path};
  options.from = "yesterday";
  EXPECT_EQ(run(options), 2);
  EXPECT_NE(err_.find("--from"), std::string::npos);
  options.from = "+20s";
  options.to = "+10s";
  EXPECT_EQ(run(options), 2);
  options = {};
  options.inputs = {(dir_ / "missing.netsnap").string()};
  EXPECT_EQ(run(options), 2);
  EXPECT_EQ(std::count(err_.begin(), err_.end(), '\n'), 1) << err_;
  options.inputs = {path};
  options.fail_on = "sometimes";
  EXPECT_EQ(run(options), 2);
  options.fail_on.clear();
  options.thresholds.port_warn_ratio = 3;
  EXPECT_EQ(run(options), 2);
  EXPECT_NE(err_.find("--port-warn-ratio"), std::string::npos);
}

TEST_F(ReportCommandTest, EmptyRecordingSaysNothingCouldBeJudged) {
  ReportCommandOptions options;
  options.inputs = {write(Shape{.snapshots = 0})};
  options.format = "json";
  ASSERT_EQ(run(options), 0) << err_;
  EXPECT_NE(out_.find("\"not_judged\":[{\"kind\":\"all\",\"reason\":\"the recording holds no "
                      "snapshots"),
            std::string::npos)
      << out_;
  EXPECT_NE(out_.find("\"findings\":[]"), std::string::npos);
  options.format = "text";
  ASSERT_EQ(run(options), 0);
  EXPECT_NE(out_.find("Not judged"), std::string::npos);
}

TEST_F(ReportCommandTest, SingleSnapshotStillReportsTheRest) {
  ReportCommandOptions options;
  options.inputs = {write(Shape{.snapshots = 1})};
  options.format = "json";
  ASSERT_EQ(run(options), 0) << err_;
  EXPECT_NE(out_.find("\"snapshots\":1"), std::string::npos);
  EXPECT_EQ(out_.find("\"not_judged\":[]"), std::string::npos) << "a single snapshot judges little";
  EXPECT_NE(out_.find("\"counts\":{\"LISTEN\":1,\"ESTABLISHED\":5,"), std::string::npos) << out_;
}

TEST_F(ReportCommandTest, WindowWithoutSnapshotsIsReportedNotAnError) {
  ReportCommandOptions options;
  options.inputs = {write(Shape{.snapshots = 40, .gap_after = 9})};
  options.from = "2026-01-01T00:00:15Z";  // inside the 30 s gap after snapshot 9
  options.to = "2026-01-01T00:00:25Z";
  options.format = "markdown";
  ASSERT_EQ(run(options), 0) << err_;
  EXPECT_NE(out_.find("no snapshot between 2026-01-01 00:00:15 UTC and 2026-01-01 00:00:25 UTC"),
            std::string::npos)
      << out_;
  EXPECT_NE(out_.find("(no snapshots)"), std::string::npos);
}

TEST_F(ReportCommandTest, NoOwnersNoCountersSayWhatCouldNotBeJudged) {
  ReportCommandOptions options;
  options.inputs = {write(Shape{.owners = false, .counters = false})};
  options.format = "json";
  ASSERT_EQ(run(options), 0) << err_;
  EXPECT_NE(out_.find("\"owners_recorded\":false"), std::string::npos);
  EXPECT_NE(out_.find("owning processes"), std::string::npos) << out_;
  EXPECT_NE(out_.find("counter"), std::string::npos);
  // The rest is still there: the window and the state counts.
  EXPECT_NE(out_.find("\"snapshots\":40"), std::string::npos);
  EXPECT_NE(out_.find("\"CLOSE_WAIT\":40"), std::string::npos);
}

}  // namespace
}  // namespace netsnap::analysis
