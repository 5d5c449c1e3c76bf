// OwnerMap on fake /proc trees: who owns what after each kind of change, and that the cache
// re-reads only what changed. The rotating full re-read is off (rotation_period 0) unless a
// test is about it, so that each test shows the signal it names doing the work.
#include "owner_map.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "capture/proc_pid_fake_tree.h"

namespace netsnap {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::ProcPidFakeTree;

std::vector<int32_t> owners(const OwnerMap& map, uint64_t inode) {
  const std::span<const int32_t> pids = map.owners_of(inode);
  return {pids.begin(), pids.end()};
}

std::vector<int32_t> process_pids(const OwnerMap& map) {
  std::vector<int32_t> pids;
  for (const Process& process : map.processes()) pids.push_back(process.pid);
  return pids;
}

OwnerMapOptions signals_only() {
  OwnerMapOptions options;
  options.rotation_period = 0;
  options.socket_rotation_period = 0;
  return options;
}

void refresh(OwnerMap& map, std::vector<uint64_t> live) {
  const Status status = map.refresh(live);
  ASSERT_TRUE(status.ok()) << status.error().message;
}

TEST(OwnerMap, KeepsEveryOwnerOfASocketInPidOrder) {
  ProcPidFakeTree proc;
  for (int pid : {300, 100, 200}) proc.add_process(pid);
  proc.set_socket(200, 3, 5000);  // a listener shared by a master and its worker
  proc.set_socket(100, 3, 5000);
  proc.set_socket(100, 9, 5000);  // twice in one process: still one owner
  proc.set_socket(300, 4, 6000);
  proc.set_link(300, 1, "/var/log/app.log");
  OwnerMap map(proc.root(), signals_only());
  refresh(map, {5000, 6000});

  EXPECT_EQ(map.fd_count_source(), ProcFdCountSource::listing);
  EXPECT_THAT(owners(map, 5000), ElementsAre(100, 200));
  EXPECT_THAT(owners(map, 6000), ElementsAre(300));
  EXPECT_THAT(owners(map, 7000), IsEmpty());
  EXPECT_THAT(process_pids(map), ElementsAre(100, 200, 300));
  EXPECT_TRUE(map.complete());
}

TEST(OwnerMap, DescribesTheOwningProcesses) {
  ProcPidFakeTree proc;
  ProcPidFakeTree::ProcessFiles files;
  files.comm = "nginx";
  files.cmdline = std::string("nginx: worker process\0\0\0\0", 25);  // rewritten title
  files.uid = 33;
  files.nofile_soft = "unlimited";
  files.nofile_hard = "unlimited";
  proc.add_process(42, files);
  proc.set_socket(42, 6, 5000);
  proc.set_link(42, 7, "anon_inode:[eventpoll]");
  proc.add_process(43);  // owns no live socket: not listed
  proc.set_socket(43, 3, 9999);
  ProcPidFakeTree::ProcessFiles odd;
  odd.cmdline = std::string("\0-x\0", 4);  // an empty argv[0]
  proc.add_process(44, odd);
  proc.set_socket(44, 3, 5001);
  OwnerMap map(proc.root(), signals_only());
  refresh(map, {5000, 5001});

  ASSERT_EQ(map.processes().size(), 2u);
  EXPECT_EQ(map.processes()[1].argv0, "");
  EXPECT_THAT(map.processes()[1].cmdline, ElementsAre("", "-x"));
  EXPECT_EQ(map.processes()[1].nofile_soft, 1024u);
  const Process& process = map.processes()[0];
  EXPECT_EQ(process.pid, 42);
  EXPECT_EQ(process.uid, 33u);  // the effective uid, not the real one
  EXPECT_EQ(process.comm, "nginx");
  EXPECT_EQ(process.argv0, "nginx: worker process");
  EXPECT_THAT(process.cmdline, ElementsAre("nginx: worker process"));
  EXPECT_EQ(process.fd_count, 2u);
  EXPECT_EQ(process.nofile_soft, UINT64_MAX);
  EXPECT_EQ(process.nofile_hard, UINT64_MAX);
}

TEST(OwnerMap, FdReusedForAnotherSocketIsSeenOnTheNextRefreshAlone) {
  ProcPidFakeTree proc;
  proc.add_process(100);
  proc.set_socket(100, 5, 5000);
  for (int fd = 10; fd < 20; ++fd) proc.set_socket(100, fd, 10000 + fd);
  OwnerMap map(proc.root(), signals_only());
  refresh(map, {5000, 10010, 10011});

  // close(5); accept() -> 5: same fd count, the old socket left the dump.
  proc.set_socket(100, 5, 6000);
  refresh(map, {6000, 10010, 10011});
  EXPECT_THAT(owners(map, 6000), ElementsAre(100));
  EXPECT_THAT(owners(map, 5000), IsEmpty());
  EXPECT_EQ(map.stats().fds_read, 1u);  // fd 5 only: the vanished socket named it
}

TEST(OwnerMap, SteadyStateReadsNoLinks) {
  ProcPidFakeTree proc;
  for (int pid = 100; pid < 110; ++pid) {
    proc.add_process(pid);
    for (int fd = 0; fd < 10; ++fd) proc.set_socket(pid, fd, pid * 100 + fd);
  }
  OwnerMap map(proc.root(), signals_only());
  refresh(map, {10000, 10105, 10909});
  EXPECT_EQ(map.stats().fds_read, 100u);
  refresh(map, {10000, 10105, 10909});
  EXPECT_EQ(map.stats().fds_read, 0u);
  EXPECT_EQ(map.stats().full_reads, 0u);
  EXPECT_THAT(owners(map, 10105), ElementsAre(101));
}

// The recorder frees the lookup tables once owners are attached (its peak memory comes
// later); the cache they were built from stays, so the next refresh still reads only what
// changed and answers again.
TEST(OwnerMap, ReleasedLookupAnswersNothingUntilTheNextRefreshWhichReadsOnlyChanges) {
  ProcPidFakeTree proc;
  proc.add_process(100);
  proc.add_process(200);
  proc.set_socket(100, 5, 5000);
  proc.set_socket(200, 3, 7000);
  for (int fd = 10; fd < 20; ++fd) proc.set_socket(100, fd, 10000 + fd);
  OwnerMap map(proc.root(), signals_only());
  refresh(map, {5000, 7000, 10010});
  ASSERT_THAT(owners(map, 5000), ElementsAre(100));
  map.release_owner_lookup();
  EXPECT_THAT(owners(map, 5000), IsEmpty());
  EXPECT_THAT(owners(map, 7000), IsEmpty());
  map.release_owner_lookup();  // twice is harmless

  proc.set_socket(100, 5, 6000);  // close(5); accept() -> 5
  refresh(map, {6000, 7000, 10010});
  EXPECT_THAT(owners(map, 6000), ElementsAre(100));
  EXPECT_THAT(owners(map, 7000), ElementsAre(200));
  EXPECT_THAT(owners(map, 10010), ElementsAre(100));
  EXPECT_THAT(owners(map, 5000), IsEmpty());
  EXPECT_EQ(map.stats().fds_read, 1u);  // fd 5 only, as without the release
  EXPECT_EQ(map.stats().full_reads, 0u);
  map.release_owner_lookup();
  refresh(map, {6000, 7000, 10010});
  EXPECT_EQ(map.stats().fds_read, 0u);
  EXPECT_THAT(owners(map, 7000), ElementsAre(200));
}

TEST(OwnerMap, PidReusedByAnotherProcessIsReadAgain) {
  ProcPidFakeTree proc;
  proc.add_process(100);
  proc.set_socket(100, 3, 5000);
  OwnerMap map(proc.root(), signals_only());
  // 5000 stays in the dump (another holder we cannot see): only the start time tells.
  refresh(map, {5000});
  ASSERT_THAT(owners(map, 5000), ElementsAre(100));

  proc.write_stat(100, "other", 2000);
  proc.write(100, "comm", "other\n");
  proc.set_socket(100, 3, 7000);
  refresh(map, {5000, 7000});
  EXPECT_THAT(owners(map, 5000), IsEmpty());
  EXPECT_THAT(owners(map, 7000), ElementsAre(100));
  ASSERT_EQ(map.processes().size(), 1u);
  EXPECT_EQ(map.processes()[0].comm, "other");
}

TEST(OwnerMap, SharedSocketDroppedWithFdReusedLeavesNoStaleOwner) {
  ProcPidFakeTree proc;
  for (int pid : {100, 200, 300}) proc.add_process(pid);
  proc.set_socket(100, 3, 5000);
  proc.set_socket(200, 3, 5000);
  proc.set_socket(300, 4, 6000);
  OwnerMap map(proc.root(), signals_only());
  refresh(map, {5000, 6000});

  // 100 closes its copy of the shared 5000 and receives 6000 (300 keeps it) on fd 3: same
  // count, and 5000 stays in the dump because 200 still holds it.
  proc.set_socket(100, 3, 6000);
  refresh(map, {5000, 6000});
  EXPECT_THAT(owners(map, 5000), ElementsAre(200));
  EXPECT_THAT(owners(map, 6000), ElementsAre(100, 300));
}

TEST(OwnerMap, SocketPassedToAnotherProcess) {
  ProcPidFakeTree proc;
  for (int pid : {100, 200}) proc.add_process(pid);
  proc.set_socket(100, 3, 5000);
  proc.set_link(200, 0, "/dev/null");
  OwnerMap map(proc.root(), signals_only());
  refresh(map, {5000});

  proc.set_socket(200, 7, 5000);  // SCM_RIGHTS
  refresh(map, {5000});
  EXPECT_THAT(owners(map, 5000), ElementsAre(100, 200));
  proc.close_fd(100, 3);  // the sender lets go
  refresh(map, {5000});
  EXPECT_THAT(owners(map, 5000), ElementsAre(200));
  EXPECT_THAT(process_pids(map), ElementsAre(200));
}

TEST(OwnerMap, VanishedProcessesAreNotErrors) {
  ProcPidFakeTree proc;
  for (int pid : {100, 200}) proc.add_process(pid);
  proc.set_socket(100, 3, 5000);
  proc.set_socket(200, 3, 5000);
  std::filesystem::create_directories(proc.dir(300));  // exiting: its files are gone
  OwnerMap map(proc.root(), signals_only());
  refresh(map, {5000});
  EXPECT_THAT(owners(map, 5000), ElementsAre(100, 200));

  proc.remove_process(200);
  refresh(map, {5000});
  EXPECT_THAT(owners(map, 5000), ElementsAre(100));
  EXPECT_THAT(process_pids(map), ElementsAre(100));
  EXPECT_TRUE(map.complete());
}

TEST(OwnerMap, NewSocketOnTheNumberOfAClosedFileIsFoundOneSnapshotLater) {
  ProcPidFakeTree proc;
  for (int pid : {100, 200}) proc.add_process(pid);
  proc.set_socket(100, 3, 5000);
  proc.set_link(100, 4, "/var/log/app.log");
  proc.set_socket(200, 3, 6000);
  OwnerMap map(proc.root(), signals_only());
  refresh(map, {5000, 6000});

  proc.set_socket(100, 4, 7000);  // no count change, no socket left: no signal at all
  refresh(map, {5000, 6000, 7000});
  refresh(map, {5000, 6000, 7000});  // still unowned: searched for
  EXPECT_THAT(owners(map, 7000), ElementsAre(100));
  EXPECT_EQ(map.stats().searched_inodes, 1u);
  EXPECT_EQ(map.stats().ownerless_inodes, 0u);
}

TEST(OwnerMap, OwnerlessSocketIsSearchedForOnlyOnce) {
  ProcPidFakeTree proc;
  proc.add_process(100);
  proc.set_socket(100, 3, 5000);
  OwnerMap map(proc.root(), signals_only());
  refresh(map, {5000});
  refresh(map, {5000, 9999});  // a kernel socket, say
  refresh(map, {5000, 9999});
  EXPECT_EQ(map.stats().searched_inodes, 1u);
  EXPECT_EQ(map.stats().ownerless_inodes, 1u);
  refresh(map, {5000, 9999});
  EXPECT_EQ(map.stats().searched_inodes, 0u);
  EXPECT_EQ(map.stats().fds_read, 0u);
  EXPECT_THAT(owners(map, 9999), IsEmpty());
}

TEST(OwnerMap, RotationEventuallyRereadsWhatNoSignalShows) {
  ProcPidFakeTree proc;
  for (int pid : {100, 200, 300}) proc.add_process(pid);
  proc.set_socket(100, 3, 5000);
  proc.set_link(100, 4, "/var/log/app.log");
  proc.set_socket(200, 3, 6000);
  proc.set_socket(300, 3, 7000);
  OwnerMapOptions options = signals_only();
  options.rotation_period = 3;
  OwnerMap map(proc.root(), options);
  refresh(map, {5000, 6000, 7000});

  // 100 receives 6000 (kept by 200) on the number of a file it closed: no signal.
  proc.set_socket(100, 4, 6000);
  for (int i = 0; i < 3; ++i) refresh(map, {5000, 6000, 7000});
  EXPECT_THAT(owners(map, 6000), ElementsAre(100, 200));
}

TEST(OwnerMap, SocketRotationLetsGoOfASocketSentAwayWhoseNumberWasReused) {
  // 100 sent 5000 over a UNIX socket (the message is not received yet: the socket lives on in
  // no fd table) and opened a file on its number: the count is unchanged, 5000 is still in
  // the dump and nobody else holds it. Only the socket rotation re-reads fd 3.
  ProcPidFakeTree proc;
  proc.add_process(100);
  proc.set_socket(100, 3, 5000);
  proc.set_socket(100, 4, 5001);
  proc.set_link(100, 5, "/var/log/app.log");
  OwnerMapOptions options = signals_only();
  options.socket_rotation_period = 4;
  OwnerMap map(proc.root(), options);
  refresh(map, {5000, 5001});
  proc.set_link(100, 3, "/var/log/other.log");
  for (int i = 0; i < 4; ++i) refresh(map, {5000, 5001});
  EXPECT_THAT(owners(map, 5000), IsEmpty());
  EXPECT_THAT(owners(map, 5001), ElementsAre(100));

  // Without it the stale owner would stay: this is what the socket rotation is for.
  ProcPidFakeTree again;
  again.add_process(100);
  again.set_socket(100, 3, 5000);
  OwnerMap unrotated(again.root(), signals_only());
  refresh(unrotated, {5000});
  again.set_link(100, 3, "/var/log/other.log");
  for (int i = 0; i < 8; ++i) refresh(unrotated, {5000});
  EXPECT_THAT(owners(unrotated, 5000), ElementsAre(100));
}

TEST(OwnerMap, SocketFdsRotateAtTheirOwnSlowerPace) {
  // 300 socket fds and 3 files: per snapshot the files' rotation (period 3) reads one or two
  // fds and the socket rotation (period 30) ten, not a third of all 303.
  ProcPidFakeTree proc;
  proc.add_process(100);
  std::vector<uint64_t> live;
  for (int fd = 3; fd < 303; ++fd) {
    proc.set_socket(100, fd, 5000 + fd);
    live.push_back(5000 + fd);
  }
  for (int fd = 303; fd < 306; ++fd) proc.set_link(100, fd, "/var/log/app.log");
  OwnerMapOptions options;
  options.rotation_period = 3;
  options.socket_rotation_period = 30;
  OwnerMap map(proc.root(), options);
  refresh(map, live);
  for (int i = 0; i < 6; ++i) {
    refresh(map, live);
    EXPECT_GE(map.stats().fds_read, 10u) << i;
    EXPECT_LE(map.stats().fds_read, 12u) << i;
  }
  EXPECT_EQ(owners(map, 5003), std::vector<int32_t>{100});
}

TEST(OwnerMap, UnreadableFdDirectoryMakesTheMapIncomplete) {
  ProcPidFakeTree proc;
  proc.add_process(100);
  proc.set_socket(100, 3, 5000);
  proc.add_process(200);
  std::filesystem::remove(proc.dir(200) + "/fd");
  proc.write(200, "fd", "");  // not a directory: cannot be read, but exists
  OwnerMap map(proc.root(), signals_only());
  refresh(map, {5000});
  EXPECT_FALSE(map.complete());
  EXPECT_THAT(owners(map, 5000), ElementsAre(100));
}

TEST(OwnerMap, MissingRootIsAnError) {
  OwnerMap map("/nonexistent/netsnap-proc");
  const Status status = map.refresh({});
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, ::testing::HasSubstr("/nonexistent/netsnap-proc"));
}

}  // namespace
}  // namespace netsnap
