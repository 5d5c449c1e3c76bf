// The /proc/net/unix join and duplicate removal, on hand-made sockets.
#include "socket_capture_merge.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <algorithm>
#include <string>

namespace netsnap {
namespace {

Socket unix_socket(uint64_t inode, uint64_t cookie, std::string path = {}) {
  Socket s;
  s.family = AF_UNIX;
  s.protocol = Protocol::unix_;
  s.unix_type = 1;
  s.state = unix_state::connected;
  s.inode = inode;
  s.cookie = cookie;
  s.unix_path = std::move(path);
  return s;
}

Socket tcp_socket(uint8_t family, uint16_t local_port, uint64_t cookie, uint8_t state) {
  Socket s;
  s.family = family;
  s.protocol = Protocol::tcp;
  s.state = state;
  s.local.port = local_port;
  s.cookie = cookie;
  s.inode = cookie + 1000;
  return s;
}

TEST(SocketCaptureMerge, UnixJoinFillsRefCountAndAddsWhatNetlinkSkips) {
  std::vector<Socket> sockets = {tcp_socket(AF_INET, 80, 1, tcp_state::listen), unix_socket(30, 3),
                                 unix_socket(10, 1, "/run/a"), unix_socket(20, 2)};
  std::vector<Socket> proc_rows = {unix_socket(10, 0, "/run/a"), unix_socket(20, 0),
                                   unix_socket(0, 0, "/run/a"), unix_socket(40, 0)};
  proc_rows[0].ref_count = 3;
  proc_rows[1].ref_count = 2;
  proc_rows[2].state = unix_state::connecting;
  proc_rows[2].ref_count = 1;

  std::vector<std::pair<uint64_t, uint32_t>> scratch;
  const auto stats = merge_proc_unix(sockets, 1, 4, proc_rows, scratch);
  EXPECT_EQ(stats.ref_counts_filled, 2u);
  EXPECT_EQ(stats.added, 2u);
  ASSERT_EQ(sockets.size(), 6u);
  EXPECT_EQ(sockets[0].protocol, Protocol::tcp);  // outside the range: untouched
  // The range keeps the dump's order.
  EXPECT_EQ(sockets[1].inode, 30u);
  EXPECT_EQ(sockets[1].ref_count, 0u);  // closed before /proc was read
  EXPECT_EQ(sockets[2].inode, 10u);
  EXPECT_EQ(sockets[2].ref_count, 3u);
  EXPECT_EQ(sockets[2].cookie, 1u);  // netlink's fields stay
  EXPECT_EQ(sockets[3].inode, 20u);
  EXPECT_EQ(sockets[3].ref_count, 2u);
  // What netlink did not report, appended in the file's order.
  EXPECT_EQ(sockets[4].inode, 0u);
  EXPECT_EQ(sockets[4].state, unix_state::connecting);
  EXPECT_EQ(sockets[4].unix_path, "/run/a");
  EXPECT_EQ(sockets[5].inode, 40u);
}

TEST(SocketCaptureMerge, DuplicateFromTheDumpGetsRefCountOnBothCopies) {
  std::vector<Socket> sockets = {unix_socket(10, 1), unix_socket(10, 1)};
  std::vector<Socket> proc_rows = {unix_socket(10, 0)};
  proc_rows[0].ref_count = 2;
  std::vector<std::pair<uint64_t, uint32_t>> scratch;
  merge_proc_unix(sockets, 0, 2, proc_rows, scratch);
  EXPECT_EQ(sockets[0].ref_count, 2u);
  EXPECT_EQ(sockets[1].ref_count, 2u);
  EXPECT_EQ(remove_duplicate_sockets(sockets), 1u);
  EXPECT_EQ(sockets.size(), 1u);
}

TEST(SocketCaptureMerge, DuplicatesGoAndTheRestKeepsItsOrder) {
  // A dump that repeated two sockets, apart: each later copy goes, nothing else moves.
  std::vector<Socket> sockets = {tcp_socket(AF_INET, 80, 7, 1), tcp_socket(AF_INET6, 22, 4, 1),
                                 tcp_socket(AF_INET, 81, 2, 1), tcp_socket(AF_INET, 80, 7, 1),
                                 unix_socket(5, 9, "/run/x"), tcp_socket(AF_INET6, 22, 4, 1)};
  // The same cookie in another protocol or family is another socket.
  Socket udp = tcp_socket(AF_INET, 53, 7, tcp_state::close);
  udp.protocol = Protocol::udp;
  sockets.push_back(udp);
  sockets.push_back(tcp_socket(AF_INET6, 80, 7, 1));
  EXPECT_EQ(remove_duplicate_sockets(sockets), 2u);
  ASSERT_EQ(sockets.size(), 6u);
  const uint16_t ports[] = {80, 22, 81, 0, 53, 80};
  for (size_t i = 0; i < sockets.size(); ++i) EXPECT_EQ(sockets[i].local.port, ports[i]) << i;
  EXPECT_EQ(sockets[3].protocol, Protocol::unix_);
  EXPECT_EQ(sockets[5].family, AF_INET6);
  // Called again (the recorder's next snapshot): nothing is kept from the last call.
  EXPECT_EQ(remove_duplicate_sockets(sockets), 0u);
  EXPECT_EQ(sockets.size(), 6u);
}

TEST(SocketCaptureMerge, ManyCookiesWithoutDuplicatesLoseNothing) {
  // Enough sockets to wrap the open-addressing table's probes; cookies in a dump's random order.
  std::vector<Socket> sockets;
  uint32_t seed = 12345;
  for (uint64_t i = 0; i < 20000; ++i) {
    seed = seed * 1103515245 + 12345;
    sockets.push_back(tcp_socket(i % 2 ? AF_INET : AF_INET6, static_cast<uint16_t>(i),
                                 (uint64_t{seed} << 20) + i, 1));
  }
  const std::vector<Socket> before = sockets;
  sockets.push_back(before[12345]);
  sockets.push_back(before[0]);
  EXPECT_EQ(remove_duplicate_sockets(sockets), 2u);
  EXPECT_TRUE(sockets == before);
}

TEST(SocketCaptureMerge, CookiesAlikeInTheirLowHalfAreDifferentSockets) {
  // The table keeps a tag of each cookie's hash that depends only on its low 32 bits: equal
  // tags must still be compared in full, and a real duplicate among them still goes.
  std::vector<Socket> sockets;
  for (uint64_t high = 1; high <= 300; ++high)
    sockets.push_back(tcp_socket(AF_INET, static_cast<uint16_t>(high), (high << 32) | 5, 1));
  const std::vector<Socket> before = sockets;
  sockets.push_back(before[150]);
  EXPECT_EQ(remove_duplicate_sockets(sockets), 1u);
  EXPECT_TRUE(sockets == before);
}

TEST(SocketCaptureMerge, ProcSocketsWithoutCookieAreNeverMerged) {
  // Two connections waiting in one listener's queue look identical in /proc: both are real.
  std::vector<Socket> sockets = {unix_socket(0, 0, "/run/a"), unix_socket(0, 0, "/run/a"),
                                 tcp_socket(AF_INET, 80, 5, 1), tcp_socket(AF_INET, 80, 5, 1),
                                 tcp_socket(AF_INET, 80, 6, 1)};
  EXPECT_EQ(remove_duplicate_sockets(sockets), 1u);
  ASSERT_EQ(sockets.size(), 4u);
  EXPECT_EQ(std::count_if(sockets.begin(), sockets.end(),
                          [](const Socket& s) { return s.protocol == Protocol::unix_; }),
            2);
}

}  // namespace
}  // namespace netsnap
