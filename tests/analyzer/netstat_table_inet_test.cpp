// Golden tests of the Internet section on hand-made snapshots: titles, headers, row formats,
// row selection, address text and cutting, names, and the ordering rules.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "netstat_table.h"
#include "netstat_test_rows.h"
#include "netstat_test_sockets.h"

namespace netsnap {
namespace {

using namespace netstat_test;

std::string render(const Snapshot& snapshot, std::string_view flags,
                   const NetstatLookups& lookups = {}) {
  const auto options = parse_netstat_options(flags);
  EXPECT_TRUE(options.ok()) << flags;
  return options.ok() ? netstat_table(snapshot, options.value(), lookups) : std::string();
}

// Lines joined with '\n', each line ended.
std::string lines(std::initializer_list<std::string> rows) {
  std::string text;
  for (const std::string& row : rows) text += row + "\n";
  return text;
}

const std::string all_title = "Active Internet connections (servers and established)";
const std::string servers_title = "Active Internet connections (only servers)";
const std::string connected_title = "Active Internet connections (w/o servers)";

constexpr std::string_view services_file =
    "ssh 22/tcp\ndomain 53/tcp\ndomain 53/udp\nmdns 5353/udp\n"
    "averyveryverylongservicename 8443/tcp\n";
constexpr std::string_view protocols_file = "icmp 1 ICMP\nipv6-icmp 58 IPv6-ICMP\n";

TEST(NetstatInet, TitlesFollowListeningAndAll) {
  const Snapshot empty;
  EXPECT_EQ(render(empty, "-t"), lines({connected_title, inet_header}));
  EXPECT_EQ(render(empty, "-tl"), lines({servers_title, inet_header}));
  EXPECT_EQ(render(empty, "-ta"), lines({all_title, inet_header}));
  EXPECT_EQ(render(empty, "-tla"), lines({all_title, inet_header}));
}

TEST(NetstatInet, HeaderGrowsWithExtendProgramsAndTimersInThatOrder) {
  const Snapshot empty;
  EXPECT_EQ(render(empty, "-tope"),
            lines({connected_title,
                   inet_header + " User       Inode      PID/Program name     Timer"}));
  EXPECT_EQ(render(empty, "-to"), lines({connected_title, inet_header + " Timer"}));
}

TEST(NetstatInet, TcpRowsMatchTheRealNetstat) {
  // Rows as netstat 2.10 printed them for the same sockets (copied from its output).
  Socket listener = tcp("0.0.0.0", 22, "0.0.0.0", 0, tcp_state::listen);
  Socket established = tcp("127.0.0.1", 46656, "127.0.0.1", 46005, tcp_state::established);
  const Snapshot snapshot = snapshot_of({listener, established});
  EXPECT_EQ(render(snapshot, "-tan"),
            all_title + "\n" + inet_header + "\n" +
                "tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN     \n"
                "tcp        0      0 127.0.0.1:46656         127.0.0.1:46005         ESTABLISHED\n");
}

TEST(NetstatInet, TcpServersAreRowsWithoutARemotePort) {
  Socket listener = tcp("0.0.0.0", 22, "0.0.0.0", 0, tcp_state::listen);
  Socket established = tcp("10.0.0.1", 22, "10.0.0.2", 51000, tcp_state::established);
  Socket time_wait = tcp("10.0.0.1", 22, "10.0.0.3", 40000, tcp_state::time_wait);
  Socket request = tcp("10.0.0.1", 22, "10.0.0.4", 40001, tcp_state::new_syn_recv);
  Socket bound = tcp("0.0.0.0", 8080, "0.0.0.0", 0, tcp_state::close);
  const Snapshot snapshot = snapshot_of({listener, established, time_wait, request, bound});

  const std::string listener_row = tcp_row("tcp", 0, 0, "0.0.0.0:22", "0.0.0.0:*", "LISTEN");
  const std::string established_row =
      tcp_row("tcp", 0, 0, "10.0.0.1:22", "10.0.0.2:51000", "ESTABLISHED");
  const std::string time_wait_row =
      tcp_row("tcp", 0, 0, "10.0.0.1:22", "10.0.0.3:40000", "TIME_WAIT");
  const std::string request_row = tcp_row("tcp", 0, 0, "10.0.0.1:22", "10.0.0.4:40001", "SYN_RECV");
  const std::string bound_row = tcp_row("tcp", 0, 0, "0.0.0.0:8080", "0.0.0.0:*", "CLOSE");

  EXPECT_EQ(render(snapshot, "-tn"),
            lines({connected_title, inet_header, established_row, time_wait_row, request_row}));
  EXPECT_EQ(render(snapshot, "-tln"), lines({servers_title, inet_header, listener_row, bound_row}));
  EXPECT_EQ(render(snapshot, "-tan"), lines({all_title, inet_header, listener_row, established_row,
                                             time_wait_row, request_row, bound_row}));
}

TEST(NetstatInet, EveryTcpStateName) {
  const char* names[] = {"UNKNOWN",   "ESTABLISHED", "SYN_SENT",   "SYN_RECV", "FIN_WAIT1",
                         "FIN_WAIT2", "TIME_WAIT",   "CLOSE",      "CLOSE_WAIT", "LAST_ACK",
                         "LISTEN",    "CLOSING",     "SYN_RECV",   "UNKNOWN"};
  for (uint8_t state = 0; state < 14; ++state) {
    const Snapshot snapshot = snapshot_of({tcp("10.1.1.1", 1000, "10.1.1.2", 2000, state)});
    EXPECT_EQ(render(snapshot, "-tn"),
              lines({connected_title, inet_header,
                     tcp_row("tcp", 0, 0, "10.1.1.1:1000", "10.1.1.2:2000", names[state])}))
        << int{state};
  }
}

TEST(NetstatInet, QueuesAndListenBacklog) {
  Socket listener = tcp("0.0.0.0", 80, "0.0.0.0", 0, tcp_state::listen);
  listener.recv_q = 3;       // accept queue
  listener.send_q = 4096;    // the backlog, as netlink records it: the documented difference
  Socket busy = tcp("10.0.0.1", 80, "10.0.0.9", 50000, tcp_state::established);
  busy.recv_q = 123456;
  busy.send_q = 4294967295u;  // wider than the column: printf widens, so do we
  const Snapshot snapshot = snapshot_of({listener, busy});
  EXPECT_EQ(render(snapshot, "-tan"),
            lines({all_title, inet_header,
                   tcp_row("tcp", 3, 4096, "0.0.0.0:80", "0.0.0.0:*", "LISTEN"),
                   tcp_row("tcp", 123456, 4294967295, "10.0.0.1:80", "10.0.0.9:50000",
                           "ESTABLISHED")}));
}

TEST(NetstatInet, Ipv6WildcardIsBracketedUnlessNumericHosts) {
  const Snapshot snapshot = snapshot_of({tcp("::", 22, "::", 0, tcp_state::listen),
                                         tcp("0.0.0.0", 22, "0.0.0.0", 0, tcp_state::listen)});
  const ServiceNames services = ServiceNames::parse(services_file);
  const NetstatLookups lookups{&services, nullptr, 100};
  // The IPv4 socket comes first whatever the stored order: tcp is read before tcp6.
  EXPECT_EQ(render(snapshot, "-tln"),
            lines({servers_title, inet_header, tcp_row("tcp", 0, 0, "0.0.0.0:22", "0.0.0.0:*", "LISTEN"),
                   tcp_row("tcp6", 0, 0, ":::22", ":::*", "LISTEN")}));
  EXPECT_EQ(render(snapshot, "-tl", lookups),
            lines({servers_title, inet_header,
                   tcp_row("tcp", 0, 0, "0.0.0.0:ssh", "0.0.0.0:*", "LISTEN"),
                   tcp_row("tcp6", 0, 0, "[::]:ssh", "[::]:*", "LISTEN")}));
  EXPECT_EQ(render(snapshot, "-tl --numeric-ports", lookups),
            lines({servers_title, inet_header,
                   tcp_row("tcp", 0, 0, "0.0.0.0:22", "0.0.0.0:*", "LISTEN"),
                   tcp_row("tcp6", 0, 0, "[::]:22", "[::]:*", "LISTEN")}));
  EXPECT_EQ(render(snapshot, "-tl --numeric-hosts", lookups),
            lines({servers_title, inet_header,
                   tcp_row("tcp", 0, 0, "0.0.0.0:ssh", "0.0.0.0:*", "LISTEN"),
                   tcp_row("tcp6", 0, 0, ":::ssh", ":::*", "LISTEN")}));
}

TEST(NetstatInet, OtherAddressesStayNumericWithoutN) {
  const Snapshot snapshot =
      snapshot_of({tcp("127.0.0.1", 22, "127.0.0.1", 34878, tcp_state::established),
                   tcp("::1", 22, "::1", 34000, tcp_state::established)});
  const ServiceNames services = ServiceNames::parse(services_file);
  EXPECT_EQ(render(snapshot, "-t", NetstatLookups{&services, nullptr, 100}),
            lines({connected_title, inet_header,
                   tcp_row("tcp", 0, 0, "127.0.0.1:ssh", "127.0.0.1:34878", "ESTABLISHED"),
                   tcp_row("tcp6", 0, 0, "::1:ssh", "::1:34000", "ESTABLISHED")}));
}

TEST(NetstatInet, V4MappedAddressesShowAsIpv4InTcp6Rows) {
  Socket mapped = tcp("::ffff:127.0.0.1", 46005, "::ffff:127.0.0.1", 46656, tcp_state::established);
  mapped.local.scope_id = 0;
  const Snapshot snapshot = snapshot_of({mapped});
  EXPECT_EQ(render(snapshot, "-tn"),
            lines({connected_title, inet_header,
                   tcp_row("tcp6", 0, 0, "127.0.0.1:46005", "127.0.0.1:46656", "ESTABLISHED")}));
  EXPECT_EQ(render(snapshot, "-t"),
            lines({connected_title, inet_header,
                   tcp_row("tcp6", 0, 0, "127.0.0.1:46005", "127.0.0.1:46656", "ESTABLISHED")}));
}

TEST(NetstatInet, LinkLocalScopeIsNotShown) {
  Socket link_local = tcp("fe80::1", 22, "fe80::2", 40000, tcp_state::established);
  link_local.local.scope_id = link_local.remote.scope_id = 2;
  EXPECT_EQ(render(snapshot_of({link_local}), "-tn"),
            lines({connected_title, inet_header,
                   tcp_row("tcp6", 0, 0, "fe80::1:22", "fe80::2:40000", "ESTABLISHED")}));
}

TEST(NetstatInet, LongAddressesAreCutTo23UnlessWide) {
  const char* long_address = "fd00:1234:5678:9abc:def0:1234:5678:9abc";
  Socket listener = tcp(long_address, 54321, "::", 0, tcp_state::listen);
  Socket peer = tcp(long_address, 54321, "fd00:1234:5678:9abc:def0:1234:5678:1", 40000,
                    tcp_state::established);
  const Snapshot snapshot = snapshot_of({listener, peer});
  // As netstat printed the same listener: "fd00:1234:5678:9a:54321".
  EXPECT_EQ(render(snapshot, "-tan"),
            lines({all_title, inet_header,
                   tcp_row("tcp6", 0, 0, "fd00:1234:5678:9a:54321", ":::*", "LISTEN"),
                   tcp_row("tcp6", 0, 0, "fd00:1234:5678:9a:54321", "fd00:1234:5678:9a:40000",
                           "ESTABLISHED")}));
  EXPECT_EQ(render(snapshot, "-tanW"),
            lines({all_title, inet_header,
                   tcp_row("tcp6", 0, 0, "fd00:1234:5678:9abc:def0:1234:5678:9abc:54321", ":::*",
                           "LISTEN"),
                   tcp_row("tcp6", 0, 0, "fd00:1234:5678:9abc:def0:1234:5678:9abc:54321",
                           "fd00:1234:5678:9abc:def0:1234:5678:1:40000", "ESTABLISHED")}));
}

TEST(NetstatInet, LongServiceNamesKeep18CharactersAndTheHostWhatIsLeft) {
  const ServiceNames services = ServiceNames::parse(services_file);
  const NetstatLookups lookups{&services, nullptr, 100};
  const Snapshot snapshot = snapshot_of(
      {tcp("192.168.100.200", 8443, "0.0.0.0", 0, tcp_state::listen),
       tcp("fd00:1234:5678:9abc:def0:1234:5678:9abc", 8443, "::", 0, tcp_state::listen),
       tcp("::1", 8443, "::", 0, tcp_state::listen)});
  EXPECT_EQ(render(snapshot, "-tl --numeric-hosts", lookups),
            lines({servers_title, inet_header,
                   tcp_row("tcp", 0, 0, "192.:averyveryverylongs", "0.0.0.0:*", "LISTEN"),
                   tcp_row("tcp6", 0, 0, "fd00:averyveryverylongs", ":::*", "LISTEN"),
                   tcp_row("tcp6", 0, 0, "::1:averyveryverylongs", ":::*", "LISTEN")}));
  EXPECT_EQ(render(snapshot, "-tlW --numeric-hosts", lookups),
            lines({servers_title, inet_header,
                   tcp_row("tcp", 0, 0, "192.168.100.200:averyveryverylongservicename",
                           "0.0.0.0:*", "LISTEN"),
                   tcp_row("tcp6", 0, 0,
                           "fd00:1234:5678:9abc:def0:1234:5678:9abc:averyveryverylongservicename",
                           ":::*", "LISTEN"),
                   tcp_row("tcp6", 0, 0, "::1:averyveryverylongservicename", ":::*", "LISTEN")}));
}

TEST(NetstatInet, UdpStatesAndServersByRemoteAddress) {
  Socket unconnected = udp("0.0.0.0", 5353, "0.0.0.0", 0, tcp_state::close);
  unconnected.recv_q = 768;  // UDP queues are memory, shown as recorded
  Socket connected = udp("127.0.0.1", 5353, "127.0.0.1", 53, tcp_state::established);
  Socket odd = udp("127.0.0.1", 5000, "127.0.0.2", 6000, tcp_state::syn_sent);
  Socket address_only = udp("127.0.0.1", 5001, "127.0.0.3", 0, tcp_state::established);
  Socket v6 = udp("::1", 123, "::", 0, tcp_state::close);
  const Snapshot snapshot = snapshot_of({unconnected, connected, odd, address_only, v6});

  const std::string unconnected_row = udp_row("udp", 768, 0, "0.0.0.0:5353", "0.0.0.0:*", "");
  const std::string connected_row =
      udp_row("udp", 0, 0, "127.0.0.1:5353", "127.0.0.1:53", "ESTABLISHED");
  const std::string odd_row = udp_row("udp", 0, 0, "127.0.0.1:5000", "127.0.0.2:6000", "UNKNOWN");
  const std::string address_only_row =
      udp_row("udp", 0, 0, "127.0.0.1:5001", "127.0.0.3:*", "ESTABLISHED");
  const std::string v6_row = udp_row("udp6", 0, 0, "::1:123", ":::*", "");

  EXPECT_EQ(render(snapshot, "-un"),
            lines({connected_title, inet_header, connected_row, odd_row, address_only_row}));
  EXPECT_EQ(render(snapshot, "-uln"), lines({servers_title, inet_header, unconnected_row, v6_row}));
  EXPECT_EQ(render(snapshot, "-uan"), lines({all_title, inet_header, unconnected_row, connected_row,
                                             odd_row, address_only_row, v6_row}));

  const ServiceNames services = ServiceNames::parse(services_file);
  EXPECT_EQ(render(snapshot, "-u --numeric-hosts", NetstatLookups{&services, nullptr, 100}),
            lines({connected_title, inet_header,
                   udp_row("udp", 0, 0, "127.0.0.1:mdns", "127.0.0.1:domain", "ESTABLISHED"), odd_row,
                   address_only_row}));
}

TEST(NetstatInet, UdpliteRowsAreUdplAndUseUdpNames) {
  Socket lite4 = inet_socket(Protocol::udplite, "0.0.0.0", 53, "0.0.0.0", 0, tcp_state::close);
  Socket lite6 = inet_socket(Protocol::udplite, "::", 53, "::", 0, tcp_state::close);
  const Snapshot snapshot = snapshot_of({lite6, lite4});
  EXPECT_EQ(render(snapshot, "-Uan"),
            lines({all_title, inet_header, udp_row("udpl", 0, 0, "0.0.0.0:53", "0.0.0.0:*", ""),
                   udp_row("udpl6", 0, 0, ":::53", ":::*", "")}));
  const ServiceNames services = ServiceNames::parse(services_file);
  EXPECT_EQ(render(snapshot, "-4Ua", NetstatLookups{&services, nullptr, 100}),
            lines({all_title, inet_header,
                   udp_row("udpl", 0, 0, "0.0.0.0:domain", "0.0.0.0:*", "")}));
}

TEST(NetstatInet, RawRowsPrintTheStateNumberAndProtocolNames) {
  Socket icmp = inet_socket(Protocol::raw, "0.0.0.0", 1, "0.0.0.0", 0, tcp_state::close);
  Socket icmp6 = inet_socket(Protocol::raw, "::", 58, "::", 0, tcp_state::close);
  Socket no_port = inet_socket(Protocol::raw, "0.0.0.0", 0, "0.0.0.0", 0, tcp_state::close);
  no_port.raw_protocol = 17;  // a source that keeps the protocol apart from the port
  Socket connected = inet_socket(Protocol::raw, "10.0.0.1", 1, "10.0.0.2", 0, tcp_state::established);
  const Snapshot snapshot = snapshot_of({icmp, icmp6, no_port, connected});
  EXPECT_EQ(render(snapshot, "-wan"),
            lines({all_title, inet_header, raw_row("raw", 0, 0, "0.0.0.0:1", "0.0.0.0:*", 7),
                   raw_row("raw", 0, 0, "0.0.0.0:17", "0.0.0.0:*", 7),
                   raw_row("raw", 0, 0, "10.0.0.1:1", "10.0.0.2:*", 1),
                   raw_row("raw6", 0, 0, ":::58", ":::*", 7)}));
  EXPECT_EQ(render(snapshot, "-wn"),
            lines({connected_title, inet_header, raw_row("raw", 0, 0, "10.0.0.1:1", "10.0.0.2:*", 1)}));
  const ServiceNames names = ServiceNames::parse(services_file, protocols_file);
  EXPECT_EQ(render(snapshot, "-wl", NetstatLookups{&names, nullptr, 100}),
            lines({servers_title, inet_header, raw_row("raw", 0, 0, "0.0.0.0:icmp", "0.0.0.0:*", 7),
                   raw_row("raw", 0, 0, "0.0.0.0:17", "0.0.0.0:*", 7),
                   raw_row("raw6", 0, 0, "[::]:ipv6-icmp", "[::]:*", 7)}));
}

TEST(NetstatInet, GroupsFollowNetstatsFileOrderAndKeepStoredOrderWithin) {
  Socket raw4 = inet_socket(Protocol::raw, "0.0.0.0", 1, "0.0.0.0", 0, tcp_state::close);
  Socket udp6 = udp("::", 5000, "::", 0, tcp_state::close);
  Socket tcp6 = tcp("::", 443, "::", 0, tcp_state::listen);
  Socket udp4 = udp("0.0.0.0", 5001, "0.0.0.0", 0, tcp_state::close);
  Socket tcp4_b = tcp("0.0.0.0", 9000, "0.0.0.0", 0, tcp_state::listen);
  Socket tcp4_a = tcp("0.0.0.0", 8000, "0.0.0.0", 0, tcp_state::listen);
  Socket unix_listener = unix_socket(1, unix_state::unconnected, unix_flag_accepting, 7, "/x");
  const Snapshot snapshot = snapshot_of({raw4, udp6, unix_listener, tcp6, udp4, tcp4_b, tcp4_a});
  EXPECT_EQ(render(snapshot, "-tuwan"),
            lines({all_title, inet_header, tcp_row("tcp", 0, 0, "0.0.0.0:9000", "0.0.0.0:*", "LISTEN"),
                   tcp_row("tcp", 0, 0, "0.0.0.0:8000", "0.0.0.0:*", "LISTEN"),
                   tcp_row("tcp6", 0, 0, ":::443", ":::*", "LISTEN"),
                   udp_row("udp", 0, 0, "0.0.0.0:5001", "0.0.0.0:*", ""),
                   udp_row("udp6", 0, 0, ":::5000", ":::*", ""),
                   raw_row("raw", 0, 0, "0.0.0.0:1", "0.0.0.0:*", 7)}));
  EXPECT_EQ(render(snapshot, "-6an").find("0.0.0.0"), std::string::npos);
}

TEST(NetstatInet, SeveralNamespacesPrintAsOneTable) {
  Snapshot snapshot = snapshot_of({tcp("10.0.0.1", 1, "10.0.0.2", 2, tcp_state::established),
                                   tcp("::1", 3, "::1", 4, tcp_state::established)});
  Namespace second;
  second.inode = 4026532000;
  second.sockets = {tcp("10.9.0.1", 5, "10.9.0.2", 6, tcp_state::established)};
  snapshot.namespaces.push_back(second);
  EXPECT_EQ(render(snapshot, "-tn"),
            lines({connected_title, inet_header,
                   tcp_row("tcp", 0, 0, "10.0.0.1:1", "10.0.0.2:2", "ESTABLISHED"),
                   tcp_row("tcp", 0, 0, "10.9.0.1:5", "10.9.0.2:6", "ESTABLISHED"),
                   tcp_row("tcp6", 0, 0, "::1:3", "::1:4", "ESTABLISHED")}));
}

TEST(NetstatInet, ExtendShowsRecordedUserNamesOrUids) {
  Socket by_root = tcp("10.0.0.1", 1, "10.0.0.2", 2, tcp_state::established);
  by_root.inode = 26110;
  Socket by_long_name = by_root;
  by_long_name.uid = 33;
  by_long_name.inode = 1234567890123;
  Socket by_unknown = by_root;
  by_unknown.uid = 4242;
  Socket by_overflow = by_root;
  by_overflow.uid = 4294967294u;  // netstat prints uids with "%d"
  Socket by_hostile = by_root;
  by_hostile.uid = 666;
  const Snapshot snapshot = snapshot_of({by_root, by_long_name, by_unknown, by_overflow, by_hostile});
  UidNames users;
  add_uid_names(users, {{0, "root"}, {33, "www-data-long-name"}, {666, "ev\nil"}});
  const NetstatLookups lookups{nullptr, &users, 100};
  const std::string row = tcp_row("tcp", 0, 0, "10.0.0.1:1", "10.0.0.2:2", "ESTABLISHED");

  EXPECT_EQ(render(snapshot, "-te --numeric-hosts", lookups),
            lines({connected_title, inet_header + " User       Inode     ",
                   row + user_inode("root", 26110), row + user_inode("www-data-long-name", 1234567890123),
                   row + uid_inode(4242, 26110), row + uid_inode(-2, 26110),
                   row + user_inode("ev\\nil", 26110)}));
  EXPECT_EQ(render(snapshot, "-ten", lookups),
            lines({connected_title, inet_header + " User       Inode     ", row + uid_inode(0, 26110),
                   row + uid_inode(33, 1234567890123), row + uid_inode(4242, 26110),
                   row + uid_inode(-2, 26110), row + uid_inode(666, 26110)}));
}

TEST(NetstatInet, AllTailColumnsInNetstatsOrder) {
  Socket socket = tcp("10.0.0.1", 1, "10.0.0.2", 2, tcp_state::established);
  socket.inode = 555;
  socket.owners = {4321};
  socket.timer = 1;
  socket.timer_expires_ms = 200;
  socket.retransmits = 1;
  const Snapshot snapshot = snapshot_of({socket}, {process(4321, "/usr/sbin/sshd")});
  EXPECT_EQ(render(snapshot, "-tnepo"),
            lines({connected_title,
                   inet_header + " User       Inode      PID/Program name     Timer",
                   tcp_row("tcp", 0, 0, "10.0.0.1:1", "10.0.0.2:2", "ESTABLISHED") +
                       uid_inode(0, 555) + program("4321/sshd") + timer("on (0.20/1/0)")}));
}

}  // namespace
}  // namespace netsnap
