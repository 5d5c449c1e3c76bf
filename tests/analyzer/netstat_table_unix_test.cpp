// Golden tests of the UNIX section on hand-made snapshots.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "netstat_table.h"
#include "netstat_test_rows.h"
#include "netstat_test_sockets.h"

namespace netsnap {
namespace {

using namespace netstat_test;
using namespace std::string_literals;

std::string render(const Snapshot& snapshot, std::string_view flags) {
  const auto options = parse_netstat_options(flags);
  EXPECT_TRUE(options.ok()) << flags;
  return options.ok() ? netstat_table(snapshot, options.value()) : std::string();
}

std::string lines(std::initializer_list<std::string> rows) {
  std::string text;
  for (const std::string& row : rows) text += row + "\n";
  return text;
}

const std::string all_title = "Active UNIX domain sockets (servers and established)";
const std::string servers_title = "Active UNIX domain sockets (only servers)";
const std::string connected_title = "Active UNIX domain sockets (w/o servers)";
const std::string header = unix_header + " Path";

constexpr uint8_t stream = 1, dgram = 2, seqpacket = 5;

TEST(NetstatUnix, RowsMatchTheRealNetstat) {
  // Rows as netstat 2.10 printed them for the same sockets (copied from its output).
  const Snapshot snapshot = snapshot_of({
      unix_socket(stream, unix_state::connected, 0, 28113, "", 3),
      unix_socket(stream, unix_state::connecting, 0, 0, "/tmp/nsx/l", 3),
      unix_socket(stream, unix_state::unconnected, unix_flag_accepting, 28111, "/tmp/nsx/l"),
      unix_socket(seqpacket, unix_state::unconnected, 0, 28121, ""),
      unix_socket(stream, unix_state::unconnected, unix_flag_accepting, 28117, "\0abs\0x"s),
  });
  EXPECT_EQ(render(snapshot, "-xa"),
            all_title + "\n" + header + "\n" +
                "unix  3      [ ]         STREAM     CONNECTED     28113    \n"
                "unix  3      [ ]         STREAM     CONNECTING    0        /tmp/nsx/l\n"
                "unix  2      [ ACC ]     STREAM     LISTENING     28111    /tmp/nsx/l\n"
                "unix  2      [ ]         SEQPACKET                28121    \n"
                "unix  2      [ ACC ]     STREAM     LISTENING     28117    @abs@x\n");
}

TEST(NetstatUnix, ListeningRowsOnlyWithLOrA) {
  const Socket listener =
      unix_socket(stream, unix_state::unconnected, unix_flag_accepting, 100, "/run/l.sock");
  const Socket connected = unix_socket(stream, unix_state::connected, 0, 101, "", 3);
  const Socket unbound_dgram = unix_socket(dgram, unix_state::unconnected, 0, 102, "");
  const Snapshot snapshot = snapshot_of({listener, connected, unbound_dgram});
  const std::string listener_row =
      unix_row(2, "[ ACC ]", "STREAM", "LISTENING", 100, nullptr, "/run/l.sock");
  const std::string connected_row = unix_row(3, "[ ]", "STREAM", "CONNECTED", 101, nullptr, "");
  const std::string dgram_row = unix_row(2, "[ ]", "DGRAM", "", 102, nullptr, "");
  EXPECT_EQ(render(snapshot, "-x"), lines({connected_title, header, connected_row, dgram_row}));
  EXPECT_EQ(render(snapshot, "-xl"), lines({servers_title, header, listener_row}));
  EXPECT_EQ(render(snapshot, "-xa"),
            lines({all_title, header, listener_row, connected_row, dgram_row}));
}

TEST(NetstatUnix, AcceptingFlagOutsideUnconnectedIsNotAListener) {
  // netstat's -l test is "unconnected and accepting"; the flags column still shows ACC.
  const Socket odd = unix_socket(stream, unix_state::connected, unix_flag_accepting, 5, "/o");
  const Snapshot snapshot = snapshot_of({odd});
  EXPECT_EQ(render(snapshot, "-x"),
            lines({connected_title, header,
                   unix_row(2, "[ ACC ]", "STREAM", "CONNECTED", 5, nullptr, "/o")}));
  EXPECT_EQ(render(snapshot, "-xl"), lines({servers_title, header}));
}

TEST(NetstatUnix, TypesStatesAndFlags) {
  const Snapshot snapshot = snapshot_of({
      unix_socket(3, unix_state::connected, 1u << 17, 1, ""),
      unix_socket(4, unix_state::disconnecting, 1u << 18, 2, ""),
      unix_socket(9, 0, (1u << 17) | (1u << 18), 3, ""),
      unix_socket(seqpacket, 7, 0, 4, ""),
  });
  EXPECT_EQ(render(snapshot, "-x"),
            lines({connected_title, header,
                   unix_row(2, "[ W ]", "RAW", "CONNECTED", 1, nullptr, ""),
                   unix_row(2, "[ N ]", "RDM", "DISCONNECTING", 2, nullptr, ""),
                   unix_row(2, "[ W N ]", "UNKNOWN", "FREE", 3, nullptr, ""),
                   unix_row(2, "[ ]", "SEQPACKET", "UNKNOWN", 4, nullptr, "")}));
}

TEST(NetstatUnix, WideNumbersWidenTheirColumns) {
  const Snapshot snapshot = snapshot_of({
      unix_socket(stream, unix_state::connected, 0, 123456789012, "/p", 12345678),
  });
  EXPECT_EQ(render(snapshot, "-x"),
            lines({connected_title, header,
                   unix_row(12345678, "[ ]", "STREAM", "CONNECTED", 123456789012, nullptr, "/p")}));
}

TEST(NetstatUnix, PathsArePrintedWholeAndEscaped) {
  const Snapshot snapshot = snapshot_of({
      unix_socket(stream, unix_state::connected, 0, 1, "/tmp/nsx/a b"),
      unix_socket(stream, unix_state::connected, 0, 2, "/tmp/evil\nunix  2 [ ACC ] STREAM"),
      unix_socket(stream, unix_state::connected, 0, 3, "/tmp/\x1b]0;pwned\x07"),
      unix_socket(stream, unix_state::connected, 0, 4, "\0abstract\nname\0"s),
      unix_socket(stream, unix_state::connected, 0, 5, "/run/with/terminating/nul\0"s),
  });
  const std::string table = render(snapshot, "-x");
  EXPECT_EQ(table,
            lines({connected_title, header,
                   unix_row(2, "[ ]", "STREAM", "CONNECTED", 1, nullptr, "/tmp/nsx/a b"),
                   unix_row(2, "[ ]", "STREAM", "CONNECTED", 2, nullptr,
                            "/tmp/evil\\nunix  2 [ ACC ] STREAM"),
                   unix_row(2, "[ ]", "STREAM", "CONNECTED", 3, nullptr, "/tmp/\\x1b]0;pwned\\x07"),
                   unix_row(2, "[ ]", "STREAM", "CONNECTED", 4, nullptr, "@abstract\\nname@"),
                   unix_row(2, "[ ]", "STREAM", "CONNECTED", 5, nullptr,
                            "/run/with/terminating/nul")}));
  EXPECT_EQ(table.find('\x1b'), std::string::npos);
}

TEST(NetstatUnix, ProgramColumn) {
  Socket owned = unix_socket(stream, unix_state::connected, 0, 28113, "", 3);
  owned.owners = {4491};
  const Socket embryo = unix_socket(stream, unix_state::connecting, 0, 0, "/tmp/nsx/l", 3);
  const Snapshot snapshot = snapshot_of({owned, embryo}, {process(4491, "python3")});
  // As netstat printed them ("-xap").
  EXPECT_EQ(render(snapshot, "-xap"),
            all_title + "\n" + unix_header + " PID/Program name     Path\n" +
                "unix  3      [ ]         STREAM     CONNECTED     28113    4491/python3         \n"
                "unix  3      [ ]         STREAM     CONNECTING    0        -                    /tmp/nsx/l\n");
}

TEST(NetstatUnix, ExtendAndTimersDoNotChangeUnixRows) {
  const Snapshot snapshot =
      snapshot_of({unix_socket(stream, unix_state::connected, 0, 7, "/s", 3)});
  EXPECT_EQ(render(snapshot, "-xeo"), render(snapshot, "-x"));
}

TEST(NetstatSections, DefaultPrintsInternetThenUnix) {
  const Snapshot snapshot = snapshot_of({
      unix_socket(stream, unix_state::connected, 0, 7, "/s", 3),
      tcp("10.0.0.1", 1, "10.0.0.2", 2, tcp_state::established),
  });
  EXPECT_EQ(render(snapshot, "-n"),
            lines({"Active Internet connections (w/o servers)", inet_header,
                   tcp_row("tcp", 0, 0, "10.0.0.1:1", "10.0.0.2:2", "ESTABLISHED"), connected_title,
                   header, unix_row(3, "[ ]", "STREAM", "CONNECTED", 7, nullptr, "/s")}));
  EXPECT_EQ(render(snapshot, "-tn").find("UNIX"), std::string::npos);
  EXPECT_EQ(render(snapshot, "-xn").find("Internet"), std::string::npos);
  EXPECT_NE(render(snapshot, "-txn").find("UNIX"), std::string::npos);
}

TEST(NetstatTable, AppendsToAReusedString) {
  const Snapshot snapshot = snapshot_of({unix_socket(stream, unix_state::connected, 0, 7, "/s", 3)});
  const auto options = parse_netstat_options("-x");
  ASSERT_TRUE(options.ok());
  std::string out = "previous\n";
  render_netstat_table(snapshot, options.value(), {}, out);
  EXPECT_EQ(out, "previous\n" + render(snapshot, "-x"));
}

}  // namespace
}  // namespace netsnap
