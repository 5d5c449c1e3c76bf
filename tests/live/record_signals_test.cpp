// Signals to a running netsnap-record: SIGTERM finishes cleanly (exit 0, a complete file),
// a second SIGTERM exits at once even when the clean stop cannot finish, and SIGHUP reopens
// the output path after logrotate moved the file away, continuing the sequence numbers.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "live_support.h"
#include "namespace_owner.h"

namespace netsnap::live {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class RecordSignals : public ::testing::Test {
 protected:
  bool start(ProcessRun& run, const NamespaceOwner& owner, const std::string& file,
             std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--netns", owner.netns_path(), "-c", "0.2", "-o", file};
    args.insert(args.end(), extra.begin(), extra.end());
    return run.start(recorder_binary(), {args, "", {}, false, dir_.path()});
  }
  static bool has_snapshots(const std::string& file, size_t n) {
    return scan_frames(file).snapshots() >= n;
  }
  int verify(const std::string& file) {
    ProcessRun run;
    if (!run.start(analyzer_binary(), {{"verify", file}, "", {}, false, dir_.path()})) return -1;
    const ExitStatus status = run.wait(seconds(30));
    return status.exited ? status.code : -1;
  }
  TempDir dir_;
};

void expect_contiguous(const Recording& recording, uint64_t first_seq) {
  for (size_t i = 0; i < recording.snapshots.size(); ++i) {
    EXPECT_EQ(recording.snapshots[i].seq, first_seq + i);
  }
}

TEST_F(RecordSignals, SigtermFinishesTheFileAndExitsZero) {
  NETSNAP_START_OWNER(owner, SocketScenario::minimal, dir_.path());
  const std::string file = dir_.file("term.netsnap");
  ProcessRun run;
  ASSERT_TRUE(start(run, owner, file)) << run.error();
  ASSERT_TRUE(eventually([&] { return has_snapshots(file, 3); }, seconds(15)));
  ASSERT_EQ(::kill(run.pid(), SIGTERM), 0);
  const ExitStatus status = run.wait(seconds(5));
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << run.stderr_text();
  const auto lines = run.stderr_lines();
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines.back().find(" snapshots, "), std::string::npos) << "summary: " << lines.back();

  // Complete: whole frames to the last byte, closed by the final time index.
  const FrameScan frames = scan_frames(file);
  ASSERT_TRUE(frames.preamble_ok);
  EXPECT_EQ(frames.parsed_end, frames.file_size) << "a torn frame at the end";
  ASSERT_FALSE(frames.frames.empty());
  EXPECT_EQ(frames.frames.back().type, RecordType::index);
  EXPECT_EQ(frames.count(RecordType::header), 1u);
  const Recording recording = read_recording({file});
  ASSERT_TRUE(recording.ok) << recording.error;
  EXPECT_TRUE(recording.damage.empty());
  EXPECT_GE(recording.snapshots.size(), 3u);
  EXPECT_EQ(recording.snapshots.size(), frames.snapshots());
  expect_contiguous(recording, 1);
  EXPECT_EQ(verify(file), 0);
}

// The first SIGTERM asks for a clean stop; while that cannot finish (here: the sampling thread
// is frozen with ptrace, as a capture stuck in a slow /proc would be) a second one must end
// the process at once. Every snapshot written before stays readable.
TEST_F(RecordSignals, SecondSigtermExitsAtOnce) {
  NETSNAP_START_OWNER(owner, SocketScenario::minimal, dir_.path());
  const std::string file = dir_.file("twice.netsnap");
  ProcessRun run;
  ASSERT_TRUE(start(run, owner, file, {"-q"})) << run.error();
  ASSERT_TRUE(eventually([&] { return has_snapshots(file, 2); }, seconds(15)));

  // Freeze only the main thread (the sampling loop); the signal watcher thread runs on.
  if (::ptrace(PTRACE_SEIZE, run.pid(), nullptr, nullptr) != 0) {
    GTEST_SKIP() << "ptrace(PTRACE_SEIZE): " << std::strerror(errno)
                 << " - needed to hold the recorder in the middle of its clean stop";
  }
  ASSERT_EQ(::ptrace(PTRACE_INTERRUPT, run.pid(), nullptr, nullptr), 0) << std::strerror(errno);
  int status = 0;
  ASSERT_EQ(::waitpid(run.pid(), &status, __WALL), run.pid());
  ASSERT_TRUE(WIFSTOPPED(status));
  // Frozen at an arbitrary point: almost always asleep between ticks, but possibly inside a
  // write, so a torn frame at the very end is allowed (the second signal does not wait).
  const FrameScan frozen = scan_frames(file);
  const size_t written = frozen.snapshots();

  ASSERT_EQ(::kill(run.pid(), SIGTERM), 0);
  timespec pause{0, 500'000'000};
  nanosleep(&pause, nullptr);
  ASSERT_EQ(::waitpid(run.pid(), &status, WNOHANG | __WALL), 0)
      << "the first SIGTERM must wait for the snapshot in progress";

  ASSERT_EQ(::kill(run.pid(), SIGTERM), 0);
  const ExitStatus exit = run.wait(seconds(3));
  ASSERT_TRUE(exit.finished) << "a second SIGTERM did not end the recorder";
  EXPECT_TRUE(exit.exited && exit.code == 128 + SIGTERM) << exit.describe();

  const Recording recording = read_recording({file});
  ASSERT_TRUE(recording.ok) << recording.error;
  for (const DamagedRegion& damage : recording.damage) {
    EXPECT_GE(damage.offset, frozen.parsed_end) << "damage before the end: " << damage.reason;
  }
  EXPECT_EQ(recording.snapshots.size(), written);
  expect_contiguous(recording, 1);
}

TEST_F(RecordSignals, SighupReopensTheOutputAndContinuesTheSequence) {
  NETSNAP_START_OWNER(owner, SocketScenario::minimal, dir_.path());
  const std::string file = dir_.file("rotate.netsnap"), rotated = file + ".1";
  ProcessRun run;
  ASSERT_TRUE(start(run, owner, file, {"-q"})) << run.error();
  ASSERT_TRUE(eventually([&] { return has_snapshots(file, 2); }, seconds(15)));
  ASSERT_EQ(std::rename(file.c_str(), rotated.c_str()), 0);  // what logrotate does
  ASSERT_EQ(::kill(run.pid(), SIGHUP), 0);
  ASSERT_TRUE(eventually([&] { return has_snapshots(file, 2); }, seconds(15)))
      << "no new recording at " << file << " after SIGHUP";
  ASSERT_EQ(::kill(run.pid(), SIGTERM), 0);
  const ExitStatus status = run.wait(seconds(5));
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << run.stderr_text();

  const Recording old_part = read_recording({rotated});
  const Recording new_part = read_recording({file});
  ASSERT_TRUE(old_part.ok) << old_part.error;
  ASSERT_TRUE(new_part.ok) << new_part.error;
  EXPECT_TRUE(old_part.damage.empty());
  EXPECT_TRUE(new_part.damage.empty());
  ASSERT_GE(old_part.snapshots.size(), 2u);
  ASSERT_GE(new_part.snapshots.size(), 2u);
  expect_contiguous(old_part, 1);
  expect_contiguous(new_part, old_part.snapshots.back().seq + 1);

  // The old file was closed properly (final index); the new one is a recording of its own.
  const FrameScan old_frames = scan_frames(rotated), new_frames = scan_frames(file);
  EXPECT_EQ(old_frames.frames.back().type, RecordType::index);
  EXPECT_EQ(new_frames.count(RecordType::header), 1u);
  ASSERT_GE(new_frames.frames.size(), 2u);
  EXPECT_EQ(new_frames.frames[1].type, RecordType::key) << "a new file starts with a key";
  EXPECT_EQ(new_part.header.host_name, old_part.header.host_name);

  // Together they are one timeline.
  const Recording both = read_recording({rotated, file});
  ASSERT_TRUE(both.ok) << both.error;
  EXPECT_EQ(both.snapshots.size(), old_part.snapshots.size() + new_part.snapshots.size());
  expect_contiguous(both, 1);
  EXPECT_EQ(verify(rotated), 0);
  EXPECT_EQ(verify(file), 0);
}

}  // namespace
}  // namespace netsnap::live
