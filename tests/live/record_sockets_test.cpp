// The real netsnap-record against real sockets in every state, in a private network
// namespace: recorded from outside (--netns /proc/PID/ns/net), from inside (setns, then exec),
// and through /proc (--source proc); each recording must say what the kernel had.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include "live_support.h"
#include "namespace_owner.h"
#include "recording_checks.h"

namespace netsnap::live {
namespace {

class RecordSockets : public ::testing::Test {
 protected:
  void print_notes(const NamespaceOwner& owner) {
    for (const std::string& note : owner.sockets().notes) std::cout << "    note: " << note << "\n";
  }
  TempDir dir_;
};

TEST_F(RecordSockets, EveryStateRecordedFromOutsideWithNetns) {
  NETSNAP_START_OWNER(owner, SocketScenario::every_state, dir_.path());
  print_notes(owner);
  const std::string file = dir_.file("outside.netsnap");
  ProcessRun run;
  const ExitStatus status =
      run_recorder({{"--netns", owner.netns_path(), "-n", "2", "-c", "0.2", "-o", file},
                    "",
                    {},
                    false,
                    dir_.path()},
                   run);
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << "\n" << run.stderr_text();

  // A status line naming what, where and how often, then the summary.
  const auto lines = run.stderr_lines();
  ASSERT_EQ(lines.size(), 2u) << run.stderr_text();
  EXPECT_NE(lines[0].find("of namespace " + owner.netns_path()), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("every 0.2 s"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("2 snapshots"), std::string::npos) << lines[1];

  RecordingExpectations expect;
  expect.netns_option = owner.netns_path();
  const Recording recording = read_recording({file});
  check_owner_recording(recording, owner, expect);
  EXPECT_EQ(recording.snapshots.size(), 2u);
}

TEST_F(RecordSockets, EveryStateRecordedFromInsideTheNamespace) {
  NETSNAP_START_OWNER(owner, SocketScenario::every_state, dir_.path());
  const std::string file = dir_.file("inside.netsnap");
  ProcessRun run;
  RunOptions options{
      {"-q", "-n", "2", "-c", "0.2", "-o", file}, owner.netns_path(), {}, false, dir_.path()};
  const ExitStatus status = run_recorder(options, run);
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << "\n" << run.stderr_text();
  EXPECT_EQ(run.stderr_text(), "") << "-q: nothing on stderr";

  const Recording recording = read_recording({file});
  check_owner_recording(recording, owner, RecordingExpectations{});
  EXPECT_EQ(recording.snapshots.size(), 2u);
}

// --source proc reads /proc/net only; the fields both sources have must agree.
TEST_F(RecordSockets, ProcSourceAgreesWithNetlink) {
  NETSNAP_START_OWNER(owner, SocketScenario::every_state, dir_.path());
  const std::string proc_file = dir_.file("proc.netsnap"), netlink_file = dir_.file("nl.netsnap");
  ProcessRun proc_run, netlink_run;
  ExitStatus status =
      run_recorder({{"-q", "--source", "proc", "-n", "2", "-c", "0.2", "-o", proc_file},
                    owner.netns_path(),
                    {},
                    false,
                    dir_.path()},
                   proc_run);
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << "\n"
                                                 << proc_run.stderr_text();
  status = run_recorder({{"-q", "-n", "1", "-c", "0.2", "-o", netlink_file},
                         owner.netns_path(),
                         {},
                         false,
                         dir_.path()},
                        netlink_run);
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe();

  RecordingExpectations expect;
  expect.source = expect.requested = CaptureSource::proc;
  const Recording proc = read_recording({proc_file});
  check_owner_recording(proc, owner, expect);
  for (const Snapshot& snapshot : proc.snapshots) {
    for (const CaptureError& e : snapshot.errors) ADD_FAILURE() << e.source << ": " << e.message;
  }

  const Recording netlink = read_recording({netlink_file});
  ASSERT_TRUE(netlink.ok && proc.ok);
  ASSERT_FALSE(netlink.snapshots.empty());
  for (const ExpectedSocket& want : owner.sockets().expected) {
    const Socket* a = find_recorded(proc.snapshots.back(), want);
    const Socket* b = find_recorded(netlink.snapshots.back(), want);
    if (!a || !b) continue;  // reported above
    SCOPED_TRACE(want.role);
    EXPECT_EQ(a->state, b->state);
    EXPECT_EQ(a->uid, want.fields.family == AF_UNIX ? 0u : b->uid);
    EXPECT_EQ(a->unix_flags, b->unix_flags);
    EXPECT_EQ(a->ref_count, b->ref_count);
    EXPECT_EQ(a->owners, b->owners);
    if (want.fields.family != AF_UNIX) {
      EXPECT_EQ(a->recv_q, b->recv_q);
      if (a->state != tcp_state::listen) {
        EXPECT_EQ(a->send_q, b->send_q);
      }
      EXPECT_EQ(a->timer, b->timer);
    }
  }
}

}  // namespace
}  // namespace netsnap::live
