// The /proc/PID parsers on literal bytes, including the awkward cases the kernel produces.
#include "proc_pid_parsers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace netsnap {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ProcPidStat, ReadsCommAndStartTime) {
  const std::string_view stat =
      "1234 (nginx) S 1 1234 1234 0 -1 4194624 519 0 0 0 3 1 0 0 20 0 1 0 98765 11096064 "
      "1302 18446744073709551615 1 1 0 0 0 0 0 1073745920 0 0 0 17 0 0 0 0 0 0\n";
  const std::optional<ProcPidStat> parsed = parse_proc_pid_stat(stat);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->comm, "nginx");
  EXPECT_EQ(parsed->start_time, 98765u);
}

TEST(ProcPidStat, CommWithSpacesAndParentheses) {
  // prctl(PR_SET_NAME, "a) (b c") is allowed: only the last ')' ends the comm.
  const std::optional<ProcPidStat> parsed =
      parse_proc_pid_stat("7 (a) (b c) R 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 555 0 0\n");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->comm, "a) (b c");
  EXPECT_EQ(parsed->start_time, 555u);
}

TEST(ProcPidStat, RejectsTruncated) {
  EXPECT_FALSE(parse_proc_pid_stat("7 (x) R 1 7 7 0 -1 0\n"));
  EXPECT_FALSE(parse_proc_pid_stat(""));
  EXPECT_FALSE(parse_proc_pid_stat("7 x R 1"));
}

TEST(ProcPidStatus, EffectiveUid) {
  const std::string_view status =
      "Name:\tsshd\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t812\nNgid:\t0\nPid:\t812\n"
      "PPid:\t1\nTracerPid:\t0\nUid:\t1000\t0\t0\t0\nGid:\t0\t0\t0\t0\n";
  EXPECT_EQ(parse_proc_pid_status_uid(status), 0u);
  EXPECT_EQ(parse_proc_pid_status_uid("Uid:\t4294967294\t65534\t65534\t65534\n"), 65534u);
  EXPECT_FALSE(parse_proc_pid_status_uid("Name:\tx\nGid:\t0\t0\t0\t0\n"));
  EXPECT_FALSE(parse_proc_pid_status_uid("Uid:\t1000\n"));
}

TEST(ProcPidStatus, EffectiveCapabilities) {
  // netsnap-record.service's three: CAP_DAC_READ_SEARCH (2), CAP_NET_ADMIN (12),
  // CAP_SYS_PTRACE (19).
  const std::string_view status =
      "Name:\tnetsnap-record\nUid:\t998\t998\t998\t998\nCapInh:\t0000000000000000\n"
      "CapPrm:\t0000000000081004\nCapEff:\t0000000000081004\nCapBnd:\t0000000000081004\n"
      "CapAmb:\t0000000000081004\nNoNewPrivs:\t1\n";
  EXPECT_EQ(parse_proc_pid_status_effective_capabilities(status), 0x81004u);
  EXPECT_EQ(parse_proc_pid_status_effective_capabilities("CapEff:\t000001ffffffffff\n"),
            0x1ffffffffffu);
  EXPECT_FALSE(parse_proc_pid_status_effective_capabilities("CapPrm:\t0000000000081004\n"));
  EXPECT_FALSE(parse_proc_pid_status_effective_capabilities("CapEff:\t\n"));
  EXPECT_FALSE(parse_proc_pid_status_effective_capabilities("CapEff:\t00000000000x1004\n"));
}

TEST(ProcPidLimits, MaxOpenFiles) {
  const std::string_view limits =
      "Limit                     Soft Limit           Hard Limit           Units     \n"
      "Max cpu time              unlimited            unlimited            seconds   \n"
      "Max file size             unlimited            unlimited            bytes     \n"
      "Max open files            1024                 524288               files     \n"
      "Max locked memory         8388608              8388608              bytes     \n";
  const std::optional<ProcPidNofile> nofile = parse_proc_pid_limits_nofile(limits);
  ASSERT_TRUE(nofile);
  EXPECT_EQ(nofile->soft, 1024u);
  EXPECT_EQ(nofile->hard, 524288u);
}

TEST(ProcPidLimits, Unlimited) {
  const std::optional<ProcPidNofile> nofile = parse_proc_pid_limits_nofile(
      "Max open files            unlimited            unlimited            files     \n");
  ASSERT_TRUE(nofile);
  EXPECT_EQ(nofile->soft, UINT64_MAX);
  EXPECT_EQ(nofile->hard, UINT64_MAX);
}

TEST(ProcPidLimits, MissingOrDamagedRow) {
  EXPECT_FALSE(parse_proc_pid_limits_nofile("Max cpu time    unlimited   unlimited  seconds\n"));
  EXPECT_FALSE(parse_proc_pid_limits_nofile("Max open files            1024\n"));
  EXPECT_FALSE(parse_proc_pid_limits_nofile("Max open files            lots    lots   files\n"));
}

std::vector<std::string> cmdline(std::string_view bytes) {
  std::vector<std::string> args{"stale", "entries", "to", "reuse", "and", "trim"};
  parse_proc_pid_cmdline(bytes, args);
  return args;
}

TEST(ProcPidCmdline, SplitsAtNuls) {
  using namespace std::string_view_literals;
  EXPECT_THAT(cmdline("/usr/sbin/sshd\0-D\0-p\0" "22\0"sv), ElementsAre("/usr/sbin/sshd", "-D",
                                                                        "-p", "22"));
  EXPECT_THAT(cmdline("no-terminator"sv), ElementsAre("no-terminator"));
  EXPECT_THAT(cmdline("a\0\0b\0"sv), ElementsAre("a", "", "b"));  // an empty argument
}

TEST(ProcPidCmdline, EmptyArgv0AndPadding) {
  using namespace std::string_view_literals;
  EXPECT_THAT(cmdline("\0--flag\0"sv), ElementsAre("", "--flag"));
  EXPECT_THAT(cmdline("postgres: checkpointer \0\0\0\0\0\0"sv),
              ElementsAre("postgres: checkpointer "));
  EXPECT_THAT(cmdline(""sv), IsEmpty());   // kernel thread, zombie
  EXPECT_THAT(cmdline("\0\0"sv), IsEmpty());
}

TEST(ProcPidSocketLink, OnlySocketsHaveAnInode) {
  EXPECT_EQ(parse_proc_pid_socket_link("socket:[12345]"), 12345u);
  EXPECT_EQ(parse_proc_pid_socket_link("socket:[18446744073709551615]"), UINT64_MAX);
  EXPECT_FALSE(parse_proc_pid_socket_link("pipe:[12345]"));
  EXPECT_FALSE(parse_proc_pid_socket_link("anon_inode:[eventpoll]"));
  EXPECT_FALSE(parse_proc_pid_socket_link("/tmp/socket:[1]"));
  EXPECT_FALSE(parse_proc_pid_socket_link("socket:[]"));
  EXPECT_FALSE(parse_proc_pid_socket_link("socket:[12x]"));
}

TEST(ProcPidNumber, OnlyDecimalNames) {
  EXPECT_EQ(parse_proc_pid_number("1"), 1);
  EXPECT_EQ(parse_proc_pid_number("4194304"), 4194304);
  EXPECT_FALSE(parse_proc_pid_number("self"));
  EXPECT_FALSE(parse_proc_pid_number("."));
  EXPECT_FALSE(parse_proc_pid_number("12a"));
  EXPECT_FALSE(parse_proc_pid_number("-1"));
  EXPECT_FALSE(parse_proc_pid_number("99999999999"));
}

}  // namespace
}  // namespace netsnap
