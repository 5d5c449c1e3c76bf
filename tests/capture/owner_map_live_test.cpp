// OwnerMap against the real /proc: a child with a known comm holds both ends of a
// socketpair, swaps one of them for a new socket on the same fd number, then receives a
// socket that this test process keeps (SCM_RIGHTS), which this process then closes. After
// each step one refresh must do, and the cached map must agree with a full rescan.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "owner_map.h"

namespace netsnap {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

uint64_t inode_of(int fd) {
  struct stat info {};
  return ::fstat(fd, &info) == 0 ? info.st_ino : 0;
}

bool send_fd(int channel, int fd) {
  char byte = 'p';
  struct iovec data = {&byte, 1};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  struct msghdr message {};
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof(control);
  struct cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(header), &fd, sizeof(int));
  return ::sendmsg(channel, &message, 0) == 1;
}

// The child: only async-signal-safe calls after fork(). Talks over `channel`.
[[noreturn]] void run_child(int pair_fd_to_replace, int channel) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  ::prctl(PR_SET_NAME, "nsnap-owner-t");
  char byte = 'r';
  if (::write(channel, &byte, 1) != 1) ::_exit(1);
  if (::read(channel, &byte, 1) != 1) ::_exit(2);
  // close(fd) + socket() landing on the same number, done atomically by dup2.
  const int fresh = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fresh < 0 || ::dup2(fresh, pair_fd_to_replace) < 0) ::_exit(3);
  ::close(fresh);
  const uint64_t inode = inode_of(pair_fd_to_replace);
  if (::write(channel, &inode, sizeof(inode)) != sizeof(inode)) ::_exit(4);

  // Receive a socket the parent keeps: our fd count grows by one.
  struct iovec data = {&byte, 1};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  struct msghdr message {};
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof(control);
  if (::recvmsg(channel, &message, 0) != 1 || CMSG_FIRSTHDR(&message) == nullptr) ::_exit(5);
  byte = 'k';
  if (::write(channel, &byte, 1) != 1) ::_exit(6);
  (void)::read(channel, &byte, 1);  // until told to go (or the channel closes)
  ::_exit(0);
}

// Kills and reaps the child whatever the test's outcome.
struct ChildGuard {
  pid_t pid = -1;
  ~ChildGuard() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

std::vector<int32_t> owners(const OwnerMap& map, uint64_t inode) {
  const std::span<const int32_t> pids = map.owners_of(inode);
  return {pids.begin(), pids.end()};
}

void refresh(OwnerMap& map, std::vector<uint64_t> live) {
  std::sort(live.begin(), live.end());
  const Status status = map.refresh(live);
  ASSERT_TRUE(status.ok()) << status.error().message;
}

// A map that has seen nothing before reads every fd of every process: the full rescan the
// cached map must agree with, for every inode of the step.
void expect_agrees_with_full_rescan(const OwnerMap& cached, std::vector<uint64_t> live) {
  OwnerMap fresh("/proc");
  refresh(fresh, live);
  for (const uint64_t inode : live)
    EXPECT_EQ(owners(cached, inode), owners(fresh, inode)) << "inode " << inode;
}

TEST(OwnerMapLive, FollowsFdReuseAndFdPassingInARealProcess) {
  int pair[2], channel[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel), 0);
  const uint64_t first = inode_of(pair[0]);
  const uint64_t second = inode_of(pair[1]);

  ChildGuard child;
  child.pid = ::fork();
  ASSERT_GE(child.pid, 0);
  if (child.pid == 0) run_child(pair[1], channel[1]);
  ::close(pair[0]);  // the child is now the only holder of both ends
  ::close(pair[1]);
  ::close(channel[1]);
  char byte = 0;
  ASSERT_EQ(::read(channel[0], &byte, 1), 1);

  OwnerMapOptions options;
  options.rotation_period = 0;  // no lucky re-reads: the signals must find every change
  options.socket_rotation_period = 0;
  OwnerMap map("/proc", options);
  refresh(map, {first, second});
  EXPECT_THAT(owners(map, first), ElementsAre(child.pid));
  EXPECT_THAT(owners(map, second), ElementsAre(child.pid));
  expect_agrees_with_full_rescan(map, {first, second});
  const auto described = std::find_if(map.processes().begin(), map.processes().end(),
                                      [&](const Process& p) { return p.pid == child.pid; });
  ASSERT_NE(described, map.processes().end());
  EXPECT_EQ(described->comm, "nsnap-owner-t");
  EXPECT_EQ(described->uid, ::geteuid());
  EXPECT_GT(described->fd_count, 2u);
  EXPECT_GT(described->nofile_soft, 0u);
  EXPECT_FALSE(described->argv0.empty());  // the test binary's path: fork keeps argv

  // Step 2: the child replaces pair[1] by a new socket on the same fd number.
  byte = 'x';
  ASSERT_EQ(::write(channel[0], &byte, 1), 1);
  uint64_t replacement = 0;
  ASSERT_EQ(::read(channel[0], &replacement, sizeof(replacement)),
            static_cast<ssize_t>(sizeof(replacement)));
  ASSERT_NE(replacement, second);
  refresh(map, {first, replacement});  // `second` was closed: it left the dump
  EXPECT_THAT(owners(map, replacement), ElementsAre(child.pid));
  EXPECT_THAT(owners(map, first), ElementsAre(child.pid));
  EXPECT_THAT(owners(map, second), IsEmpty());
  expect_agrees_with_full_rescan(map, {first, replacement, second});

  // Step 3: we pass the child a socket and keep it: both of us own it.
  const int passed = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(passed, 0);
  const uint64_t passed_inode = inode_of(passed);
  refresh(map, {first, replacement, passed_inode});
  EXPECT_THAT(owners(map, passed_inode), ElementsAre(::getpid()));
  ASSERT_TRUE(send_fd(channel[0], passed));
  ASSERT_EQ(::read(channel[0], &byte, 1), 1);
  refresh(map, {first, replacement, passed_inode});
  EXPECT_THAT(owners(map, passed_inode),
              ElementsAre(std::min(::getpid(), child.pid), std::max(::getpid(), child.pid)));
  expect_agrees_with_full_rescan(map, {first, replacement, passed_inode});

  // Step 4: we close our copy: the child is the only owner left, with no count change on its
  // side (signal 3, the shared fd re-read every snapshot, is what finds it).
  ::close(passed);
  refresh(map, {first, replacement, passed_inode});
  EXPECT_THAT(owners(map, passed_inode), ElementsAre(child.pid));
  expect_agrees_with_full_rescan(map, {first, replacement, passed_inode});

  RecordProperty("fd_count_source", map.fd_count_source() == ProcFdCountSource::dir_size
                                        ? "dir_size"
                                        : "listing");
  RecordProperty("fds_read_last_refresh", std::to_string(map.stats().fds_read));
  ::close(channel[0]);
}

}  // namespace
}  // namespace netsnap
