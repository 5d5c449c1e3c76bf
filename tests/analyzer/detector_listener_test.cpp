// accept_queue_overflow and syn_queue_overflow on scripted hosts.
#include <gtest/gtest.h>

#include "analyzer/detector_test_host.h"

namespace netsnap::detector_test {
namespace {

constexpr int32_t server = 2501;
const Endpoint service = v4(0, 0, 0, 0, 8000);

Socket& the_listener(TestHost& host) {
  for (Socket& s : host.sockets())
    if (s.state == tcp_state::listen) return s;
  throw std::logic_error("no listener");
}

TestHost& with_listener(TestHost& host, uint32_t backlog) {
  host.state.processes = {process(server, "python3", 10)};
  host.sockets().push_back(listener(service, backlog, 1, {server}));
  host.counter("TcpExt", "ListenOverflows", 1000);
  host.counter("TcpExt", "ListenDrops", 1000);
  return host;
}

TEST(AcceptQueueOverflow, AFullQueueWithOverflowsIsCriticalAndGetsTheCounters) {
  TestHost host("accept-full");
  with_listener(host, 5);
  for (int i = 0; i < 30; ++i) {
    the_listener(host).recv_q = i == 0 ? 0 : 6;  // backlog + 1: full
    host.counter("TcpExt", "ListenOverflows", 1000 + 10 * i);
    host.counter("TcpExt", "ListenDrops", 1000 + 10 * i);
    host.snap();
  }
  const auto findings = of_kind(host.run(), "accept_queue_overflow");
  ASSERT_EQ(findings.size(), 1u) << describe(findings);
  const Finding& f = findings[0];
  EXPECT_EQ(f.severity, Severity::critical);
  EXPECT_EQ(f.subject.local_addr, "0.0.0.0");
  EXPECT_EQ(f.subject.local_port, 8000);
  EXPECT_EQ(f.subject.pid, server);
  EXPECT_EQ(f.subject.program, "python3");
  EXPECT_EQ(fact(f, "backlog"), 5);
  EXPECT_EQ(fact(f, "full_snapshots"), 29);
  EXPECT_EQ(fact(f, "listen_overflows"), 290);  // every increase while it was full
  EXPECT_NEAR(fact(f, "overflow_rate_max_per_s"), 290.0 / 60, 1e-9);
}

TEST(AcceptQueueOverflow, NearlyFullForSeveralSnapshotsWarns) {
  TestHost host("accept-near");
  with_listener(host, 5);
  for (int i = 0; i < 10; ++i) the_listener(host).recv_q = i >= 3 && i < 8 ? 4 : 0, host.snap();
  const auto findings = of_kind(host.run(), "accept_queue_overflow");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::warning);
}

TEST(AcceptQueueOverflow, ASpikeThatDrainsIsOnlyInfo) {
  TestHost host("accept-spike");
  with_listener(host, 5);
  for (int i = 0; i < 30; ++i) {
    the_listener(host).recv_q = i == 12 ? 6 : i % 3;  // busy but keeping up, one full moment
    host.counter("TcpExt", "ListenOverflows", 1000 + (i >= 12 ? 1 : 0));
    host.snap();
  }
  const auto findings = of_kind(host.run(), "accept_queue_overflow");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::info);
  EXPECT_EQ(fact(findings[0], "listen_overflows"), 1);
}

TEST(AcceptQueueOverflow, OverflowsWithNoListenerSeenFullGoToTheHost) {
  TestHost slow("accept-host-slow"), fast("accept-host-fast");
  with_listener(slow, 128), with_listener(fast, 128);
  for (int i = 0; i < 30; ++i) {
    slow.counter("TcpExt", "ListenOverflows", 1000 + i / 10), slow.snap();
    fast.counter("TcpExt", "ListenOverflows", 1000 + 100 * i), fast.snap();
  }
  const auto a = of_kind(slow.run(), "accept_queue_overflow");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].severity, Severity::info);
  EXPECT_FALSE(a[0].subject.local_port);
  const auto b = of_kind(fast.run(), "accept_queue_overflow");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].severity, Severity::critical);  // 2,900 in 30 s is far above 1/s
}

TEST(AcceptQueueOverflow, ACounterResetIsNotAnOverflow) {
  TestHost host("accept-reset");
  with_listener(host, 5);
  for (int64_t v : {900, 900, 900, 4, 4, 4}) {
    the_listener(host).recv_q = 6;
    host.counter("TcpExt", "ListenOverflows", v);
    host.snap();
  }
  const auto findings = of_kind(host.run(), "accept_queue_overflow");
  ASSERT_EQ(findings.size(), 1u);  // the full queue itself
  EXPECT_EQ(fact(findings[0], "listen_overflows"), 0);
}

TEST(AcceptQueueOverflow, WithoutCountersTheQueueIsStillJudged) {
  TestHost host("accept-no-counters");
  host.state.processes = {process(server, "python3", 10)};
  host.sockets().push_back(listener(service, 5, 1, {server}, 6));
  for (int i = 0; i < 5; ++i) host.snap();
  DetectorReport notes;
  const auto findings = of_kind(host.run({}, &notes), "accept_queue_overflow");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::critical);
  EXPECT_TRUE(has_not_judged(notes, "accept_queue_overflow"));
  EXPECT_TRUE(has_not_judged(notes, "syn_queue_overflow"));
}

TEST(AcceptQueueOverflow, ASingleSnapshotOfAFullQueueIsOnlyInfo) {
  TestHost host("accept-single");
  with_listener(host, 5);
  the_listener(host).recv_q = 6;
  host.snap();
  const auto findings = of_kind(host.run(), "accept_queue_overflow");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::info);
}

TEST(SynQueueOverflow, DropsAreCriticalAndNameTheListenerAndTheNetworks) {
  TestHost host("syn-drops");
  with_listener(host, 128);
  host.counter("TcpExt", "TCPReqQFullDrop", 50);
  uint64_t cookie = 100;
  for (int i = 0; i < 10; ++i) {
    for (int k = 0; k < 20; ++k)
      host.sockets().push_back(tcp(tcp_state::new_syn_recv, v4(10, 0, 1, 10, 8000),
                                   v4(203, 0, 113, static_cast<uint8_t>(k), static_cast<uint16_t>(1000 + i * 20 + k)), ++cookie));
    host.counter("TcpExt", "TCPReqQFullDrop", 50 + (i >= 5 ? 7 * (i - 4) : 0));
    host.snap();
  }
  const auto findings = of_kind(host.run(), "syn_queue_overflow");
  ASSERT_EQ(findings.size(), 1u) << describe(findings);
  const Finding& f = findings[0];
  EXPECT_EQ(f.severity, Severity::critical);
  EXPECT_EQ(f.subject.local_port, 8000);
  EXPECT_EQ(f.subject.program, "python3");
  EXPECT_EQ(fact(f, "req_q_full_drops"), 35);
  EXPECT_EQ(fact(f, "syn_recv_peak"), 200);
  ASSERT_FALSE(f.evidence.empty());
  bool network = false;
  for (const auto& row : f.evidence)
    if (row.what == "remote_network")
      network |= std::get<std::string>(row.fields[0].value) == "203.0.113.0/24";
  EXPECT_TRUE(network);
}

TEST(SynQueueOverflow, CookiesWarnAndUnattributedGoToTheHost) {
  TestHost host("syn-cookies");
  with_listener(host, 128);
  for (int i = 0; i < 10; ++i) host.counter("TcpExt", "SyncookiesSent", 10 * i), host.snap();
  const auto findings = of_kind(host.run(), "syn_queue_overflow");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::warning);
  EXPECT_FALSE(findings[0].subject.local_port);  // no SYN_RECV seen: the host
  EXPECT_EQ(fact(findings[0], "syn_cookies"), 90);
}

}  // namespace
}  // namespace netsnap::detector_test
