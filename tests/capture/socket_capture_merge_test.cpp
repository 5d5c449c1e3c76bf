// The /proc/net/unix join, the snapshot order and duplicate removal, on hand-made sockets.
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

  const auto stats = merge_proc_unix(sockets, 1, 4, proc_rows);
  EXPECT_EQ(stats.ref_counts_filled, 2u);
  EXPECT_EQ(stats.added, 2u);
  ASSERT_EQ(sockets.size(), 6u);
  EXPECT_EQ(sockets[0].protocol, Protocol::tcp);  // outside the range: untouched
  // The range is now ordered by inode.
  EXPECT_EQ(sockets[1].inode, 10u);
  EXPECT_EQ(sockets[1].ref_count, 3u);
  EXPECT_EQ(sockets[1].cookie, 1u);  // netlink's fields stay
  EXPECT_EQ(sockets[2].inode, 20u);
  EXPECT_EQ(sockets[2].ref_count, 2u);
  EXPECT_EQ(sockets[3].inode, 30u);
  EXPECT_EQ(sockets[3].ref_count, 0u);  // closed before /proc was read
  EXPECT_EQ(sockets[4].inode, 0u);
  EXPECT_EQ(sockets[4].state, unix_state::connecting);
  EXPECT_EQ(sockets[4].unix_path, "/run/a");
  EXPECT_EQ(sockets[5].inode, 40u);
}

TEST(SocketCaptureMerge, DuplicateFromTheDumpGetsRefCountOnBothCopies) {
  std::vector<Socket> sockets = {unix_socket(10, 1), unix_socket(10, 1)};
  std::vector<Socket> proc_rows = {unix_socket(10, 0)};
  proc_rows[0].ref_count = 2;
  merge_proc_unix(sockets, 0, 2, proc_rows);
  EXPECT_EQ(sockets[0].ref_count, 2u);
  EXPECT_EQ(sockets[1].ref_count, 2u);
  sort_sockets(sockets);
  EXPECT_EQ(remove_duplicate_sockets(sockets), 1u);
  EXPECT_EQ(sockets.size(), 1u);
}

TEST(SocketCaptureMerge, OrderGroupsByProtocolAndFamily) {
  std::vector<Socket> sockets = {unix_socket(5, 9), tcp_socket(AF_INET6, 22, 4, 1),
                                 tcp_socket(AF_INET, 80, 7, 1), tcp_socket(AF_INET, 81, 2, 1)};
  Socket udp = tcp_socket(AF_INET, 53, 1, tcp_state::close);
  udp.protocol = Protocol::udp;
  sockets.push_back(udp);
  sort_sockets(sockets);
  EXPECT_EQ(sockets[0].local.port, 81);  // tcp, AF_INET, cookie 2
  EXPECT_EQ(sockets[1].local.port, 80);  // tcp, AF_INET, cookie 7
  EXPECT_EQ(sockets[2].family, AF_INET6);
  EXPECT_EQ(sockets[3].protocol, Protocol::udp);
  EXPECT_EQ(sockets[4].protocol, Protocol::unix_);
}

TEST(SocketCaptureMerge, ChangingStateOrQueuesKeepsThePosition) {
  std::vector<Socket> before;
  for (uint16_t port = 1; port <= 50; ++port) {
    before.push_back(tcp_socket(AF_INET, port, 100 - port, tcp_state::established));
  }
  std::vector<Socket> after = before;
  std::reverse(after.begin(), after.end());  // the next dump may list them in another order
  for (Socket& s : after) {
    s.state = s.local.port % 2 ? tcp_state::close_wait : tcp_state::established;
    s.recv_q = 1000u - s.local.port;
  }
  sort_sockets(before);
  sort_sockets(after);
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(before[i].cookie, after[i].cookie) << i;
  }
}

TEST(SocketCaptureMerge, ProcSocketsWithoutCookieAreNeverMerged) {
  // Two connections waiting in one listener's queue look identical in /proc: both are real.
  std::vector<Socket> sockets = {unix_socket(0, 0, "/run/a"), unix_socket(0, 0, "/run/a"),
                                 tcp_socket(AF_INET, 80, 5, 1), tcp_socket(AF_INET, 80, 5, 1),
                                 tcp_socket(AF_INET, 80, 6, 1)};
  sort_sockets(sockets);
  EXPECT_EQ(remove_duplicate_sockets(sockets), 1u);
  ASSERT_EQ(sockets.size(), 4u);
  EXPECT_EQ(std::count_if(sockets.begin(), sockets.end(),
                          [](const Socket& s) { return s.protocol == Protocol::unix_; }),
            2);
}

TEST(SnapshotOrder, SortingByEntriesMatchesTheFullOrderOnAMixOfSockets) {
  // Protocols, families, cookies (0 for /proc captures: the full comparison decides), equal
  // cookies, and long UNIX names that live on the heap, in a scrambled order.
  std::vector<Socket> sockets;
  uint32_t seed = 12345;
  const auto next = [&] { return seed = seed * 1103515245 + 12345, (seed >> 8) & 0xffff; };
  for (int i = 0; i < 2000; ++i) {
    Socket s = next() % 3 == 0 ? unix_socket(next(), next() % 4 ? next() : 0,
                                             "/run/a/rather/long/path/" + std::to_string(next()))
                               : tcp_socket(next() % 2 ? AF_INET : AF_INET6,
                                            static_cast<uint16_t>(next()), next() % 5 ? next() % 700 : 0,
                                            static_cast<uint8_t>(1 + next() % 11));
    s.recv_q = next() % 3;
    if (next() % 2) s.owners = {static_cast<int32_t>(next()), 7, 8, 9};  // spilled owners
    sockets.push_back(std::move(s));
  }
  std::vector<Socket> expected = sockets;
  std::stable_sort(expected.begin(), expected.end(), socket_order_less);
  sort_sockets(sockets);
  ASSERT_EQ(sockets.size(), expected.size());
  EXPECT_TRUE(std::is_sorted(sockets.begin(), sockets.end(), socket_order_less));
  // The same sockets, in the same order up to sockets the order cannot tell apart.
  for (size_t i = 0; i < sockets.size(); ++i) {
    EXPECT_FALSE(socket_order_less(sockets[i], expected[i]) ||
                 socket_order_less(expected[i], sockets[i]))
        << "position " << i;
  }
  std::vector<Socket> a = sockets, b = expected;
  const auto by_everything = [](const Socket& x, const Socket& y) {
    if (socket_order_less(x, y)) return true;
    if (socket_order_less(y, x)) return false;
    return std::lexicographical_compare(x.owners.begin(), x.owners.end(), y.owners.begin(),
                                        y.owners.end());
  };
  std::stable_sort(a.begin(), a.end(), by_everything);
  std::stable_sort(b.begin(), b.end(), by_everything);
  EXPECT_TRUE(a == b);  // nothing lost, duplicated or altered by the moves
}

}  // namespace
}  // namespace netsnap
