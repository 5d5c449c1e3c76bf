// Golden tests of the -p (PID/Program name) and -o (Timer) columns.
#include <gtest/gtest.h>

#include <string>

#include "netstat_table.h"
#include "netstat_test_rows.h"
#include "netstat_test_sockets.h"

namespace netsnap {
namespace {

using namespace netstat_test;

// The tail of the only row of `-tan<flags>` for `socket`: whatever follows the State column.
std::string tail_of(const Socket& socket, std::vector<Process> processes, std::string flags,
                    uint32_t ticks_per_second = 100) {
  const auto options = parse_netstat_options("-tuwan" + flags);
  EXPECT_TRUE(options.ok());
  NetstatLookups lookups;
  lookups.clock_ticks_per_second = ticks_per_second;
  const std::string table = netstat_table(snapshot_of({socket}, std::move(processes)), options.value(), lookups);
  const size_t second_line = table.find('\n') + 1;
  const size_t row = table.find('\n', second_line) + 1;
  // Proto (6, with its spaces), Recv-Q, Send-Q, two addresses and State: 79 bytes in all rows
  // whose addresses fit 23 columns.
  const size_t tail = row + 6 + 7 + 7 + 24 + 24 + 11;
  EXPECT_LT(tail, table.size());
  std::string text = table.substr(tail);
  EXPECT_EQ(text.back(), '\n');
  text.pop_back();
  return text;
}

Socket owned_tcp(std::vector<int32_t> owners, uint64_t inode = 1000) {
  Socket socket = tcp("10.0.0.1", 1, "10.0.0.2", 2, tcp_state::established);
  socket.inode = inode;
  socket.owners = std::move(owners);
  return socket;
}

TEST(NetstatPrograms, BasenameOfAnAbsoluteArgv0) {
  EXPECT_EQ(tail_of(owned_tcp({1234}), {process(1234, "/usr/sbin/nginx")}, "p"),
            program("1234/nginx"));
}

TEST(NetstatPrograms, RelativeOrBareArgv0IsKeptWhole) {
  EXPECT_EQ(tail_of(owned_tcp({99}), {process(99, "./server")}, "p"), program("99/./server"));
  EXPECT_EQ(tail_of(owned_tcp({98}), {process(98, "python3")}, "p"), program("98/python3"));
  // A rewritten command line is one string with spaces: cut, not split.
  EXPECT_EQ(tail_of(owned_tcp({4321}), {process(4321, "sshd: root@pts/0")}, "p"),
            program("4321/sshd: root@pts"));
}

TEST(NetstatPrograms, CutTo19Bytes) {
  EXPECT_EQ(tail_of(owned_tcp({123456}), {process(123456, "/opt/averylongprogramname")}, "p"),
            program("123456/averylongpro"));
  EXPECT_EQ(std::string("123456/averylongpro").size(), 19u);
}

TEST(NetstatPrograms, TrailingSlashLeavesAnEmptyName) {
  EXPECT_EQ(tail_of(owned_tcp({77}), {process(77, "/usr/bin/")}, "p"), program("77/"));
  EXPECT_EQ(tail_of(owned_tcp({76}), {process(76, "")}, "p"), program("76/"));
}

TEST(NetstatPrograms, DashWithoutAnOwner) {
  EXPECT_EQ(tail_of(owned_tcp({}), {}, "p"), program("-"));
  // TIME_WAIT and request sockets have inode 0: nothing can own them.
  EXPECT_EQ(tail_of(owned_tcp({5}, 0), {process(5, "x")}, "p"), program("-"));
}

TEST(NetstatPrograms, FirstOwnerWithAProcessRecordWins) {
  const std::vector<Process> processes = {process(20, "/bin/second"), process(10, "/bin/first")};
  EXPECT_EQ(tail_of(owned_tcp({10, 20}), processes, "p"), program("10/first"));
  EXPECT_EQ(tail_of(owned_tcp({20, 10}), processes, "p"), program("20/second"));
  // netstat skips a process whose command line it cannot read; a missing record is that case.
  EXPECT_EQ(tail_of(owned_tcp({30, 20}), processes, "p"), program("20/second"));
  EXPECT_EQ(tail_of(owned_tcp({30}), processes, "p"), program("-"));
}

TEST(NetstatPrograms, HostileNamesAreEscaped) {
  EXPECT_EQ(tail_of(owned_tcp({5}), {process(5, "/opt/x\ny")}, "p"), program("5/x\\ny"));
  EXPECT_EQ(tail_of(owned_tcp({6}), {process(6, "\x1b[2Jclear")}, "p"), program("6/\\x1b[2Jclear"));
}

Socket timed(Protocol protocol, uint8_t timer, uint32_t ms, uint8_t retransmits, uint8_t probes) {
  Socket socket = inet_socket(protocol, "10.0.0.1", 1, "10.0.0.2", 2, tcp_state::established);
  socket.timer = timer;
  socket.timer_expires_ms = ms;
  socket.retransmits = retransmits;
  socket.probes = probes;
  return socket;
}

TEST(NetstatTimers, TcpTimerWords) {
  EXPECT_EQ(tail_of(timed(Protocol::tcp, 0, 0, 0, 0), {}, "o"), timer("off (0.00/0/0)"));
  EXPECT_EQ(tail_of(timed(Protocol::tcp, 0, 500, 2, 1), {}, "o"), timer("off (0.00/2/1)"));
  EXPECT_EQ(tail_of(timed(Protocol::tcp, 1, 200, 1, 0), {}, "o"), timer("on (0.20/1/0)"));
  EXPECT_EQ(tail_of(timed(Protocol::tcp, 2, 7195123, 0, 0), {}, "o"),
            timer("keepalive (7195.12/0/0)"));
  EXPECT_EQ(tail_of(timed(Protocol::tcp, 3, 59890, 0, 0), {}, "o"), timer("timewait (59.89/0/0)"));
  EXPECT_EQ(tail_of(timed(Protocol::tcp, 4, 1500, 0, 3), {}, "o"), timer("probe (1.50/0/3)"));
  EXPECT_EQ(tail_of(timed(Protocol::tcp, 9, 10, 0, 0), {}, "o"), timer("unkn-9 (0.01/0/0)"));
}

TEST(NetstatTimers, SecondsAreWholeClockTicksLikeProc) {
  // /proc gives clock ticks: 1239 ms is 123 ticks at 100 Hz, so netstat shows 1.23.
  EXPECT_EQ(tail_of(timed(Protocol::tcp, 1, 1239, 0, 0), {}, "o"), timer("on (1.23/0/0)"));
  EXPECT_EQ(tail_of(timed(Protocol::tcp, 1, 9, 2, 0), {}, "o"), timer("on (0.00/2/0)"));
  EXPECT_EQ(tail_of(timed(Protocol::tcp, 1, 1239, 0, 0), {}, "o", 1000), timer("on (1.24/0/0)"));
}

TEST(NetstatTimers, UdpAndRawHaveTheirOwnWords) {
  // netstat zeroes a UDP socket's retransmit count; RAW keeps it.
  EXPECT_EQ(tail_of(timed(Protocol::udp, 0, 0, 5, 0), {}, "o"), timer("off (0.00/0/0)"));
  EXPECT_EQ(tail_of(timed(Protocol::udp, 2, 1000, 5, 1), {}, "o"), timer("on2 (1.00/0/1)"));
  EXPECT_EQ(tail_of(timed(Protocol::udp, 3, 1000, 0, 0), {}, "o"), timer("unkn-3 (1.00/0/0)"));
  EXPECT_EQ(tail_of(timed(Protocol::raw, 0, 0, 2, 0), {}, "o"), timer("off (0.00/2/0)"));
  EXPECT_EQ(tail_of(timed(Protocol::raw, 1, 250, 2, 0), {}, "o"), timer("on1 (0.25/2/0)"));
}

}  // namespace
}  // namespace netsnap
