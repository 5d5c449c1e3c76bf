// What netsnap-record does with its output and its environment: appending continues the
// timeline, --force starts over, a recording of another host is refused untouched; without
// netlink it falls back to /proc and says so; as an unprivileged user it records what it can
// see and says once that owners are missing.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "live_support.h"
#include "namespace_owner.h"
#include "netsnap/recording_writer.h"
#include "recording_checks.h"

namespace netsnap::live {
namespace {

class RecordOutput : public ::testing::Test {
 protected:
  // The recorder inside the owner's namespace, quiet unless `extra` says otherwise.
  ExitStatus record(ProcessRun& run, const NamespaceOwner& owner, std::vector<std::string> args,
                    bool block_netlink = false, std::optional<uid_t> as = {}) {
    return run_recorder({args, owner.netns_path(), as, block_netlink, dir_.path()}, run);
  }
  TempDir dir_;
};

TEST_F(RecordOutput, AppendingContinuesTheTimeline) {
  NETSNAP_START_OWNER(owner, SocketScenario::minimal, dir_.path());
  const std::string file = dir_.file("append.netsnap");
  ProcessRun first, second;
  ExitStatus status = record(first, owner, {"-n", "2", "-c", "0.1", "-o", file});
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << first.stderr_text();
  EXPECT_EQ(first.stderr_text().find("appending"), std::string::npos);
  status = record(second, owner, {"-n", "2", "-c", "0.1", "-o", file});
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << second.stderr_text();
  EXPECT_NE(second.stderr_lines().at(0).find("(appending)"), std::string::npos)
      << second.stderr_text();

  const FrameScan frames = scan_frames(file);
  EXPECT_EQ(frames.count(RecordType::header), 2u) << "one more header for the second run";
  EXPECT_EQ(frames.parsed_end, frames.file_size);
  const Recording recording = read_recording({file});
  ASSERT_TRUE(recording.ok) << recording.error;
  EXPECT_TRUE(recording.damage.empty());
  ASSERT_EQ(recording.snapshots.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(recording.snapshots[i].seq, i + 1);
  ASSERT_EQ(recording.entries.size(), 4u);
  EXPECT_TRUE(recording.entries[2].is_key) << "each run starts with a key snapshot";
  EXPECT_GT(recording.snapshots[2].wall_ns, recording.snapshots[1].wall_ns);
}

TEST_F(RecordOutput, ForceStartsTheRecordingOver) {
  NETSNAP_START_OWNER(owner, SocketScenario::minimal, dir_.path());
  const std::string file = dir_.file("force.netsnap");
  ProcessRun first, second;
  ExitStatus status = record(first, owner, {"-q", "-n", "3", "-c", "0.1", "-o", file});
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe();
  status = record(second, owner, {"-q", "--force", "-n", "1", "-o", file});
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << second.stderr_text();
  EXPECT_EQ(scan_frames(file).count(RecordType::header), 1u);
  const Recording recording = read_recording({file});
  ASSERT_TRUE(recording.ok) << recording.error;
  ASSERT_EQ(recording.snapshots.size(), 1u);
  EXPECT_EQ(recording.snapshots[0].seq, 1u);
}

TEST_F(RecordOutput, ARecordingOfAnotherHostIsRefusedUntouched) {
  NETSNAP_START_OWNER(owner, SocketScenario::minimal, dir_.path());
  const std::string file = dir_.file("elsewhere.netsnap");
  {
    FileHeader header;
    header.host_name = "elsewhere.example";
    header.machine_id = "00112233445566778899aabbccddeeff";
    header.boot_id = "11111111-2222-3333-4444-555555555555";
    auto writer = RecordingWriter::create(file, header, WriterOptions{});
    ASSERT_TRUE(writer) << writer.error().message;
    ASSERT_TRUE(writer->write(Snapshot{}));
    ASSERT_TRUE(writer->close());
  }
  const std::string before = read_file(file);
  ProcessRun run;
  const ExitStatus status = record(run, owner, {"-n", "1", "-o", file});
  EXPECT_TRUE(status.exited && status.code == 2) << status.describe();
  const auto lines = run.stderr_lines();
  ASSERT_EQ(lines.size(), 1u) << run.stderr_text();
  EXPECT_TRUE(lines[0].starts_with("netsnap-record: ")) << lines[0];
  EXPECT_NE(lines[0].find("another host"), std::string::npos) << lines[0];
  EXPECT_EQ(read_file(file), before) << "the other host's recording was modified";
}

// --source proc is a choice; a kernel or sandbox without NETLINK_SOCK_DIAG forces it. Here a
// seccomp filter makes socket(AF_NETLINK) fail, as a container profile would.
TEST_F(RecordOutput, FallsBackToProcWhenNetlinkIsUnavailable) {
  NETSNAP_START_OWNER(owner, SocketScenario::every_state, dir_.path());
  const std::string file = dir_.file("fallback.netsnap");
  ProcessRun run;
  const ExitStatus status =
      record(run, owner, {"-q", "-n", "2", "-c", "0.2", "-o", file}, /*block_netlink=*/true);
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << run.stderr_text();
  const auto lines = run.stderr_lines();
  ASSERT_EQ(lines.size(), 1u) << run.stderr_text();
  EXPECT_TRUE(lines[0].starts_with("netsnap-record: ")) << lines[0];
  EXPECT_NE(lines[0].find("/proc"), std::string::npos) << lines[0];

  RecordingExpectations expect;
  expect.source = CaptureSource::proc;
  expect.requested = CaptureSource::netlink;
  const Recording recording = read_recording({file});
  check_owner_recording(recording, owner, expect);
  ASSERT_FALSE(recording.snapshots.empty());
  bool said_why = false;
  for (const CaptureError& e : recording.snapshots.front().errors) {
    said_why = said_why || (e.source == "netlink" && e.message.find("/proc") != std::string::npos);
  }
  EXPECT_TRUE(said_why) << "the first snapshot should carry why netlink was not used";
}

TEST_F(RecordOutput, UnprivilegedUserRecordsWithoutOtherUsersOwners) {
  NETSNAP_START_OWNER(owner, SocketScenario::every_state, dir_.path());
  constexpr uid_t nobody = 65534;
  const std::string out_dir = dir_.file("nobody");
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0711), 0);
  ASSERT_EQ(::mkdir(out_dir.c_str(), 0755), 0);
  ASSERT_EQ(::chown(out_dir.c_str(), nobody, nobody), 0);
  const std::string file = out_dir + "/unprivileged.netsnap";
  ProcessRun run;
  const ExitStatus status = record(run, owner, {"-q", "-n", "2", "-c", "0.2", "-o", file}, false, nobody);
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << run.stderr_text();
  const auto lines = run.stderr_lines();
  ASSERT_EQ(lines.size(), 1u) << "said once, and nothing else with -q:\n" << run.stderr_text();
  EXPECT_TRUE(lines[0].starts_with("netsnap-record: ")) << lines[0];
  EXPECT_NE(lines[0].find("owners of other users' sockets"), std::string::npos) << lines[0];

  RecordingExpectations expect;
  expect.owners = false;  // header owners_complete false; the root owner's sockets unowned
  check_owner_recording(read_recording({file}), owner, expect);
}

}  // namespace
}  // namespace netsnap::live
