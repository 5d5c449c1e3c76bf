// close_wait_leak on scripted hosts: rising, persisting, churning, unaccepted, no owners.
#include <gtest/gtest.h>

#include <cmath>

#include "analyzer/detector_test_host.h"

namespace netsnap::detector_test {
namespace {

constexpr int32_t leaker = 4242;
const Endpoint service = v4(10, 0, 1, 10, 8000);

// CLOSE_WAIT sockets accepted on `service` from clients, owned by `owner` (or nobody).
struct CloseWaits {
  TestHost& host;
  std::vector<int32_t> owners{leaker};
  uint64_t cookie = 5000;
  uint16_t client_port = 50000;
  void open(int n) {
    for (int i = 0; i < n; ++i)
      host.sockets().push_back(tcp(tcp_state::close_wait, service,
                                   v4(192, 0, 2, static_cast<uint8_t>(1 + i % 3), client_port++), ++cookie, owners));
  }
  void close_oldest(int n) {
    int closed = 0;
    std::erase_if(host.sockets(), [&](const Socket& s) { return s.state == tcp_state::close_wait && closed < n && ++closed; });
  }
};

TEST(CloseWaitLeak, RisingInOneProcessNamesTheProcess) {
  TestHost host("cw-rising");
  host.state.processes = {process(leaker, "/usr/bin/python3", 20, 65536)};
  CloseWaits cw{host};
  for (int i = 0; i < 30; ++i) {
    cw.open(5);
    host.state.processes[0].fd_count = static_cast<uint32_t>(20 + 5 * (i + 1));
    host.snap();
  }
  const auto findings = of_kind(host.run(), "close_wait_leak");
  ASSERT_EQ(findings.size(), 1u) << describe(findings);
  const Finding& f = findings[0];
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_EQ(f.subject.pid, leaker);
  EXPECT_EQ(f.subject.program, "python3");
  EXPECT_EQ(f.peak_value, 150);
  EXPECT_NEAR(fact(f, "slope_per_h"), 5 * 3600, 100);
  EXPECT_EQ(fact(f, "fd_limit"), 65536);
  EXPECT_NEAR(fact(f, "eta_to_fd_limit_s"), (65536.0 - 170) / 5, 2);  // 3.6 h: not yet critical
  EXPECT_NEAR(fact(f, "age_max_s_at_least"), 29, 0.01);
  bool remotes = false;
  for (const auto& row : f.evidence) remotes |= row.what == "remote";
  EXPECT_TRUE(remotes);
}

TEST(CloseWaitLeak, NearTheFdLimitOrSoonAtItIsCritical) {
  TestHost near("cw-fds-near"), soon("cw-fds-soon");
  near.state.processes = {process(leaker, "/usr/bin/python3", 980)};  // 96% of 1024
  soon.state.processes = {process(leaker, "/usr/bin/python3", 100)};
  CloseWaits a{near}, b{soon};
  for (int i = 0; i < 30; ++i) {
    a.open(2), b.open(2);
    soon.state.processes[0].fd_count += 2;  // 1024 in ~7 minutes
    near.snap(), soon.snap();
  }
  for (TestHost* host : {&near, &soon}) {
    const auto findings = of_kind(host->run(), "close_wait_leak");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].severity, Severity::critical);
  }
}

TEST(CloseWaitLeak, PersistingSocketsAreFoundWithoutARise) {
  TestHost host("cw-persist");
  host.interval_ns = 10'000'000'000;  // 40 snapshots at 10 s: 6.5 minutes
  host.state.processes = {process(leaker, "java", 300)};
  CloseWaits cw{host};
  cw.open(12);
  for (int i = 0; i < 40; ++i) host.snap();
  const auto findings = of_kind(host.run(), "close_wait_leak");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(fact(findings[0], "persisting_sockets"), 12);
  EXPECT_TRUE(std::isnan(fact(findings[0], "slope_per_h")));  // not a trend finding
}

TEST(CloseWaitLeak, FewPersistingOrChurningSocketsAreQuiet) {
  TestHost few("cw-few"), churning("cw-churn");
  few.interval_ns = churning.interval_ns = 10'000'000'000;
  CloseWaits a{few}, b{churning};
  a.open(8);  // below close_wait_persist_sockets
  b.open(30);
  for (int i = 0; i < 40; ++i) {
    b.close_oldest(10), b.open(10);  // each lives 30 s: a busy server closing late, not a leak
    few.snap(), churning.snap();
  }
  EXPECT_TRUE(of_kind(few.run(), "close_wait_leak").empty());
  EXPECT_TRUE(of_kind(churning.run(), "close_wait_leak").empty());
}

TEST(CloseWaitLeak, SpikeThatDrainsIsQuiet) {
  TestHost host("cw-spike");
  CloseWaits cw{host};
  for (int i = 0; i < 40; ++i) {
    if (i == 10) cw.open(200);
    if (i == 14) cw.close_oldest(200);
    host.snap();
  }
  EXPECT_TRUE(of_kind(host.run(), "close_wait_leak").empty());
}

TEST(CloseWaitLeak, UnacceptedConnectionsGoWithTheListener) {
  TestHost host("cw-unaccepted");
  host.state.processes = {process(leaker, "/usr/bin/python3", 20)};
  host.sockets().push_back(listener(service, 128, 1, {leaker}));
  CloseWaits cw{host};
  cw.owners = {};
  for (int i = 0; i < 30; ++i) {
    cw.open(5);
    for (Socket& s : host.sockets())
      if (s.state == tcp_state::close_wait) s.inode = 0;  // never accepted: no file
    host.snap();
  }
  const auto findings = host.run();
  EXPECT_TRUE(of_kind(findings, "close_wait_leak").empty()) << describe(findings);
  const auto listener_findings = of_kind(findings, "accept_queue_overflow");
  ASSERT_EQ(listener_findings.size(), 1u);
  EXPECT_EQ(fact(listener_findings[0], "close_wait_unaccepted_peak"), 150);
  EXPECT_EQ(listener_findings[0].subject.local_port, 8000);
  EXPECT_EQ(listener_findings[0].subject.program, "python3");
}

TEST(CloseWaitLeak, WithoutOwnersGroupsByLocalPortAndSaysSo) {
  TestHost host("cw-no-owners");
  host.header.options.owners = false;
  CloseWaits cw{host};
  cw.owners = {};
  for (int i = 0; i < 30; ++i) cw.open(5), host.snap();
  DetectorReport notes;
  const auto findings = of_kind(host.run({}, &notes), "close_wait_leak");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].subject.local_port, 8000);
  EXPECT_FALSE(findings[0].subject.pid);
  EXPECT_TRUE(has_not_judged(notes, "close_wait_leak"));
}

TEST(CloseWaitLeak, AgesGoOnAcrossAGapInTime) {
  TestHost host("cw-gap");
  host.state.processes = {process(leaker, "java", 300)};
  CloseWaits cw{host};
  cw.open(12);
  for (int i = 0; i < 10; ++i) host.snap(i == 5 ? 400 : 0);  // a 400 s hole in the recording
  const auto findings = of_kind(host.run(), "close_wait_leak");
  ASSERT_EQ(findings.size(), 1u);  // first seen 409 s before the end: persisting
  EXPECT_NEAR(fact(findings[0], "age_max_s_at_least"), 409, 0.01);
}

TEST(CloseWaitLeak, AgesGoOnAcrossDamagedRecords) {
  TestHost host("cw-damage");
  host.interval_ns = 10'000'000'000;
  host.writer.key_interval = 5;  // a key snapshot every 5: damage loses at most 5
  host.state.processes = {process(leaker, "java", 300)};
  CloseWaits cw{host};
  cw.open(12);
  for (int i = 0; i < 40; ++i) host.snap();
  host.damaged = {12};  // a delta: 12, 13 and 14 are lost, 15 (a key) starts over
  DetectorReport notes;
  const auto findings = of_kind(host.run({}, &notes), "close_wait_leak");
  EXPECT_EQ(notes.full_recounts, 2u);
  EXPECT_EQ(notes.snapshots, 37u);
  ASSERT_EQ(findings.size(), 1u);  // the same 12 sockets, first seen 390 s before the end
  EXPECT_NEAR(fact(findings[0], "age_max_s_at_least"), 390, 0.01);
  EXPECT_EQ(fact(findings[0], "closed"), 0);
  bool said = false;
  for (const auto& c : notes.caveats) said |= c.find("breaks in the replay") != std::string::npos;
  EXPECT_TRUE(said);
}

}  // namespace
}  // namespace netsnap::detector_test
