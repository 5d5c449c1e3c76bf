#include "timeline_grouping.h"

#include <gtest/gtest.h>

#include "analyzer/netstat_test_sockets.h"

namespace netsnap::analysis {
namespace {

using netstat_test::tcp;
using netstat_test::udp;

std::string column(TimelineGrouping& grouping, const Socket& socket,
                   const ProgramNames& programs = {}) {
  const uint32_t id = grouping.column_of(socket, programs);
  return id == TimelineGrouping::no_column ? "(none)" : grouping.column_names().at(id);
}

TEST(TimelineGrouping, StateColumnsInTheIssuesOrder) {
  TimelineGrouping grouping(TimelineGroupBy::state);
  EXPECT_EQ(grouping.column_names(),
            (std::vector<std::string>{"LISTEN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
                                      "FIN_WAIT2", "TIME_WAIT", "CLOSE_WAIT", "LAST_ACK", "CLOSING",
                                      "UDP", "UNIX", "Recv-Q", "Send-Q"}));
  EXPECT_EQ(column(grouping, tcp("1.1.1.1", 1, "2.2.2.2", 2, tcp_state::new_syn_recv)), "SYN_RECV");
  EXPECT_EQ(column(grouping, tcp("1.1.1.1", 1, "0.0.0.0", 0, tcp_state::close)), "(none)");
  EXPECT_EQ(column(grouping, udp("0.0.0.0", 53, "0.0.0.0", 0, tcp_state::close)), "UDP");
  EXPECT_EQ(column(grouping, netstat_test::unix_socket(1, 3, 0, 5, "")), "UNIX");
  EXPECT_FALSE(grouping.is_open_ended());
}

TEST(TimelineGrouping, QueueBytesLeaveListenersAndUnixOut) {
  EXPECT_FALSE(
      TimelineGrouping::counts_queue_bytes(tcp("0.0.0.0", 80, "0.0.0.0", 0, tcp_state::listen)));
  EXPECT_TRUE(TimelineGrouping::counts_queue_bytes(
      tcp("1.1.1.1", 80, "2.2.2.2", 9, tcp_state::established)));
  EXPECT_TRUE(
      TimelineGrouping::counts_queue_bytes(udp("0.0.0.0", 53, "0.0.0.0", 0, tcp_state::close)));
  EXPECT_FALSE(TimelineGrouping::counts_queue_bytes(netstat_test::unix_socket(1, 3, 0, 5, "")));
}

TEST(TimelineGrouping, ProtoIsNetstatsProtoColumn) {
  TimelineGrouping grouping(TimelineGroupBy::proto);
  EXPECT_EQ(column(grouping, tcp("::1", 1, "::1", 2, tcp_state::established)), "tcp6");
  Socket lite = udp("0.0.0.0", 5060, "0.0.0.0", 0, tcp_state::close);
  lite.protocol = Protocol::udplite;
  EXPECT_EQ(column(grouping, lite), "udpl");
}

TEST(TimelineGrouping, OpenEndedValuesNamedOnceAndMappedPeers) {
  TimelineGrouping ports(TimelineGroupBy::local_port);
  EXPECT_EQ(column(ports, tcp("0.0.0.0", 22, "0.0.0.0", 0, tcp_state::listen)), "22/tcp");
  EXPECT_EQ(column(ports, udp("0.0.0.0", 22, "0.0.0.0", 0, tcp_state::close)), "22/udp");
  EXPECT_EQ(column(ports, netstat_test::unix_socket(1, 3, 0, 5, "")), "(none)");
  EXPECT_TRUE(ports.is_open_ended());

  TimelineGrouping remotes(TimelineGroupBy::remote);
  const uint32_t v4 =
      remotes.column_of(tcp("10.0.0.1", 1, "10.0.0.9", 80, tcp_state::established), {});
  const uint32_t mapped = remotes.column_of(
      tcp("::ffff:10.0.0.1", 1, "::ffff:10.0.0.9", 80, tcp_state::established), {});
  EXPECT_EQ(v4, mapped);  // the same host
  EXPECT_EQ(remotes.column_names().at(v4), "10.0.0.9");
  EXPECT_EQ(column(remotes, tcp("0.0.0.0", 80, "0.0.0.0", 0, tcp_state::listen)), "(none)");
}

TEST(TimelineGrouping, ProgramsByCommElseArgv0AndDashForNone) {
  Process named = netstat_test::process(7, "postgres: 15/main: app appdb 10.0.0.5(42018) idle");
  named.comm = "postgres";
  const Process bare = netstat_test::process(8, "/usr/bin/thing");
  ProgramNames programs;
  programs.rebuild({named, bare});
  TimelineGrouping grouping(TimelineGroupBy::program);
  Socket owned = tcp("1.1.1.1", 1, "2.2.2.2", 2, tcp_state::established);
  owned.inode = 5;
  owned.owners = {7};
  EXPECT_EQ(column(grouping, owned, programs), "postgres");
  owned.owners = {99, 8};  // the first owner the table has
  EXPECT_EQ(column(grouping, owned, programs), "thing");
  owned.inode = 0;  // netstat sees no owner for inode 0
  EXPECT_EQ(column(grouping, owned, programs), "-");
}

TEST(TimelineGrouping, KeepColumnsKeepsTheBusiestAndSumsTheRest) {
  TimelineGrouping grouping(TimelineGroupBy::local_port);
  for (const uint16_t port : {10, 20, 30, 40}) {
    grouping.column_of(tcp("0.0.0.0", port, "0.0.0.0", 0, tcp_state::listen), {});
  }
  grouping.keep_columns({5, 9, 1, 9}, 2);  // by id: 10/tcp 5, 20/tcp 9, 30/tcp 1, 40/tcp 9
  EXPECT_EQ(grouping.column_names(), (std::vector<std::string>{"20/tcp", "40/tcp", "other"}));
  EXPECT_EQ(column(grouping, tcp("0.0.0.0", 40, "0.0.0.0", 0, tcp_state::listen)), "40/tcp");
  EXPECT_EQ(column(grouping, tcp("0.0.0.0", 10, "0.0.0.0", 0, tcp_state::listen)), "other");
  EXPECT_EQ(column(grouping, tcp("0.0.0.0", 99, "0.0.0.0", 0, tcp_state::listen)), "other");
}

TEST(TimelineGrouping, NetnsStateSplitsTheStateColumnsPerNamespace) {
  Namespace blue, unnamed;
  blue.inode = 4026532999;
  blue.name = "blue";
  unnamed.inode = 4026531840;
  TimelineGrouping grouping(TimelineGroupBy::netns_state);
  EXPECT_TRUE(grouping.is_open_ended());
  const Socket close_wait = tcp("127.0.0.1", 80, "127.0.0.1", 5000, tcp_state::close_wait);
  grouping.enter_namespace(blue);
  EXPECT_EQ(column(grouping, close_wait), "blue (inode 4026532999) CLOSE_WAIT");
  EXPECT_EQ(column(grouping, udp("0.0.0.0", 53, "0.0.0.0", 0, tcp_state::close)),
            "blue (inode 4026532999) UDP");
  grouping.enter_namespace(unnamed);
  // The same socket in another namespace is another column; the same state in one, the same.
  const uint32_t other = grouping.column_of(close_wait, {});
  EXPECT_EQ(grouping.column_names().at(other), "inode 4026531840 CLOSE_WAIT");
  EXPECT_EQ(grouping.column_of(close_wait, {}), other);
  grouping.enter_namespace(blue);
  EXPECT_NE(grouping.column_of(close_wait, {}), other);
}

TEST(TimelineGrouping, ParsesByNames) {
  EXPECT_EQ(*parse_group_by("local-port"), TimelineGroupBy::local_port);
  EXPECT_EQ(*parse_group_by("netns-state"), TimelineGroupBy::netns_state);
  EXPECT_FALSE(parse_group_by("port").ok());
}

}  // namespace
}  // namespace netsnap::analysis
