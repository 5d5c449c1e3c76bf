// Which socket is which between two snapshots: by cookie, else by 4-tuple + inode.
#include "snapshot_diff.h"

#include <gtest/gtest.h>

#include "analyzer/netstat_test_sockets.h"

namespace netsnap::analysis {
namespace {

using netstat_test::snapshot_of;
using netstat_test::tcp;

Socket with_ids(Socket socket, uint64_t inode, uint64_t cookie) {
  socket.inode = inode;
  socket.cookie = cookie;
  return socket;
}

TEST(SnapshotDiff, OpenedClosedAndChangedByCookie) {
  const Socket kept =
      with_ids(tcp("10.0.0.1", 22, "10.0.0.2", 5000, tcp_state::established), 10, 1);
  const Socket gone =
      with_ids(tcp("10.0.0.1", 22, "10.0.0.3", 5001, tcp_state::established), 11, 2);
  const Socket fresh =
      with_ids(tcp("10.0.0.1", 22, "10.0.0.4", 5002, tcp_state::established), 12, 3);
  Socket moved = kept;
  moved.state = tcp_state::close_wait;
  moved.recv_q = 1;
  const Snapshot from = snapshot_of({kept, gone});
  const Snapshot to = snapshot_of({fresh, moved});
  const SnapshotDiff diff = diff_snapshots(from, to);
  ASSERT_EQ(diff.opened.size(), 1u);
  EXPECT_EQ(diff.opened[0].socket->cookie, 3u);
  ASSERT_EQ(diff.closed.size(), 1u);
  EXPECT_EQ(diff.closed[0].socket->cookie, 2u);
  ASSERT_EQ(diff.changed.size(), 1u);
  EXPECT_EQ(diff.changed[0].first.socket->state, tcp_state::established);
  EXPECT_EQ(diff.changed[0].second.socket->state, tcp_state::close_wait);
  EXPECT_EQ(diff.changed[0].second.netns, 4026531840u);
}

TEST(SnapshotDiff, OnlyStateAndQueuesCountAsAChange) {
  Socket a = with_ids(tcp("10.0.0.1", 22, "10.0.0.2", 5000, tcp_state::established), 10, 1);
  Socket b = a;
  b.timer = 2;
  b.timer_expires_ms = 1000;
  b.owners = {42};
  EXPECT_TRUE(diff_snapshots(snapshot_of({a}), snapshot_of({b})).changed.empty());
  b.send_q = 5;
  EXPECT_EQ(diff_snapshots(snapshot_of({a}), snapshot_of({b})).changed.size(), 1u);
}

TEST(SnapshotDiff, WithoutCookiesTheFourTupleAndInodeDecide) {
  const Socket a = with_ids(tcp("10.0.0.1", 22, "10.0.0.2", 5000, tcp_state::established), 10, 0);
  Socket same = a;
  same.send_q = 9;
  Socket other_inode = a;  // same ports, another socket (the port was reused)
  other_inode.inode = 99;
  // The diff points into both snapshots: they must outlive it.
  const Snapshot before = snapshot_of({a}), after = snapshot_of({same, other_inode});
  const SnapshotDiff diff = diff_snapshots(before, after);
  EXPECT_EQ(diff.changed.size(), 1u);
  ASSERT_EQ(diff.opened.size(), 1u);
  EXPECT_EQ(diff.opened[0].socket->inode, 99u);
  EXPECT_TRUE(diff.closed.empty());
}

TEST(SnapshotDiff, DifferentCookiesAreDifferentSocketsEvenWithEqualTuples) {
  // A TIME_WAIT (inode 0) replaced by a new one on the same ports between the snapshots.
  const Socket old_tw =
      with_ids(tcp("10.0.0.1", 40000, "10.0.0.9", 80, tcp_state::time_wait), 0, 7);
  const Socket new_tw =
      with_ids(tcp("10.0.0.1", 40000, "10.0.0.9", 80, tcp_state::time_wait), 0, 8);
  const SnapshotDiff diff = diff_snapshots(snapshot_of({old_tw}), snapshot_of({new_tw}));
  EXPECT_EQ(diff.opened.size(), 1u);
  EXPECT_EQ(diff.closed.size(), 1u);
  EXPECT_TRUE(diff.changed.empty());
}

TEST(SnapshotDiff, AfterARebootCookiesMeanNothing) {
  // The kernel's cookie counter restarts at boot: cookie 7 names another socket now.
  const Socket before =
      with_ids(tcp("10.0.0.1", 22, "10.0.0.2", 5000, tcp_state::established), 10, 7);
  const Socket after =
      with_ids(tcp("10.0.0.1", 80, "10.0.0.3", 6000, tcp_state::established), 11, 7);
  const SnapshotDiff same_boot = diff_snapshots(snapshot_of({before}), snapshot_of({after}));
  EXPECT_EQ(same_boot.changed.size(), 0u);  // same cookie, same state: "unchanged"
  EXPECT_EQ(same_boot.opened.size(), 0u);
  const SnapshotDiff rebooted = diff_snapshots(snapshot_of({before}), snapshot_of({after}), false);
  EXPECT_EQ(rebooted.opened.size(), 1u);
  EXPECT_EQ(rebooted.closed.size(), 1u);
  // Without cookies the 4-tuple + inode still pair a socket that survived (a recording cannot
  // hold one across a reboot, but a /proc capture has no cookies at all).
  Socket kept = before;
  kept.cookie = 99;
  EXPECT_TRUE(diff_snapshots(snapshot_of({before}), snapshot_of({kept}), false).opened.empty());
}

TEST(SnapshotDiff, TwinsWithoutIdentityPairInOrderAndNamespacesKeepThemApart) {
  const Socket queued = netstat_test::unix_socket(1, unix_state::connecting, 0, 0, "/run/a.sock");
  Snapshot from = snapshot_of({queued, queued});
  Snapshot to = snapshot_of({queued, queued, queued});
  EXPECT_EQ(diff_snapshots(from, to).opened.size(), 1u);
  to.namespaces[0].inode = 1234;  // same sockets, another namespace: all new
  const SnapshotDiff moved = diff_snapshots(from, to);
  EXPECT_EQ(moved.opened.size(), 3u);
  EXPECT_EQ(moved.closed.size(), 2u);
}

}  // namespace
}  // namespace netsnap::analysis
