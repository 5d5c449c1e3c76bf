// sock_diag_parser on hand-built reply buffers: field mapping, tcp_info of any length, dump
// control messages, and damaged input that must be skipped without reading past the buffer.
#include "sock_diag_parser.h"

#include <gtest/gtest.h>
#include <linux/tcp.h>

#include <cerrno>
#include <cstddef>
#include <limits>
#include <random>

#include "capture/sock_diag_test_messages.h"

namespace netsnap {
namespace {

using test::make_inet_v4;
using test::make_inet_v6;
using test::model_address;
using test::NetlinkReplyBuilder;

std::vector<uint8_t> one_message(const inet_diag_msg& message) {
  NetlinkReplyBuilder reply;
  reply.begin_message(SOCK_DIAG_BY_FAMILY).append_struct(message).end_message();
  return reply.bytes();
}

TEST(SockDiagParser, MapsIpv4TcpFields) {
  auto message = make_inet_v4("127.0.0.1", 8080, "10.1.2.3", 51234, tcp_state::established);
  message.idiag_rqueue = 17;
  message.idiag_wqueue = 4096;
  message.idiag_uid = 1000;
  message.idiag_inode = 123456;
  message.id.idiag_cookie[0] = 0x89abcdef;
  message.id.idiag_cookie[1] = 0x01234567;
  message.id.idiag_if = 3;  // bound to a device: not kept for IPv4
  message.idiag_timer = 1;
  message.idiag_expires = 200;
  message.idiag_retrans = 2;

  std::vector<Socket> out;
  const auto batch = parse_sock_diag_batch(one_message(message), Protocol::tcp, 1, out);
  ASSERT_EQ(batch.sockets, 1u);
  EXPECT_EQ(batch.malformed, 0u);
  EXPECT_FALSE(batch.finished);
  ASSERT_EQ(out.size(), 1u);
  const Socket& s = out[0];
  EXPECT_EQ(s.family, AF_INET);
  EXPECT_EQ(s.protocol, Protocol::tcp);
  EXPECT_EQ(s.state, tcp_state::established);
  EXPECT_EQ(s.local.address, model_address(AF_INET, "127.0.0.1"));
  EXPECT_EQ(s.local.address[0], 127);  // network byte order
  EXPECT_EQ(s.local.port, 8080);
  EXPECT_EQ(s.remote.address, model_address(AF_INET, "10.1.2.3"));
  EXPECT_EQ(s.remote.port, 51234);
  EXPECT_EQ(s.local.scope_id, 0u);
  EXPECT_EQ(s.recv_q, 17u);
  EXPECT_EQ(s.send_q, 4096u);
  EXPECT_EQ(s.uid, 1000u);
  EXPECT_EQ(s.inode, 123456u);
  EXPECT_EQ(s.cookie, 0x0123456789abcdefULL);
  EXPECT_EQ(s.timer, 1);
  EXPECT_EQ(s.timer_expires_ms, 200u);
  EXPECT_EQ(s.retransmits, 2);
  EXPECT_EQ(s.probes, 0);
  EXPECT_FALSE(s.has_tcp_info);
  EXPECT_EQ(s.raw_protocol, 0);
}

TEST(SockDiagParser, KeepsScopeOnlyForLinkLocalIpv6) {
  auto link_local = make_inet_v6("fe80::1", 22, "fe80::2", 40000, tcp_state::established);
  link_local.id.idiag_if = 7;
  auto global = make_inet_v6("2001:db8::1", 22, "2001:db8::2", 40000, tcp_state::established);
  global.id.idiag_if = 7;
  NetlinkReplyBuilder reply;
  reply.begin_message(SOCK_DIAG_BY_FAMILY).append_struct(link_local).end_message();
  reply.begin_message(SOCK_DIAG_BY_FAMILY).append_struct(global).end_message();

  std::vector<Socket> out;
  ASSERT_EQ(parse_sock_diag_batch(reply.bytes(), Protocol::tcp, 1, out).sockets, 2u);
  EXPECT_EQ(out[0].family, AF_INET6);
  EXPECT_EQ(out[0].local.address, model_address(AF_INET6, "fe80::1"));
  EXPECT_EQ(out[0].local.scope_id, 7u);
  EXPECT_EQ(out[0].remote.scope_id, 7u);
  EXPECT_EQ(out[1].local.address, model_address(AF_INET6, "2001:db8::1"));
  EXPECT_EQ(out[1].local.scope_id, 0u);
}

TEST(SockDiagParser, BothFamiliesReplyOfTheOlderTcpRequestIsParsedAlike) {
  // Replies to TCPDIAG_GETSOCK (one dump of IPv4 and IPv6 TCP) carry that type, not
  // SOCK_DIAG_BY_FAMILY; the messages inside are the same. Other types are still skipped.
  NetlinkReplyBuilder reply;
  reply.begin_message(TCPDIAG_GETSOCK)
      .append_struct(make_inet_v4("127.0.0.1", 22, "127.0.0.1", 40000, tcp_state::established))
      .end_message();
  reply.begin_message(TCPDIAG_GETSOCK)
      .append_struct(make_inet_v6("::1", 22, "::1", 40001, tcp_state::established))
      .end_message();
  reply.begin_message(NLMSG_NOOP)
      .append_struct(make_inet_v4("127.0.0.1", 23, "127.0.0.1", 40002, tcp_state::established))
      .end_message();
  std::vector<Socket> out;
  ASSERT_EQ(parse_sock_diag_batch(reply.bytes(), Protocol::tcp, 1, out).sockets, 2u);
  EXPECT_EQ(out[0].family, AF_INET);
  EXPECT_EQ(out[1].family, AF_INET6);
  EXPECT_EQ(out[1].local.port, 22);
}

TEST(SockDiagParser, ProbeTimersCountProbesNotRetransmits) {
  auto keepalive = make_inet_v4("10.0.0.1", 22, "10.0.0.2", 5000, tcp_state::established);
  keepalive.idiag_timer = 2;
  keepalive.idiag_retrans = 3;  // icsk_probes_out for keepalive and zero-window timers
  std::vector<Socket> out;
  ASSERT_EQ(parse_sock_diag_batch(one_message(keepalive), Protocol::tcp, 1, out).sockets, 1u);
  EXPECT_EQ(out[0].timer, 2);
  EXPECT_EQ(out[0].probes, 3);
  EXPECT_EQ(out[0].retransmits, 0);
}

TEST(SockDiagParser, TimeWaitHasTimerThreeAndNoInode) {
  auto time_wait = make_inet_v4("10.0.0.1", 40000, "10.0.0.2", 80, tcp_state::time_wait);
  time_wait.idiag_timer = 3;
  time_wait.idiag_expires = 59000;
  time_wait.id.idiag_cookie[0] = 42;
  std::vector<Socket> out;
  ASSERT_EQ(parse_sock_diag_batch(one_message(time_wait), Protocol::tcp, 1, out).sockets, 1u);
  EXPECT_EQ(out[0].state, tcp_state::time_wait);
  EXPECT_EQ(out[0].timer, 3);
  EXPECT_EQ(out[0].timer_expires_ms, 59000u);
  EXPECT_EQ(out[0].inode, 0u);
  EXPECT_EQ(out[0].cookie, 42u);
}

tcp_info sample_tcp_info() {
  tcp_info info{};
  info.tcpi_retransmits = 1;
  info.tcpi_probes = 4;
  info.tcpi_rtt = 1500;
  info.tcpi_rttvar = 300;
  info.tcpi_snd_cwnd = 10;
  info.tcpi_snd_ssthresh = 0x7fffffff;
  info.tcpi_total_retrans = 9;
  info.tcpi_lost = 2;
  info.tcpi_unacked = 3;
  info.tcpi_last_data_recv = 1234;
  info.tcpi_last_data_sent = 5678;
  info.tcpi_bytes_acked = 1ULL << 40;
  info.tcpi_bytes_received = 777;
  return info;
}

TEST(SockDiagParser, CopiesTcpInfoSubset) {
  auto message = make_inet_v4("10.0.0.1", 443, "10.0.0.2", 5000, tcp_state::established);
  message.idiag_timer = 4;
  message.idiag_retrans = 4;
  const tcp_info info = sample_tcp_info();
  NetlinkReplyBuilder reply;
  reply.begin_message(SOCK_DIAG_BY_FAMILY)
      .append_struct(message)
      .attribute_struct(INET_DIAG_INFO, info)
      .end_message();

  std::vector<Socket> out;
  const auto batch = parse_sock_diag_batch(reply.bytes(), Protocol::tcp, 1, out);
  ASSERT_EQ(batch.sockets, 1u);
  EXPECT_EQ(batch.malformed, 0u);
  const Socket& s = out[0];
  ASSERT_TRUE(s.has_tcp_info);
  EXPECT_EQ(s.tcp_info.rtt_us, 1500u);
  EXPECT_EQ(s.tcp_info.rttvar_us, 300u);
  EXPECT_EQ(s.tcp_info.snd_cwnd, 10u);
  EXPECT_EQ(s.tcp_info.snd_ssthresh, 0x7fffffffu);
  EXPECT_EQ(s.tcp_info.retransmits, 1u);
  EXPECT_EQ(s.tcp_info.total_retrans, 9u);
  EXPECT_EQ(s.tcp_info.lost, 2u);
  EXPECT_EQ(s.tcp_info.unacked, 3u);
  EXPECT_EQ(s.tcp_info.last_data_recv_ms, 1234u);
  EXPECT_EQ(s.tcp_info.last_data_sent_ms, 5678u);
  EXPECT_EQ(s.tcp_info.bytes_acked, 1ULL << 40);
  EXPECT_EQ(s.tcp_info.bytes_received, 777u);
  EXPECT_EQ(s.tcp_info.probes, 4u);
  // With tcp_info both counters come from it, as /proc prints them.
  EXPECT_EQ(s.retransmits, 1);
  EXPECT_EQ(s.probes, 4);
}

TEST(SockDiagParser, ShortTcpInfoFromOlderKernelLeavesNewerFieldsZero) {
  auto message = make_inet_v4("10.0.0.1", 443, "10.0.0.2", 5000, tcp_state::established);
  const tcp_info info = sample_tcp_info();
  // Linux 2.6's struct tcp_info ended before tcpi_pacing_rate.
  const size_t old_length = offsetof(tcp_info, tcpi_pacing_rate);
  NetlinkReplyBuilder reply;
  reply.begin_message(SOCK_DIAG_BY_FAMILY)
      .append_struct(message)
      .attribute(INET_DIAG_INFO, &info, old_length)
      .end_message();

  std::vector<Socket> out;
  const auto batch = parse_sock_diag_batch(reply.bytes(), Protocol::tcp, 1, out);
  ASSERT_EQ(batch.sockets, 1u);
  EXPECT_EQ(batch.malformed, 0u);
  ASSERT_TRUE(out[0].has_tcp_info);
  EXPECT_EQ(out[0].tcp_info.rtt_us, 1500u);
  EXPECT_EQ(out[0].tcp_info.total_retrans, 9u);
  EXPECT_EQ(out[0].tcp_info.bytes_acked, 0u);
  EXPECT_EQ(out[0].tcp_info.bytes_received, 0u);
}

TEST(SockDiagParser, LongerTcpInfoFromNewerKernelIsAccepted) {
  auto message = make_inet_v4("10.0.0.1", 443, "10.0.0.2", 5000, tcp_state::established);
  std::vector<uint8_t> longer(sizeof(tcp_info) + 64, 0xee);
  const tcp_info info = sample_tcp_info();
  std::memcpy(longer.data(), &info, sizeof info);
  NetlinkReplyBuilder reply;
  reply.begin_message(SOCK_DIAG_BY_FAMILY)
      .append_struct(message)
      .attribute(INET_DIAG_INFO, longer.data(), longer.size())
      .end_message();
  std::vector<Socket> out;
  ASSERT_EQ(parse_sock_diag_batch(reply.bytes(), Protocol::tcp, 1, out).sockets, 1u);
  EXPECT_EQ(out[0].tcp_info.bytes_received, 777u);
}

TEST(SockDiagParser, IgnoresTcpInfoOnUdp) {
  auto message = make_inet_v4("0.0.0.0", 53, "0.0.0.0", 0, tcp_state::close);
  const tcp_info info = sample_tcp_info();
  NetlinkReplyBuilder reply;
  reply.begin_message(SOCK_DIAG_BY_FAMILY)
      .append_struct(message)
      .attribute_struct(INET_DIAG_INFO, info)
      .end_message();
  std::vector<Socket> out;
  ASSERT_EQ(parse_sock_diag_batch(reply.bytes(), Protocol::udp, 1, out).sockets, 1u);
  EXPECT_EQ(out[0].protocol, Protocol::udp);
  EXPECT_FALSE(out[0].has_tcp_info);
}

TEST(SockDiagParser, RawSocketProtocolComesFromLocalPort) {
  const auto icmp = make_inet_v4("0.0.0.0", IPPROTO_ICMP, "0.0.0.0", 0, tcp_state::close);
  const auto icmp6 = make_inet_v6("::", IPPROTO_ICMPV6, "::", 0, tcp_state::close);
  NetlinkReplyBuilder reply;
  reply.begin_message(SOCK_DIAG_BY_FAMILY).append_struct(icmp).end_message();
  reply.begin_message(SOCK_DIAG_BY_FAMILY).append_struct(icmp6).end_message();
  std::vector<Socket> out;
  ASSERT_EQ(parse_sock_diag_batch(reply.bytes(), Protocol::raw, 1, out).sockets, 2u);
  EXPECT_EQ(out[0].protocol, Protocol::raw);
  EXPECT_EQ(out[0].raw_protocol, IPPROTO_ICMP);
  EXPECT_EQ(out[0].local.port, IPPROTO_ICMP);
  EXPECT_EQ(out[1].raw_protocol, IPPROTO_ICMPV6);
}

TEST(SockDiagParser, AppendsAcrossBatchesAndStopsAtDone) {
  std::vector<Socket> out(2);  // what an earlier dump of this snapshot left
  NetlinkReplyBuilder first;
  first.begin_message(SOCK_DIAG_BY_FAMILY)
      .append_struct(make_inet_v4("10.0.0.1", 1, "10.0.0.2", 2, tcp_state::established))
      .end_message();
  first.begin_message(SOCK_DIAG_BY_FAMILY)
      .append_struct(make_inet_v4("10.0.0.1", 3, "10.0.0.2", 4, tcp_state::established))
      .end_message();
  const auto batch1 = parse_sock_diag_batch(first.bytes(), Protocol::tcp, 1, out);
  EXPECT_EQ(batch1.sockets, 2u);
  EXPECT_FALSE(batch1.finished);

  NetlinkReplyBuilder second;
  second.done();
  // Anything after NLMSG_DONE is not part of this dump.
  second.begin_message(SOCK_DIAG_BY_FAMILY)
      .append_struct(make_inet_v4("10.0.0.1", 5, "10.0.0.2", 6, tcp_state::established))
      .end_message();
  const auto batch2 = parse_sock_diag_batch(second.bytes(), Protocol::tcp, 1, out);
  EXPECT_TRUE(batch2.finished);
  EXPECT_EQ(batch2.error, 0);
  EXPECT_EQ(batch2.sockets, 0u);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[2].local.port, 1);
  EXPECT_EQ(out[3].local.port, 3);
}

TEST(SockDiagParser, ReportsNlmsgError) {
  NetlinkReplyBuilder reply;
  reply.error(-ENOENT);
  std::vector<Socket> out;
  const auto batch = parse_sock_diag_batch(reply.bytes(), Protocol::raw, 1, out);
  EXPECT_TRUE(batch.finished);
  EXPECT_EQ(batch.error, ENOENT);
  EXPECT_TRUE(out.empty());
}

TEST(SockDiagParser, ReportsFailedDoneStatus) {
  NetlinkReplyBuilder reply;
  reply.done(1, -EINTR);
  std::vector<Socket> out;
  const auto batch = parse_sock_diag_batch(reply.bytes(), Protocol::tcp, 1, out);
  EXPECT_TRUE(batch.finished);
  EXPECT_EQ(batch.error, EINTR);
}

// Found by sock_diag_fuzzer: negating INT_MIN is undefined (UBSan stopped there).
TEST(SockDiagParser, StatusOfIntMinIsAProtocolError) {
  NetlinkReplyBuilder done;
  done.done(1, std::numeric_limits<int>::min());
  std::vector<Socket> out;
  EXPECT_EQ(parse_sock_diag_batch(done.bytes(), Protocol::tcp, 1, out).error, EPROTO);
  NetlinkReplyBuilder error;
  error.error(std::numeric_limits<int>::min());
  EXPECT_EQ(parse_sock_diag_batch(error.bytes(), Protocol::tcp, 1, out).error, EPROTO);
}

TEST(SockDiagParser, FlagsInterruptedDump) {
  NetlinkReplyBuilder reply;
  reply.begin_message(SOCK_DIAG_BY_FAMILY, 1, NLM_F_MULTI | NLM_F_DUMP_INTR)
      .append_struct(make_inet_v4("10.0.0.1", 1, "10.0.0.2", 2, tcp_state::established))
      .end_message();
  std::vector<Socket> out;
  const auto batch = parse_sock_diag_batch(reply.bytes(), Protocol::tcp, 1, out);
  EXPECT_TRUE(batch.interrupted);
  EXPECT_EQ(batch.sockets, 1u);
}

TEST(SockDiagParser, SkipsMessagesOfAnotherSequence) {
  NetlinkReplyBuilder reply;
  reply.begin_message(SOCK_DIAG_BY_FAMILY, 6)
      .append_struct(make_inet_v4("10.0.0.1", 1, "10.0.0.2", 2, tcp_state::established))
      .end_message();
  reply.done(6);  // the end of the older dump must not end this one
  reply.begin_message(SOCK_DIAG_BY_FAMILY, 7)
      .append_struct(make_inet_v4("10.0.0.1", 3, "10.0.0.2", 4, tcp_state::established))
      .end_message();
  std::vector<Socket> out;
  const auto batch = parse_sock_diag_batch(reply.bytes(), Protocol::tcp, 7, out);
  EXPECT_EQ(batch.stale, 2u);
  EXPECT_FALSE(batch.finished);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].local.port, 3);
}

}  // namespace
}  // namespace netsnap
