// time_wait_buildup, ephemeral_port_pressure and tw_bucket_overflow on scripted hosts.
#include <gtest/gtest.h>

#include <cmath>

#include "analyzer/detector_test_host.h"

namespace netsnap::detector_test {
namespace {

const Endpoint client_ip = v4(10, 0, 1, 10, 0);
const Endpoint upstream = v4(10, 0, 0, 5, 443);

// Client-side TIME_WAIT sockets towards one destination, with fresh local ports.
struct Churner {
  TestHost& host;
  Endpoint destination;
  uint64_t cookie = 1000;
  uint16_t port = 33000;
  void open(int n, uint8_t state = tcp_state::time_wait) {
    for (int i = 0; i < n; ++i) {
      Endpoint local = client_ip;
      local.port = port++;
      host.sockets().push_back(tcp(state, local, destination, ++cookie));
    }
  }
  int count() const {
    int n = 0;
    for (const Socket& x : host.sockets()) n += x.remote == destination;
    return n;
  }
  void close_oldest(int n) {  // sockets are appended, so the oldest are first
    auto& s = host.sockets();
    int closed = 0;
    std::erase_if(s, [&](const Socket& x) { return x.remote == destination && closed < n && ++closed; });
  }
};

TEST(TimeWaitBuildup, RisingTowardsOneDestinationIsAWarningWithItsSubject) {
  TestHost host("tw-rising");
  Churner churn{host, upstream};
  for (int i = 0; i < 30; ++i) churn.open(50), host.snap();
  DetectorReport notes;
  const auto findings = of_kind(host.run({}, &notes), "time_wait_buildup");
  ASSERT_EQ(findings.size(), 1u) << describe(findings);
  const Finding& f = findings[0];
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_EQ(f.subject.remote_addr, "10.0.0.5");
  EXPECT_EQ(f.subject.remote_port, 443);
  EXPECT_EQ(f.subject.local_addr, "10.0.1.10");
  EXPECT_NEAR(fact(f, "slope_per_s"), 50, 1);
  EXPECT_EQ(f.peak_value, 1500);
  EXPECT_NEAR(fact(f, "share_of_port_range"), 100.0 * 1500 / 28232, 0.01);
  EXPECT_EQ(f.series.size(), 30u);
  ASSERT_FALSE(f.evidence.empty());
  EXPECT_EQ(f.evidence[0].what, "destination");  // the top keys
  ASSERT_TRUE(f.onset_ns);
  EXPECT_EQ(notes.full_recounts, 1u);  // incremental after the first snapshot
}

TEST(TimeWaitBuildup, SteadyChurnWithAFlatCountIsQuiet) {
  TestHost host("tw-flat");
  Churner churn{host, upstream};
  churn.open(500);
  for (int i = 0; i < 60; ++i) churn.close_oldest(40), churn.open(40), host.snap();
  EXPECT_TRUE(of_kind(host.run(), "time_wait_buildup").empty());
}

TEST(TimeWaitBuildup, NoisyFlatIsQuietAndNoisyRiseIsFound) {
  TestHost flat("tw-noisy-flat"), rising("tw-noisy-rise");
  Churner a{flat, upstream}, b{rising, upstream};
  for (int i = 0; i < 60; ++i) {
    const int jitter = static_cast<int>(std::lround(40 * std::sin(i * 1.7)));
    a.close_oldest(40), a.open(500 + jitter - a.count());  // churning around 500 +- 40
    b.close_oldest(40), b.open(500 + 6 * i + jitter - b.count());  // the same, rising 6/s
    flat.snap(), rising.snap();
  }
  EXPECT_TRUE(of_kind(flat.run(), "time_wait_buildup").empty());
  const auto found = of_kind(rising.run(), "time_wait_buildup");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NEAR(fact(found[0], "slope_per_s"), 6, 1.5);
}

TEST(TimeWaitBuildup, SpikeThatDrainsIsQuiet) {
  TestHost host("tw-spike");
  Churner churn{host, upstream};
  churn.open(100);
  for (int i = 0; i < 40; ++i) {
    if (i == 20) churn.open(400);
    if (i == 23) churn.close_oldest(400);
    host.snap();
  }
  EXPECT_TRUE(of_kind(host.run(), "time_wait_buildup").empty());
}

TEST(TimeWaitBuildup, GapsStillGiveASlopePerSecond) {
  TestHost host("tw-gaps");
  Churner churn{host, upstream};
  for (int i = 0; i < 30; ++i) churn.open(50), host.snap(i % 10 == 9 ? 4 : 0);  // 3 gaps of 5 s
  DetectorReport notes;
  const auto findings = of_kind(host.run({}, &notes), "time_wait_buildup");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_LT(fact(findings[0], "slope_per_s"), 45);  // 1500 over 41 s, not over 29
  EXPECT_EQ(notes.gaps, 3u);
}

TEST(TimeWaitBuildup, ASingleSnapshotIsNotJudged) {
  TestHost host("tw-single");
  Churner churn{host, upstream};
  churn.open(5000), host.snap();
  DetectorReport notes;
  EXPECT_TRUE(host.run({}, &notes).empty());
  EXPECT_TRUE(has_not_judged(notes, "time_wait_buildup"));
  EXPECT_TRUE(has_not_judged(notes, "all"));
}

TEST(TimeWaitBuildup, ServerSideRiseIsOnlyInfo) {
  TestHost host("tw-server");
  uint64_t cookie = 1;
  for (int i = 0; i < 30; ++i) {
    for (int k = 0; k < 20; ++k) {
      Endpoint remote = v4(203, 0, 113, static_cast<uint8_t>(k + 1), static_cast<uint16_t>(40000 + i));
      host.sockets().push_back(tcp(tcp_state::time_wait, v4(10, 0, 1, 10, 80), remote, ++cookie));
    }
    host.snap();
  }
  const auto findings = of_kind(host.run(), "time_wait_buildup");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::info);
  EXPECT_EQ(findings[0].subject.local_port, 80);
}

TEST(EphemeralPortPressure, LevelsOfASmallPortRange) {
  TestHost host("ports");
  host.setting("net.ipv4.ip_local_port_range", "40000\t40099");  // 100 ports
  Churner churn{host, upstream};
  churn.port = 40000;
  churn.open(10, tcp_state::established), host.snap();
  churn.open(50, tcp_state::time_wait), host.snap(), host.snap();  // 60%: warning for 2
  churn.open(25), host.snap(), host.snap(), host.snap();             // 85%: critical
  const auto findings = of_kind(host.run(), "ephemeral_port_pressure");
  ASSERT_EQ(findings.size(), 1u) << describe(findings);
  const Finding& f = findings[0];
  EXPECT_EQ(f.severity, Severity::critical);
  EXPECT_EQ(fact(f, "capacity"), 100);
  EXPECT_EQ(fact(f, "used"), 85);
  EXPECT_EQ(fact(f, "time_wait_at_peak"), 75);
  EXPECT_EQ(f.subject.remote_port, 443);
}

TEST(EphemeralPortPressure, OneSnapshotAtTheTopIsNotAFinding) {
  TestHost host("ports-spike");
  host.setting("net.ipv4.ip_local_port_range", "40000\t40099");
  Churner churn{host, upstream};
  churn.port = 40000;
  churn.open(10), host.snap();
  churn.open(85), host.snap();
  churn.close_oldest(85), host.snap(), host.snap();
  EXPECT_TRUE(of_kind(host.run(), "ephemeral_port_pressure").empty());
}

TEST(EphemeralPortPressure, RisingUseProjectsTheExhaustion) {
  TestHost host("ports-eta");
  host.setting("net.ipv4.ip_local_port_range", "40000\t40999");  // 1000 ports
  Churner churn{host, upstream};
  churn.port = 40000;
  for (int i = 0; i < 30; ++i) churn.open(20, tcp_state::established), host.snap();
  const auto findings = of_kind(host.run(), "ephemeral_port_pressure");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::warning);  // 60%
  EXPECT_EQ(fact(findings[0], "used"), 600);
  EXPECT_NEAR(fact(findings[0], "eta_to_exhaustion_s"), 20, 0.5);  // 400 left at 20/s
  EXPECT_NEAR(fact(findings[0], "churn_per_s"), 580.0 / 29, 0.1);  // opened after the first
}

TEST(EphemeralPortPressure, UnrecordedRangeIsAssumedAndSaidSo) {
  TestHost host("ports-default");
  host.header.settings.clear();
  Churner churn{host, upstream};
  for (int i = 0; i < 3; ++i) churn.open(10), host.snap();
  DetectorReport notes;
  host.run({}, &notes);
  bool said = false;
  for (const auto& c : notes.caveats) said |= c.find("ip_local_port_range was not recorded") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(TwBucketOverflow, NearTheLimitWarnsAndOverflowsAreCritical) {
  TestHost near("tw-buckets-near"), over("tw-buckets-over");
  for (TestHost* h : {&near, &over}) h->setting("net.ipv4.tcp_max_tw_buckets", "1000");
  for (int i = 0; i < 5; ++i) {
    near.counter("sockstat.TCP", "tw", i < 2 ? 100 : 850), near.counter("TcpExt", "TCPTimeWaitOverflow", 7);
    over.counter("sockstat.TCP", "tw", 1000), over.counter("TcpExt", "TCPTimeWaitOverflow", 7 + 30 * i);
    near.snap(), over.snap();
  }
  const auto warned = of_kind(near.run(), "tw_bucket_overflow");
  ASSERT_EQ(warned.size(), 1u);
  EXPECT_EQ(warned[0].severity, Severity::warning);
  EXPECT_EQ(fact(warned[0], "percent"), 85);
  const auto overflowed = of_kind(over.run(), "tw_bucket_overflow");
  ASSERT_EQ(overflowed.size(), 1u);
  EXPECT_EQ(overflowed[0].severity, Severity::critical);
  EXPECT_EQ(fact(overflowed[0], "overflow_count"), 120);
}

TEST(TwBucketOverflow, ACounterResetIsNotAnOverflow) {
  TestHost host("tw-buckets-reset");
  host.setting("net.ipv4.tcp_max_tw_buckets", "1000");
  for (int64_t v : {500, 500, 500, 3, 3, 3}) host.counter("TcpExt", "TCPTimeWaitOverflow", v), host.counter("sockstat.TCP", "tw", 10), host.snap();
  DetectorReport notes;
  EXPECT_TRUE(of_kind(host.run({}, &notes), "tw_bucket_overflow").empty());
  bool said = false;
  for (const auto& c : notes.caveats) said |= c.find("counter resets") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(TwBucketOverflow, WithoutCountersOrLimitSaysWhatItCouldNotJudge) {
  TestHost host("tw-buckets-none");
  for (int i = 0; i < 5; ++i) host.snap();
  DetectorReport notes;
  EXPECT_TRUE(host.run({}, &notes).empty());
  int entries = 0;
  for (const auto& n : notes.not_judged) entries += n.kind == "tw_bucket_overflow";
  EXPECT_EQ(entries, 2);  // the limit and the overflow counter
}

}  // namespace
}  // namespace netsnap::detector_test
