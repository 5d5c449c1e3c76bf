// Counter parsers on literal bytes shaped like the kernel's files, and the reader on a fake
// /proc tree.
#include "kernel_counters.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace netsnap {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> table_names(const std::vector<CounterTable>& tables) {
  std::vector<std::string> names;
  for (const CounterTable& table : tables) names.push_back(table.name);
  return names;
}

// As the kernel prints them: header lines end in a space in /proc/net/netstat.
constexpr std::string_view netstat_text =
    "TcpExt: SyncookiesSent SyncookiesRecv TW ListenOverflows ListenDrops \n"
    "TcpExt: 3 2 1500 17 17\n"
    "IpExt: InNoRoutes InOctets\n"
    "IpExt: 0 18446744073709551615\n"
    "MPTcpExt: MPCapableSYNRX\n"
    "MPTcpExt: 0\n";

constexpr std::string_view snmp_text =
    "Ip: Forwarding DefaultTTL InReceives\n"
    "Ip: 2 64 777\n"
    "Icmp: InMsgs InErrors\n"
    "Icmp: 1 0\n"
    "IcmpMsg: InType3\n"
    "IcmpMsg: 1\n"
    "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens CurrEstab\n"
    "Tcp: 1 200 120000 -1 12 4\n"
    "Udp: InDatagrams NoPorts InErrors RcvbufErrors\n"
    "Udp: 23 0 5 2\n"
    "UdpLite: InDatagrams\n"
    "UdpLite: 0\n";

TEST(KernelCounters, NetstatTablesWhole) {
  std::vector<CounterTable> tables;
  CounterTableSink sink(tables);
  ASSERT_TRUE(parse_snmp_style_counters(netstat_text, sink).ok());
  sink.finish();
  ASSERT_THAT(table_names(tables), ElementsAre("TcpExt", "IpExt", "MPTcpExt"));
  EXPECT_THAT(tables[0].names,
              ElementsAre("SyncookiesSent", "SyncookiesRecv", "TW", "ListenOverflows",
                          "ListenDrops"));
  EXPECT_THAT(tables[0].values, ElementsAre(3, 2, 1500, 17, 17));
  // Past INT64_MAX the bits are kept, so that later deltas still come out right.
  EXPECT_EQ(static_cast<uint64_t>(tables[1].values[1]), UINT64_MAX);
}

TEST(KernelCounters, SnmpTablesIncludingNegativeMaxConn) {
  std::vector<CounterTable> tables;
  CounterTableSink sink(tables);
  ASSERT_TRUE(parse_snmp_style_counters(snmp_text, sink).ok());
  sink.finish();
  ASSERT_THAT(table_names(tables),
              ElementsAre("Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "UdpLite"));
  EXPECT_THAT(tables[3].names, ElementsAre("RtoAlgorithm", "RtoMin", "RtoMax", "MaxConn",
                                           "ActiveOpens", "CurrEstab"));
  EXPECT_THAT(tables[3].values, ElementsAre(1, 200, 120000, -1, 12, 4));
  EXPECT_THAT(tables[4].values, ElementsAre(23, 0, 5, 2));
}

TEST(KernelCounters, DamagedTableIsLeftOutAndReported) {
  std::vector<CounterTable> tables;
  CounterTableSink sink(tables);
  const Status status = parse_snmp_style_counters(
      "Ip: A B\nIp: 1 2\n"
      "Tcp: X Y Z\nTcp: 1 2\n"        // a value short
      "Udp: InErrors\n"               // no values line: Icmp must still be read
      "Icmp: InMsgs\nIcmp: 9\n"
      "UdpLite: N\nUdpLite: x\n",     // not a number
      sink);
  sink.finish();
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("UdpLite"));
  EXPECT_THAT(table_names(tables), ElementsAre("Ip", "Icmp"));
  EXPECT_THAT(tables[1].values, ElementsAre(9));
}

TEST(KernelCounters, Sockstat) {
  std::vector<CounterTable> tables;
  CounterTableSink sink(tables);
  ASSERT_TRUE(parse_sockstat_counters("sockets: used 123\n"
                                      "TCP: inuse 5 orphan 1 tw 40 alloc 7 mem 3\n"
                                      "UDP: inuse 3 mem 2\n"
                                      "FRAG: inuse 0 memory 0\n",
                                      "sockstat", sink)
                  .ok());
  ASSERT_TRUE(
      parse_sockstat_counters("TCP6: inuse 2\nUDP6: inuse 1\n", "sockstat6", sink).ok());
  sink.finish();
  ASSERT_THAT(table_names(tables),
              ElementsAre("sockstat.sockets", "sockstat.TCP", "sockstat.UDP", "sockstat.FRAG",
                          "sockstat6.TCP6", "sockstat6.UDP6"));
  EXPECT_THAT(tables[0].names, ElementsAre("used"));
  EXPECT_THAT(tables[0].values, ElementsAre(123));
  EXPECT_THAT(tables[1].names, ElementsAre("inuse", "orphan", "tw", "alloc", "mem"));
  EXPECT_THAT(tables[1].values, ElementsAre(5, 1, 40, 7, 3));
  EXPECT_THAT(tables[4].values, ElementsAre(2));
}

TEST(KernelCounters, SockstatOddLineIsReported) {
  std::vector<CounterTable> tables;
  CounterTableSink sink(tables);
  EXPECT_FALSE(parse_sockstat_counters("TCP: inuse 5 orphan\nUDP: inuse 1\n", "sockstat", sink)
                   .ok());
  sink.finish();
  EXPECT_THAT(table_names(tables), ElementsAre("sockstat.UDP"));
}

TEST(KernelCounters, FileNrAndSnmp6) {
  std::vector<CounterTable> tables;
  CounterTableSink sink(tables);
  ASSERT_TRUE(parse_file_nr_counters("1184\t0\t9223372036854775807\n", sink).ok());
  ASSERT_TRUE(parse_snmp6_counters("Ip6InReceives                   \t10\n"
                                   "Udp6RcvbufErrors                \t3\n",
                                   sink)
                  .ok());
  EXPECT_FALSE(parse_file_nr_counters("1184\t0\n", sink).ok());
  sink.finish();
  ASSERT_THAT(table_names(tables), ElementsAre("fs.file-nr", "snmp6"));
  EXPECT_THAT(tables[0].names, ElementsAre("allocated", "unused", "max"));
  EXPECT_THAT(tables[0].values, ElementsAre(1184, 0, INT64_MAX));
  EXPECT_THAT(tables[1].names, ElementsAre("Ip6InReceives", "Udp6RcvbufErrors"));
  EXPECT_THAT(tables[1].values, ElementsAre(10, 3));
}

class FakeProcRoot {
 public:
  FakeProcRoot() {
    std::string pattern = (std::filesystem::temp_directory_path() / "netsnap-counters-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    root_ = pattern;
    std::filesystem::create_directories(root_ + "/net");
    std::filesystem::create_directories(root_ + "/sys/fs");
  }
  ~FakeProcRoot() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  void write(const std::string& path, std::string_view text) {
    std::ofstream(root_ + "/" + path) << text;
  }
  void remove(const std::string& path) { std::filesystem::remove(root_ + "/" + path); }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

TEST(KernelCounterReader, ReadsEverythingIntoAReusedVector) {
  FakeProcRoot proc;
  proc.write("net/netstat", netstat_text);
  proc.write("net/snmp", snmp_text);
  proc.write("net/sockstat", "sockets: used 9\nTCP: inuse 1 orphan 0 tw 2 alloc 1 mem 1\n");
  proc.write("net/sockstat6", "TCP6: inuse 0\n");
  proc.write("sys/fs/file-nr", "480\t0\t2466160\n");
  KernelCounterReader reader(proc.root());
  std::vector<CounterTable> tables;
  std::vector<CaptureError> errors;
  reader.read(tables, errors);
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(tables.size(), 13u);
  EXPECT_EQ(tables.back().name, "fs.file-nr");

  // Next snapshot: IPv6 gone, snmp unreadable (a directory): fewer tables, one error.
  proc.remove("net/sockstat6");
  proc.remove("net/snmp");
  std::filesystem::create_directories(proc.root() + "/net/snmp");
  reader.read(tables, errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0].source, HasSubstr("net/snmp"));
  EXPECT_THAT(table_names(tables),
              ElementsAre("TcpExt", "IpExt", "MPTcpExt", "sockstat.sockets", "sockstat.TCP",
                          "fs.file-nr"));
  EXPECT_THAT(tables[4].values, ElementsAre(1, 0, 2, 1, 1));
}

TEST(KernelCounterReader, LiveHostHasTheTablesAnalystsNeed) {
  KernelCounterReader reader;
  std::vector<CounterTable> tables;
  std::vector<CaptureError> errors;
  reader.read(tables, errors);
  EXPECT_THAT(errors, IsEmpty());
  const std::vector<std::string> names = table_names(tables);
  for (const char* wanted : {"TcpExt", "Tcp", "Udp", "sockstat.TCP", "fs.file-nr"}) {
    EXPECT_THAT(names, ::testing::Contains(wanted));
  }
}

}  // namespace
}  // namespace netsnap
