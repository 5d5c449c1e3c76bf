// SocketCapture and ProcNetReader on a fake /proc tree in a temporary directory: the source
// choice, per-file errors, malformed-line reports, ordering and buffer reuse.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "proc_net_reader.h"
#include "socket_capture.h"
#include "socket_capture_merge.h"

namespace netsnap {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode\n"
    "   0: 0100007F:1F90 0100007F:C000 01 00000000:00000000 00:00000000 00000000     0    "
    "    0 502 1 0000000000000000 20 4 30 10 -1\n"
    "   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0    "
    "    0 501 1 0000000000000000 100 0 0 10 0\n"
    "   2: this line is damaged\n";
constexpr const char* kUdp =
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode ref pointer drops\n"
    "  112: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101    "
    "    0 601 2 0000000000000000 0\n";
constexpr const char* kInet6Header =
    "  sl  local_address                         remote_address                        st "
    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
constexpr const char* kUnix =
    "Num       RefCount Protocol Flags    Type St Inode Path\n"
    "0000000000000000: 00000002 00000000 00010000 0001 01 701 /run/a.sock\n"
    "0000000000000000: 00000002 00000000 00000000 0001 02     0 /run/a.sock\n";

class FakeProcTree : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "netsnap-proc-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    fs::create_directories(root_ / "net");
    write("tcp", kTcp);
    write("tcp6", kInet6Header);
    write("udp", kUdp);
    write("udp6", kInet6Header);
    write("raw", "");
    // raw6 is missing, as on a kernel without IPv6 raw sockets.
    write("unix", kUnix);
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& name, const std::string& contents) {
    std::ofstream(root_ / "net" / name) << contents;
  }

  SocketCaptureOptions proc_options() const {
    SocketCaptureOptions options;
    options.source = CaptureSource::proc;
    options.proc_root = root_.string();
    options.clock_ticks_per_second = 100;
    return options;
  }

  fs::path root_;
};

TEST_F(FakeProcTree, ReaderReadsWholeFilesAndNamesMissingOnes) {
  std::string big(300 * 1024, 'x');  // larger than the initial buffer
  write("big", big);
  ProcNetReader reader(root_.string());
  const auto contents = reader.read("big");
  ASSERT_TRUE(contents.ok()) << contents.error().message;
  EXPECT_EQ(contents.value().size(), big.size());
  const auto missing = reader.read("raw6");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find((root_ / "net" / "raw6").string()), std::string::npos);
}

TEST_F(FakeProcTree, ProcCaptureReportsPerFileProblemsAndKeepsTheFilesOrder) {
  SocketCapture capture(proc_options());
  Namespace ns;
  std::vector<CaptureError> errors;
  capture.capture(ns, errors);
  EXPECT_EQ(capture.source_used(), CaptureSource::proc);

  ASSERT_EQ(errors.size(), 2u);
  const std::string tcp_path = (root_ / "net" / "tcp").string();
  const std::string raw6_path = (root_ / "net" / "raw6").string();
  EXPECT_EQ(errors[0].source, tcp_path);
  EXPECT_EQ(errors[0].message, "1 malformed lines skipped");
  EXPECT_EQ(errors[1].source, raw6_path);

  ASSERT_EQ(ns.sockets.size(), 5u);
  // The files' order, file by file (netstat's order): no sort moves them.
  EXPECT_EQ(ns.sockets[0].inode, 502u);
  EXPECT_EQ(ns.sockets[1].inode, 501u);
  EXPECT_EQ(ns.sockets[2].protocol, Protocol::udp);
  EXPECT_EQ(ns.sockets[3].protocol, Protocol::unix_);
  EXPECT_EQ(ns.sockets[3].inode, 701u);
  EXPECT_EQ(ns.sockets[4].inode, 0u);

  // The next snapshot reuses the vector's storage and comes out identical.
  const Socket* storage = ns.sockets.data();
  const auto first = ns.sockets;
  errors.clear();
  capture.capture(ns, errors);
  EXPECT_EQ(ns.sockets, first);
  EXPECT_EQ(ns.sockets.data(), storage);
}

TEST_F(FakeProcTree, ProtocolsThatAreOffAreNotRead) {
  auto options = proc_options();
  options.raw = false;
  options.unix_ = false;
  options.udp = false;
  SocketCapture capture(options);
  Namespace ns;
  std::vector<CaptureError> errors;
  capture.capture(ns, errors);
  ASSERT_EQ(errors.size(), 1u);  // tcp's damaged line; no raw6 complaint
  EXPECT_EQ(ns.sockets.size(), 2u);
  for (const Socket& s : ns.sockets) EXPECT_EQ(s.protocol, Protocol::tcp);
}

TEST_F(FakeProcTree, FallsBackToProcWhenNetlinkCannotBeOpened) {
  // Make socket() fail (EMFILE): no descriptor number is free below the limit.
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  const int lowest_free = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(lowest_free, 0);
  ::close(lowest_free);
  rlimit tight = saved;
  tight.rlim_cur = static_cast<rlim_t>(lowest_free);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);

  auto options = proc_options();
  options.source = CaptureSource::netlink;
  SocketCapture capture(options);
  std::vector<CaptureError> errors;
  const CaptureSource source = capture.open(errors);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);

  EXPECT_EQ(source, CaptureSource::proc);
  EXPECT_EQ(capture.source_used(), CaptureSource::proc);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].source, "netlink");
  EXPECT_NE(errors[0].message.find("NETLINK_SOCK_DIAG"), std::string::npos) << errors[0].message;

  Namespace ns;
  errors.clear();
  capture.capture(ns, errors);
  EXPECT_EQ(ns.sockets.size(), 5u);  // the fake tree's sockets: /proc was read
}

TEST_F(FakeProcTree, ReadingAnotherRootOnlyNeedsTheNetFolder) {
  fs::remove_all(root_ / "net");
  SocketCapture capture(proc_options());
  Namespace ns;
  std::vector<CaptureError> errors;
  capture.capture(ns, errors);
  EXPECT_TRUE(ns.sockets.empty());
  EXPECT_EQ(errors.size(), 7u);  // every table named, none fatal
}

}  // namespace
}  // namespace netsnap
