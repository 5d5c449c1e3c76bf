// recv_queue_backlog and send_queue_backlog on scripted hosts.
#include <gtest/gtest.h>

#include <algorithm>

#include "analyzer/detector_test_host.h"
#include "detectors/queue_runs.h"

namespace netsnap::detector_test {
namespace {

constexpr int32_t server = 3001, client = 3002;
const Endpoint service = v4(10, 0, 1, 10, 9000);

Socket& by_cookie(TestHost& host, uint64_t cookie) {
  for (Socket& s : host.sockets())
    if (s.cookie == cookie) return s;
  throw std::logic_error("no such socket");
}

TestHost& with_connection(TestHost& host) {
  host.state.processes = {process(server, "/opt/app/server", 10), process(client, "/opt/app/client", 10)};
  // The server's accepted socket (cookie 1) and the client's socket (cookie 2), plus idle
  // pooled connections that never queue anything.
  host.sockets().push_back(tcp(tcp_state::established, service, v4(10, 0, 1, 20, 41000), 1, {server}));
  host.sockets().push_back(tcp(tcp_state::established, v4(10, 0, 1, 20, 41000), service, 2, {client}));
  for (uint64_t i = 0; i < 100; ++i)
    host.sockets().push_back(tcp(tcp_state::established, v4(10, 0, 1, 20, static_cast<uint16_t>(42000 + i)),
                                 v4(10, 0, 7, 1, 5432), 100 + i, {client}));
  return host;
}

TEST(RecvQueueBacklog, AServerThatStopsReadingIsFoundOnItsPort) {
  TestHost host("recv-stuck");
  with_connection(host);
  for (int i = 0; i < 30; ++i) {
    by_cookie(host, 1).recv_q = std::min<uint32_t>(65536, 8192u * static_cast<uint32_t>(i));
    host.snap();
  }
  const auto findings = of_kind(host.run(), "recv_queue_backlog");
  ASSERT_EQ(findings.size(), 1u) << describe(findings);
  const Finding& f = findings[0];
  EXPECT_EQ(f.severity, Severity::warning);  // 28 s without reading
  EXPECT_EQ(f.subject.pid, server);
  EXPECT_EQ(f.subject.program, "server");
  EXPECT_EQ(f.subject.local_port, 9000);
  EXPECT_EQ(f.peak_value, 65536);
  EXPECT_EQ(fact(f, "sockets_affected"), 1);
  EXPECT_NEAR(fact(f, "longest_s"), 28, 1e-9);
  ASSERT_FALSE(f.evidence.empty());
  EXPECT_EQ(f.evidence[0].what, "socket");
}

constexpr uint32_t busy_sockets = 17000;
static_assert(busy_sockets > analysis::detectors::QueueRuns::idle_kept + 200);

void check_counted_once_across_idle_periods(bool busy) {
  TestHost host(busy ? "recv-twice-busy" : "recv-twice");
  with_connection(host);
  host.state.processes.push_back(process(3003, "/opt/app/heir", 10));
  if (busy)
    for (uint32_t i = 0; i < busy_sockets; ++i) {
      Socket s = tcp(tcp_state::established, v4(10, 0, 2, static_cast<uint8_t>(i >> 8), 9000),
                     v4(10, 0, 3, 1, static_cast<uint16_t>(20000 + i)), 1000 + i, {client});
      s.recv_q = 100;
      host.sockets().push_back(s);
    }
  auto hold = [&](int snapshots) {
    for (int i = 0; i < snapshots; ++i) {
      by_cookie(host, 1).recv_q = 4096;
      host.snap();
    }
  };
  auto idle = [&](int snapshots) {
    for (int i = 0; i < snapshots; ++i) {
      by_cookie(host, 1).recv_q = 0;
      by_cookie(host, 100 + i % 100).recv_q = i % 2 ? 0 : 10;  // other sockets come and go
      host.snap();
    }
  };
  hold(5), idle(4), hold(6), idle(3);
  by_cookie(host, 1).owners = {3003};
  hold(5), idle(1);
  const auto findings = of_kind(host.run(), "recv_queue_backlog");
  const Finding* first = nullptr;
  const Finding* heir = nullptr;
  for (const Finding& f : findings) {
    if (f.subject.pid == server) first = &f;
    if (f.subject.pid == 3003) heir = &f;
  }
  ASSERT_NE(first, nullptr) << describe(findings);
  EXPECT_EQ(fact(*first, "runs"), 2);
  EXPECT_EQ(fact(*first, "sockets_affected"), 1);
  ASSERT_NE(heir, nullptr) << describe(findings);
  EXPECT_EQ(fact(*heir, "runs"), 1);
  EXPECT_EQ(fact(*heir, "sockets_affected"), 1);
}

// A socket that holds a queue, drains to zero, sits idle and holds again counts once among
// the sockets affected, with both runs; after it changes hands its next run counts for the
// new owner. Busy: 17,000 other sockets hold queues throughout, so the tracker is past the
// size where it lets idle sockets go (QueueRuns::idle_kept) and the socket leaves it between
// its runs; quiet: it stays.
TEST(RecvQueueBacklog, ASocketCountsOnceAcrossIdlePeriodsAndAgainForANewOwner) {
  for (bool busy : {false, true}) {
    SCOPED_TRACE(busy ? "busy" : "quiet");
    check_counted_once_across_idle_periods(busy);
  }
}

TEST(RecvQueueBacklog, SpikesThatDrainAndIdlePoolsAreQuiet) {
  TestHost host("recv-spikes");
  with_connection(host);
  for (int i = 0; i < 60; ++i) {
    by_cookie(host, 1).recv_q = i % 3 == 0 ? 1448 : 0;  // read within a snapshot or two
    by_cookie(host, 2).send_q = i % 4 < 2 ? 4096 : 0;
    host.snap();
  }
  const auto findings = host.run();
  EXPECT_TRUE(of_kind(findings, "recv_queue_backlog").empty()) << describe(findings);
  EXPECT_TRUE(of_kind(findings, "send_queue_backlog").empty()) << describe(findings);
}

TEST(RecvQueueBacklog, ASlowReaderThatKeepsDrainingIsQuiet) {
  TestHost host("recv-draining");
  with_connection(host);
  for (int i = 0; i < 30; ++i) by_cookie(host, 1).recv_q = static_cast<uint32_t>(60000 - 2000 * i), host.snap();
  EXPECT_TRUE(of_kind(host.run(), "recv_queue_backlog").empty());
}

TEST(RecvQueueBacklog, AShortHoldIsOnlyInfo) {
  TestHost host("recv-short");
  with_connection(host);
  for (int i = 0; i < 20; ++i) by_cookie(host, 1).recv_q = i >= 5 && i < 10 ? 3000 : 0, host.snap();
  const auto findings = of_kind(host.run(), "recv_queue_backlog");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::info);
  EXPECT_EQ(fact(findings[0], "longest_snapshots"), 5);
}

TEST(RecvQueueBacklog, AGapInTheRecordingCountsItsTime) {
  TestHost host("recv-gap");
  with_connection(host);
  by_cookie(host, 1).recv_q = 5000;
  for (int i = 0; i < 4; ++i) host.snap(i == 2 ? 20 : 0);  // 4 snapshots over 23 s
  const auto findings = of_kind(host.run(), "recv_queue_backlog");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::warning);
  EXPECT_NEAR(fact(findings[0], "longest_s"), 23, 1e-9);
}

TEST(RecvQueueBacklog, DamageEndsARunInsteadOfBridgingIt) {
  TestHost host("recv-damage");
  host.writer.key_interval = 5;
  with_connection(host);
  by_cookie(host, 1).recv_q = 5000;
  for (int i = 0; i < 20; ++i) host.snap();
  host.damaged = {7};  // 7, 8, 9 lost: runs of 7 (0-6) and 10 (10-19) snapshots, not one of 20
  DetectorReport notes;
  const auto findings = of_kind(host.run({}, &notes), "recv_queue_backlog");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(fact(findings[0], "runs"), 2);
  EXPECT_EQ(fact(findings[0], "longest_snapshots"), 10);
  EXPECT_EQ(findings[0].severity, Severity::info);  // 9 s each: neither reaches 15 s
}

TEST(RecvQueueBacklog, ASingleSnapshotIsNotJudged) {
  TestHost host("recv-single");
  with_connection(host);
  by_cookie(host, 1).recv_q = 5000;
  host.snap();
  DetectorReport notes;
  EXPECT_TRUE(of_kind(host.run({}, &notes), "recv_queue_backlog").empty());
  EXPECT_TRUE(has_not_judged(notes, "recv_queue_backlog"));
}

TEST(SendQueueBacklog, ZeroWindowIsClassifiedAsPersist) {
  TestHost host("send-persist");
  with_connection(host);
  for (int i = 0; i < 30; ++i) {
    Socket& s = by_cookie(host, 2);
    s.send_q = std::min<uint32_t>(2'000'000, 100'000u * static_cast<uint32_t>(i));
    s.timer = i > 10 ? 4 : 1;
    host.snap();
  }
  const auto findings = of_kind(host.run(), "send_queue_backlog");
  ASSERT_EQ(findings.size(), 1u) << describe(findings);
  const Finding& f = findings[0];
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_EQ(f.subject.program, "client");
  EXPECT_EQ(f.subject.remote_addr, "10.0.1.10");
  EXPECT_EQ(f.subject.remote_port, 9000);
  const auto* timer = analysis::detectors::find_field(f.facts, "timer");
  ASSERT_TRUE(timer);
  EXPECT_EQ(std::get<std::string>(timer->value), "persist");
}

TEST(SendQueueBacklog, RetransmitsAreClassifiedAsRetransmit) {
  TestHost host("send-retransmit");
  with_connection(host);
  for (int i = 0; i < 30; ++i) {
    Socket& s = by_cookie(host, 2);
    s.send_q = 20000;
    s.timer = 1;
    s.retransmits = static_cast<uint8_t>(std::min(i, 7));
    host.snap();
  }
  const auto findings = of_kind(host.run(), "send_queue_backlog");
  ASSERT_EQ(findings.size(), 1u);
  const auto* timer = analysis::detectors::find_field(findings[0].facts, "timer");
  ASSERT_TRUE(timer);
  EXPECT_EQ(std::get<std::string>(timer->value), "retransmit");
}

TEST(SendQueueBacklog, OneSocketLongerThanTheCriticalTimeIsCritical) {
  TestHost host("send-critical");
  host.interval_ns = 60'000'000'000;  // a minute apart: 6 snapshots span 5 min
  with_connection(host);
  by_cookie(host, 2).send_q = 1000;
  for (int i = 0; i < 6; ++i) host.snap();
  const auto findings = of_kind(host.run(), "send_queue_backlog");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::critical);
}

}  // namespace
}  // namespace netsnap::detector_test
