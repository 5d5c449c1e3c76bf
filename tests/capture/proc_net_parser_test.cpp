// proc_net_parser on literal /proc/net text, laid out exactly as the kernel prints it
// (rows copied from a 6.x kernel and edited).
#include "proc_net_parser.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <string>

#include "capture/sock_diag_test_messages.h"

namespace netsnap {
namespace {

using test::model_address;

constexpr std::string_view kTcpHeader =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode                                                     \n";

TEST(ProcNetTcp, ListenerEstablishedAndTimeWait) {
  const std::string contents =
      std::string(kTcpHeader) +
      "   0: 0100007F:0277 00000000:0000 0A 00000000:00000003 00:00000000 00000000     0    "
      "    0 21805 1 000000002877f1c5 100 0 0 10 0                      \n"
      "   1: 0A00000A:0016 0300000A:D431 01 00000024:00000000 01:0000001E 00000002  1000    "
      "    1 33102 4 0000000076a9e2b1 204 4 30 10 -1                    \n"
      "   2: 0A00000A:9C40 0300000A:0050 06 00000000:00000000 03:00001770 00000000     0    "
      "    0 0 3 00000000c2b1a0f3                                       \n";
  std::vector<Socket> out;
  const auto stats = parse_proc_net_inet(contents, AF_INET, Protocol::tcp, 100, out);
  EXPECT_EQ(stats.malformed, 0u);
  ASSERT_EQ(stats.sockets, 3u);
  ASSERT_EQ(out.size(), 3u);

  const Socket& listener = out[0];
  EXPECT_EQ(listener.family, AF_INET);
  EXPECT_EQ(listener.protocol, Protocol::tcp);
  EXPECT_EQ(listener.state, tcp_state::listen);
  EXPECT_EQ(listener.local.address, model_address(AF_INET, "127.0.0.1"));
  EXPECT_EQ(listener.local.port, 631);
  EXPECT_EQ(listener.remote.address, model_address(AF_INET, "0.0.0.0"));
  EXPECT_EQ(listener.remote.port, 0);
  EXPECT_EQ(listener.recv_q, 3u);  // accept queue
  EXPECT_EQ(listener.send_q, 0u);
  EXPECT_EQ(listener.inode, 21805u);
  EXPECT_EQ(listener.cookie, 0u);

  const Socket& established = out[1];
  EXPECT_EQ(established.state, tcp_state::established);
  EXPECT_EQ(established.local.address, model_address(AF_INET, "10.0.0.10"));
  EXPECT_EQ(established.local.port, 22);
  EXPECT_EQ(established.remote.address, model_address(AF_INET, "10.0.0.3"));
  EXPECT_EQ(established.remote.port, 0xD431);
  EXPECT_EQ(established.send_q, 0x24u);  // tx_queue comes first in /proc
  EXPECT_EQ(established.recv_q, 0u);
  EXPECT_EQ(established.timer, 1);
  EXPECT_EQ(established.timer_expires_ms, 300u);  // 0x1E = 30 ticks at 100 Hz
  EXPECT_EQ(established.retransmits, 2);
  EXPECT_EQ(established.uid, 1000u);
  EXPECT_EQ(established.probes, 1);
  EXPECT_EQ(established.inode, 33102u);

  const Socket& time_wait = out[2];
  EXPECT_EQ(time_wait.state, tcp_state::time_wait);
  EXPECT_EQ(time_wait.timer, 3);
  EXPECT_EQ(time_wait.timer_expires_ms, 60000u);  // 0x1770 = 6000 ticks
  EXPECT_EQ(time_wait.inode, 0u);
  EXPECT_EQ(time_wait.uid, 0u);
  EXPECT_EQ(time_wait.remote.port, 80);
}

TEST(ProcNetTcp, TicksPerSecondScalesTimers) {
  const std::string row =
      "   0: 0100007F:0277 0100007F:9000 01 00000000:00000000 02:000000FA 00000000     0    "
      "    0 5 1 0000000000000000 20 4 30 10 -1\n";
  std::vector<Socket> out;
  ASSERT_EQ(parse_proc_net_inet(row, AF_INET, Protocol::tcp, 250, out).sockets, 1u);
  EXPECT_EQ(out[0].timer, 2);
  EXPECT_EQ(out[0].timer_expires_ms, 1000u);  // 250 ticks at 250 Hz
}

TEST(ProcNetTcp6, LoopbackAnyAndV4Mapped) {
  const std::string contents =
      "  sl  local_address                         remote_address                        st "
      "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      "   0: 00000000000000000000000001000000:0CEA 00000000000000000000000000000000:0000 0A "
      "00000000:00000000 00:00000000 00000000   105        0 2501 1 0000000000000000 100 0 0 "
      "10 0\n"
      "   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:B3C2 01 "
      "00000000:00000010 00:00000000 00000000     0        0 4711 1 0000000000000000 20 4 30 "
      "10 -1\n"
      "   2: 000080FE00000000FF020000030000FE:0016 00000000000000000000000000000000:0000 0A "
      "00000000:00000000 00:00000000 00000000     0        0 4712 1 0000000000000000 100 0 0 "
      "10 0\n";
  std::vector<Socket> out;
  const auto stats = parse_proc_net_inet(contents, AF_INET6, Protocol::tcp, 100, out);
  EXPECT_EQ(stats.malformed, 0u);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].family, AF_INET6);
  EXPECT_EQ(out[0].local.address, model_address(AF_INET6, "::1"));
  EXPECT_EQ(out[0].local.port, 3306);
  EXPECT_EQ(out[0].remote.address, model_address(AF_INET6, "::"));
  EXPECT_EQ(out[0].uid, 105u);
  // An IPv4-mapped address stays an IPv6 address, as the kernel has it.
  EXPECT_EQ(out[1].local.address, model_address(AF_INET6, "::ffff:127.0.0.1"));
  EXPECT_EQ(out[1].local.port, 8080);
  EXPECT_EQ(out[1].remote.address, model_address(AF_INET6, "::ffff:127.0.0.1"));
  EXPECT_EQ(out[1].recv_q, 16u);
  EXPECT_EQ(out[2].local.address, model_address(AF_INET6, "fe80::2ff:fe00:3"));
  EXPECT_EQ(out[2].local.scope_id, 0u);  // /proc drops the scope
}

TEST(ProcNetUdpRaw, UnconnectedConnectedAndRawProtocol) {
  const std::string udp =
      "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
      "timeout inode ref pointer drops            \n"
      "  112: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101    "
      "    0 17301 2 00000000d3d5ba5a 0          \n"
      "  200: 0100007F:A000 0100007F:0035 01 00000000:00000300 00:00000000 00000000     0    "
      "    0 17302 2 0000000000000000 5          \n";
  std::vector<Socket> out;
  ASSERT_EQ(parse_proc_net_inet(udp, AF_INET, Protocol::udp, 100, out).sockets, 2u);
  EXPECT_EQ(out[0].protocol, Protocol::udp);
  EXPECT_EQ(out[0].state, tcp_state::close);
  EXPECT_EQ(out[0].local.address, model_address(AF_INET, "127.0.0.53"));
  EXPECT_EQ(out[0].local.port, 53);
  EXPECT_EQ(out[1].state, tcp_state::established);
  EXPECT_EQ(out[1].recv_q, 0x300u);

  const std::string raw6 =
      "  sl  local_address                         remote_address                        st "
      "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
      "  127: 00000000000000000000000000000000:003A 00000000000000000000000000000000:0000 07 "
      "00000000:00000000 00:00000000 00000000     0        0 29858 2 00000000331eb275 0\n";
  ASSERT_EQ(parse_proc_net_inet(raw6, AF_INET6, Protocol::raw, 100, out).sockets, 1u);
  EXPECT_EQ(out[2].protocol, Protocol::raw);
  EXPECT_EQ(out[2].raw_protocol, 58);  // ICMPv6
  EXPECT_EQ(out[2].local.port, 58);
}

TEST(ProcNetInet, MalformedLinesAreSkippedAndCounted) {
  const std::string good =
      "   0: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0    "
      "    0 21805 1 000000002877f1c5 100 0 0 10 0\n";
  const std::string contents =
      std::string(kTcpHeader) + good +
      "   1: 0100007F:0277 00000000:0000 0A\n"  // cut short
      "   2: 0100007G:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 7\n"
      "   3: 00000000000000000000000001000000:0016 00000000:0000 0A 00000000:00000000 "
      "00:00000000 00000000 0 0 8\n"  // v6 in a v4 file
      "   4: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000 -5 0 9\n"
      "   5: 0100007F:12345 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 9\n"
      "garbage without structure\n"
      "\n" +
      good;
  std::vector<Socket> out(1);  // earlier tables of the same snapshot stay
  const auto stats = parse_proc_net_inet(contents, AF_INET, Protocol::tcp, 100, out);
  EXPECT_EQ(stats.sockets, 2u);
  EXPECT_EQ(stats.malformed, 6u);
  EXPECT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1].inode, 21805u);
  EXPECT_EQ(out[2].inode, 21805u);
}

TEST(ProcNetInet, EmptyAndHeaderOnlyFiles) {
  std::vector<Socket> out;
  EXPECT_EQ(parse_proc_net_inet("", AF_INET, Protocol::tcp, 100, out).malformed, 0u);
  EXPECT_EQ(parse_proc_net_inet(kTcpHeader, AF_INET, Protocol::tcp, 100, out).malformed, 0u);
  EXPECT_TRUE(out.empty());
}

constexpr std::string_view kUnixHeader =
    "Num       RefCount Protocol Flags    Type St Inode Path\n";

TEST(ProcNetUnix, ListenerPathsAbstractAndEmbryos) {
  const std::string contents =
      std::string(kUnixHeader) +
      "000000008dabefa2: 00000002 00000000 00010000 0001 01 21001 /run/app.sock\n"
      "00000000ac2deb42: 00000003 00000000 00000000 0001 03 21002 /run/my app/with spaces.sock\n"
      "0000000011111111: 00000002 00000000 00010000 0005 01 21003 @bus/abstract\n"
      "0000000022222222: 00000002 00000000 00000000 0001 02     0 /run/app.sock\n"
      "0000000033333333: 00000003 00000000 00000000 0002 03    44\n"
      "0000000044444444: 00000001 00000000 00000000 0001 04     0\n";
  std::vector<Socket> out;
  const auto stats = parse_proc_net_unix(contents, out);
  EXPECT_EQ(stats.malformed, 0u);
  ASSERT_EQ(out.size(), 6u);

  EXPECT_EQ(out[0].family, AF_UNIX);
  EXPECT_EQ(out[0].protocol, Protocol::unix_);
  EXPECT_EQ(out[0].unix_flags, unix_flag_accepting);
  EXPECT_EQ(out[0].unix_type, 1);
  EXPECT_EQ(out[0].state, unix_state::unconnected);
  EXPECT_EQ(out[0].ref_count, 2u);
  EXPECT_EQ(out[0].inode, 21001u);
  EXPECT_EQ(out[0].unix_path, "/run/app.sock");

  EXPECT_EQ(out[1].unix_path, "/run/my app/with spaces.sock");  // whole name, unlike netstat
  EXPECT_EQ(out[1].state, unix_state::connected);

  EXPECT_EQ(out[2].unix_type, 5);  // SOCK_SEQPACKET
  EXPECT_EQ(out[2].unix_path, std::string("\0bus/abstract", 13));

  // Not yet accepted: no inode, "connecting", carries the listener's name.
  EXPECT_EQ(out[3].inode, 0u);
  EXPECT_EQ(out[3].state, unix_state::connecting);
  EXPECT_EQ(out[3].unix_path, "/run/app.sock");

  EXPECT_EQ(out[4].unix_type, 2);
  EXPECT_EQ(out[4].inode, 44u);
  EXPECT_TRUE(out[4].unix_path.empty());
  EXPECT_EQ(out[5].state, unix_state::disconnecting);
}

TEST(ProcNetUnix, NameWithNewlineIsJoinedBack) {
  const std::string contents =
      std::string(kUnixHeader) +
      "0000000011111111: 00000002 00000000 00010000 0001 01 300 /tmp/evil\n"
      "0000000022222222: 00000002 00000000 00000000 0001 01 301 /tmp/x\n"
      "name\n"
      "0000000033333333: 00000002 00000000 00000000 0001 01 302 /tmp/ends-in-newline\n"
      "\n"
      "0000000044444444: 00000002 00000000 00000000 0001 01 303\n";
  std::vector<Socket> out;
  const auto stats = parse_proc_net_unix(contents, out);
  EXPECT_EQ(stats.malformed, 0u);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].unix_path, "/tmp/evil");
  EXPECT_EQ(out[1].unix_path, "/tmp/x\nname");
  EXPECT_EQ(out[2].unix_path, "/tmp/ends-in-newline\n");
  EXPECT_EQ(out[3].inode, 303u);
}

TEST(ProcNetUnix, MalformedLinesAreSkippedAndCounted) {
  const std::string contents =
      std::string(kUnixHeader) +
      "0000000011111111: 00000002 00000000 00000000 0001 01\n"      // no inode
      "0000000011111111 00000002 00000000 00000000 0001 01 12\n"    // slot without colon
      "0000000011111111: 0000000Z 00000000 00000000 0001 01 12\n"   // bad hex
      "0000000011111111: 00000002 00000000 00000000 0001 01 -12\n"  // negative inode
      "0000000011111111: 00000002 00000000 00000000 0001 01 12 /ok\n";
  std::vector<Socket> out;
  const auto stats = parse_proc_net_unix(contents, out);
  EXPECT_EQ(stats.malformed, 4u);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].unix_path, "/ok");
}

TEST(SockstatEstimate, UsedSocketsPlusTimeWait) {
  const std::string sockstat =
      "sockets: used 100231\n"
      "TCP: inuse 100012 orphan 0 tw 303 alloc 100040 mem 12\n"
      "UDP: inuse 3 mem 2\n"
      "UDPLITE: inuse 0\n"
      "RAW: inuse 0\n"
      "FRAG: inuse 0 memory 0\n";
  EXPECT_EQ(parse_sockstat_socket_estimate(sockstat), 100534u);
  EXPECT_EQ(parse_sockstat_socket_estimate("sockets: used 7\n"), 7u);  // no TCP line
  EXPECT_EQ(parse_sockstat_socket_estimate("TCP: inuse 1 orphan 0 tw 9 alloc 1 mem 0"), 9u);
}

TEST(SockstatEstimate, DamagedOrHugeGivesNoEstimate) {
  EXPECT_EQ(parse_sockstat_socket_estimate(""), 0u);
  EXPECT_EQ(parse_sockstat_socket_estimate("sockets: used\nTCP: inuse 5"), 0u);
  EXPECT_EQ(parse_sockstat_socket_estimate("sockets: used 99999999999\n"), 0u);
  EXPECT_EQ(parse_sockstat_socket_estimate(std::string(1000, '\0')), 0u);
}

}  // namespace
}  // namespace netsnap
