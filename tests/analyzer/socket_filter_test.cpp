#include "socket_filter.h"

#include <gtest/gtest.h>

#include "analyzer/netstat_test_sockets.h"

namespace netsnap::analysis {
namespace {

using netstat_test::tcp;
using netstat_test::udp;

using Words = std::vector<std::string>;
SocketFilterArgs args_of(Words states, Words ports = {}, Words pids = {}, Words programs = {}) {
  SocketFilterArgs args;
  args.states = std::move(states);
  args.ports = std::move(ports);
  args.pids = std::move(pids);
  args.programs = std::move(programs);
  return args;
}

SocketFilter filter(SocketFilterArgs args) {
  auto parsed = SocketFilter::parse(args);
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  return parsed.ok() ? std::move(parsed.value()) : SocketFilter();
}

TEST(SocketFilter, StatesInAnyCaseAnyOfThem) {
  const SocketFilter f = filter(args_of({"established", "CLOSE_WAIT"}, {}, {}, {}));
  const ProcessIndex none;
  EXPECT_TRUE(f.matches(tcp("1.1.1.1", 1, "2.2.2.2", 2, tcp_state::established), none));
  EXPECT_TRUE(f.matches(tcp("1.1.1.1", 1, "2.2.2.2", 2, tcp_state::close_wait), none));
  EXPECT_FALSE(f.matches(tcp("1.1.1.1", 1, "0.0.0.0", 0, tcp_state::listen), none));
  // The State column's word: a connected UDP socket is ESTABLISHED.
  EXPECT_TRUE(f.matches(udp("1.1.1.1", 1, "2.2.2.2", 2, tcp_state::established), none));
  // A request socket shows as SYN_RECV.
  EXPECT_TRUE(filter(args_of({"SYN_RECV"}, {}, {}, {}))
                  .matches(tcp("1.1.1.1", 1, "2.2.2.2", 2, tcp_state::new_syn_recv), none));
}

TEST(SocketFilter, UnixAndBlankStates) {
  const ProcessIndex none;
  const Socket listening =
      netstat_test::unix_socket(1, unix_state::unconnected, unix_flag_accepting, 5, "/a");
  const Socket unbound = netstat_test::unix_socket(2, unix_state::unconnected, 0, 6, "");
  EXPECT_TRUE(filter(args_of({"LISTENING"}, {}, {}, {})).matches(listening, none));
  EXPECT_FALSE(filter(args_of({"LISTEN"}, {}, {}, {})).matches(listening, none));
  EXPECT_TRUE(filter(args_of({"unconnected"}, {}, {}, {})).matches(unbound, none));
  EXPECT_TRUE(filter(args_of({"UNCONNECTED"}, {}, {}, {}))
                  .matches(udp("0.0.0.0", 53, "0.0.0.0", 0, tcp_state::close), none));
}

TEST(SocketFilter, PortLocalOrRemoteNeverUnix) {
  const SocketFilter f = filter(args_of({}, {"22"}, {}, {}));
  const ProcessIndex none;
  EXPECT_TRUE(f.matches(tcp("1.1.1.1", 22, "2.2.2.2", 40000, tcp_state::established), none));
  EXPECT_TRUE(f.matches(tcp("1.1.1.1", 40000, "2.2.2.2", 22, tcp_state::established), none));
  EXPECT_FALSE(f.matches(tcp("1.1.1.1", 2222, "2.2.2.2", 40000, tcp_state::established), none));
  EXPECT_FALSE(f.matches(netstat_test::unix_socket(1, 3, 0, 22, "/22"), none));
}

TEST(SocketFilter, PidAndProgramMatchAnyOwner) {
  Socket shared = tcp("0.0.0.0", 80, "0.0.0.0", 0, tcp_state::listen);
  shared.inode = 100;
  shared.owners = {10, 11};
  Process master = netstat_test::process(10, "nginx: master process /usr/sbin/nginx");
  master.comm = "nginx";
  Process worker = netstat_test::process(11, "/usr/bin/worker-bin");
  worker.comm = "worker";
  const std::vector<Process> processes = {master, worker};
  const ProcessIndex index(processes);
  EXPECT_TRUE(filter(args_of({}, {}, {"11"}, {})).matches(shared, index));
  EXPECT_FALSE(filter(args_of({}, {}, {"12"}, {})).matches(shared, index));
  EXPECT_TRUE(filter(args_of({}, {}, {}, {"nginx"})).matches(shared, index));  // comm
  EXPECT_TRUE(
      filter(args_of({}, {}, {}, {"worker-bin"})).matches(shared, index));  // argv[0]'s basename
  EXPECT_FALSE(filter(args_of({}, {}, {}, {"apache2"})).matches(shared, index));
}

TEST(SocketFilter, DifferentFiltersMustAllMatch) {
  const SocketFilter f = filter(args_of({"LISTEN"}, {"80"}, {}, {}));
  const ProcessIndex none;
  EXPECT_TRUE(f.matches(tcp("0.0.0.0", 80, "0.0.0.0", 0, tcp_state::listen), none));
  EXPECT_FALSE(f.matches(tcp("0.0.0.0", 81, "0.0.0.0", 0, tcp_state::listen), none));
  EXPECT_TRUE(SocketFilter().empty());
  EXPECT_FALSE(f.empty());
}

TEST(SocketFilter, BadValuesAreUsageErrorsNamingTheOption) {
  const auto message = [](const SocketFilterArgs& args) {
    auto parsed = SocketFilter::parse(args);
    return parsed.ok() ? std::string("ok") : parsed.error().message;
  };
  EXPECT_NE(message(args_of({"ESTABLISHD"}, {}, {}, {})).find("--state 'ESTABLISHD': not a state"),
            std::string::npos);
  EXPECT_NE(message(args_of({}, {"0"}, {}, {})).find("--port '0'"), std::string::npos);
  EXPECT_NE(message(args_of({}, {"65536"}, {}, {})).find("--port"), std::string::npos);
  EXPECT_NE(message(args_of({}, {"ssh"}, {}, {})).find("--port"), std::string::npos);
  EXPECT_NE(message(args_of({}, {}, {"-1"}, {})).find("--pid '-1'"), std::string::npos);
  EXPECT_NE(message(args_of({}, {}, {}, {""})).find("--program"), std::string::npos);
}

}  // namespace
}  // namespace netsnap::analysis
