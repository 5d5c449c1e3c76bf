// The timeline's incremental counts must equal counting every socket of every snapshot from
// scratch, whatever happens between snapshots: sockets opening, closing and changing,
// namespaces appearing and vanishing, processes renamed, key snapshots and deltas. The
// snapshots go through the real writer and cursor, so the change lists are the library's own.
#include "timeline_counts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>

#include "netsnap/recording_reader.h"
#include "netsnap/recording_writer.h"

namespace netsnap::analysis {
namespace {

// A deterministic host whose sockets, namespaces and processes churn every snapshot.
class ChurningHost {
 public:
  Snapshot next() {
    if (produced_ == 0) {
      snapshot_.namespaces.push_back({4026531840, "", {}});
      for (int i = 0; i < 6; ++i) snapshot_.processes.push_back(process(100 + i));
      for (int i = 0; i < 60; ++i) snapshot_.namespaces[0].sockets.push_back(fresh_socket());
    } else {
      step();
    }
    snapshot_.wall_ns = 1'767'225'600'000'000'000 + static_cast<int64_t>(produced_) * 1'000'000'000;
    ++produced_;
    return snapshot_;
  }

 private:
  uint32_t random(uint32_t below) {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(state_ >> 33) % below;
  }

  Process process(int32_t pid) {
    Process p;
    p.pid = pid;
    p.comm = "prog" + std::to_string(random(4));
    p.argv0 = "/usr/bin/" + p.comm;
    return p;
  }

  Socket fresh_socket() {
    static constexpr uint8_t tcp_states[] = {1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    Socket s;
    s.cookie = ++cookie_;
    s.inode = random(5) == 0 ? 0 : 10'000 + cookie_;
    const uint32_t kind = random(10);
    if (kind < 6) {
      s.protocol = Protocol::tcp;
      s.state = tcp_states[random(sizeof tcp_states)];
    } else if (kind < 8) {
      s.protocol = random(4) == 0 ? Protocol::udplite : Protocol::udp;
      s.state = random(2) == 0 ? 1 : 7;
    } else if (kind < 9) {
      s.protocol = Protocol::raw;
      s.state = 7;
    } else {
      s.protocol = Protocol::unix_;
      s.family = 1;
      s.unix_type = 1;
      s.state = static_cast<uint8_t>(1 + random(3));
    }
    if (s.protocol != Protocol::unix_) {
      s.family = random(3) == 0 ? 10 : 2;
      s.local.port = static_cast<uint16_t>(random(3) == 0 ? 80 : 30000 + random(40));
      s.remote.port = static_cast<uint16_t>(random(50));
      s.remote.address[0] = static_cast<uint8_t>(random(3) == 0 ? 0 : 10);
      s.remote.address[3] = static_cast<uint8_t>(random(8));
      if (s.family == 10 && random(2) == 0) {  // an IPv4-mapped peer
        s.remote.address = {};
        s.remote.address[10] = s.remote.address[11] = 0xff;
        s.remote.address[12] = 10;
        s.remote.address[15] = static_cast<uint8_t>(random(8));
      }
    }
    s.recv_q = random(3) == 0 ? random(5000) : 0;
    s.send_q = random(3) == 0 ? random(5000) : 0;
    s.owners = {snapshot_.processes[random(static_cast<uint32_t>(snapshot_.processes.size()))].pid};
    return s;
  }

  void step() {
    for (Namespace& ns : snapshot_.namespaces) {
      std::erase_if(ns.sockets, [&](const Socket&) { return random(20) == 0; });
      for (Socket& s : ns.sockets) {
        if (random(8) == 0) s.recv_q = random(3000);
        if (random(12) == 0 && s.protocol == Protocol::tcp)
          s.state = static_cast<uint8_t>(1 + random(11));
      }
      for (uint32_t n = random(5); n > 0; --n) ns.sockets.push_back(fresh_socket());
    }
    if (produced_ % 7 == 0) {
      Namespace ns{4026532000 + produced_, "ns" + std::to_string(produced_), {}};
      for (int i = 0; i < 8; ++i) ns.sockets.push_back(fresh_socket());
      snapshot_.namespaces.push_back(std::move(ns));
    }
    if (produced_ % 11 == 0 && snapshot_.namespaces.size() > 1) {
      snapshot_.namespaces.erase(snapshot_.namespaces.begin() + 1);
    }
    if (produced_ % 5 == 0) {  // a process renamed (exec) while its sockets stay as they are
      Process& p = snapshot_.processes[random(static_cast<uint32_t>(snapshot_.processes.size()))];
      p.comm = "renamed" + std::to_string(produced_);
      p.argv0 = p.comm;
    }
    if (produced_ % 3 == 0) snapshot_.processes[0].fd_count += 1;  // a change that renames nothing
  }

  Snapshot snapshot_;
  uint64_t produced_ = 0, cookie_ = 0, state_ = 12345;
};

class TempRecording {
 public:
  TempRecording() {
    char name[] = "/tmp/netsnap-timeline-test-XXXXXX";
    const int fd = mkstemp(name);
    if (fd >= 0) close(fd);
    path_ = name;
  }
  ~TempRecording() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::map<std::string, int64_t> by_name(const TimelineGrouping& grouping,
                                       const TimelineCounter& counter) {
  std::map<std::string, int64_t> named;
  for (size_t c = 0; c < grouping.column_names().size(); ++c) {
    const int64_t value = counter.count(static_cast<uint32_t>(c));
    if (value != 0) named[grouping.column_names()[c]] = value;
  }
  return named;
}

// Counting `snapshot` from scratch with a grouping of its own.
std::map<std::string, int64_t> recounted(TimelineGroupBy by, const Snapshot& snapshot) {
  TimelineGrouping grouping(by);
  TimelineCounter counter(grouping);
  counter.update(snapshot, SnapshotChanges{});
  return by_name(grouping, counter);
}

// 60 snapshots of a ChurningHost; empty, or what failed.
std::string write_churning_recording(const std::string& path) {
  WriterOptions options;
  options.key_interval = 4;  // keys (changes computed by matching) and deltas alike
  auto writer = RecordingWriter::create(path, FileHeader{}, options);
  if (!writer) return writer.error().message;
  ChurningHost host;
  for (int i = 0; i < 60; ++i)
    if (Status written = writer->write(host.next()); !written) return written.error().message;
  if (Status closed = writer->close(); !closed) return closed.error().message;
  return "";
}

class IncrementalCounts : public ::testing::TestWithParam<TimelineGroupBy> {};

TEST_P(IncrementalCounts, EqualCountingEverySocketOfEverySnapshot) {
  TempRecording file;
  ASSERT_EQ(write_churning_recording(file.path()), "");
  auto timeline = Timeline::open({file.path()}, ScanMode::fast);
  ASSERT_TRUE(timeline.ok()) << timeline.error().message;
  TimelineGrouping grouping(GetParam());
  TimelineCounter counter(grouping);
  Cursor cursor = timeline->cursor(0, CursorMode::changes_only);
  int snapshots = 0;
  uint64_t vanished = 0;  // steps in which a namespace vanished
  std::map<std::string, int64_t> highest;
  while (cursor.next()) {
    counter.update(cursor.current(), cursor.changes());
    if (!cursor.changes().namespaces_gone.empty()) ++vanished;
    const auto want = recounted(GetParam(), cursor.current());
    ASSERT_EQ(by_name(grouping, counter), want) << "snapshot " << snapshots;
    for (const auto& [name, value] : want) highest[name] = std::max(highest[name], value);
    ++snapshots;
  }
  EXPECT_EQ(snapshots, 60);
  for (const auto& [name, value] : highest) {
    const auto& names = grouping.column_names();
    const size_t column =
        static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin());
    EXPECT_EQ(counter.peaks().at(column), value) << name;
  }
  EXPECT_GE(vanished, 3u);  // the host makes them vanish; else this test proves less
  if (GetParam() == TimelineGroupBy::program) {
    // Renames force a recount (every fifth snapshot) besides the vanished namespaces.
    EXPECT_GT(counter.full_recounts(), 1 + vanished + 5);
    EXPECT_LT(counter.full_recounts(), 1 + vanished + 15);
  } else {
    // The first snapshot and the steps where a namespace vanished: the rest from changes.
    EXPECT_EQ(counter.full_recounts(), 1 + vanished);
  }
}

// The summary replay's counter (fixed groupings) over the same churning host: namespaces
// appearing and vanishing, states changing, sockets opening and closing.
TEST(SummaryCounts, EqualCountingEverySocketOfEverySnapshot) {
  TempRecording file;
  ASSERT_EQ(write_churning_recording(file.path()), "");
  auto timeline = Timeline::open({file.path()}, ScanMode::fast);
  ASSERT_TRUE(timeline.ok()) << timeline.error().message;
  for (const TimelineGroupBy by : {TimelineGroupBy::state, TimelineGroupBy::proto}) {
    TimelineGrouping grouping(by);
    SummaryCounter counter(grouping);
    SummaryCursor summaries = timeline->summary_cursor(0);
    Cursor whole = timeline->cursor(0);
    int snapshots = 0;
    while (summaries.next()) {
      ASSERT_TRUE(whole.next());
      counter.update(summaries.current(), summaries.changes());
      std::map<std::string, int64_t> named;
      for (size_t c = 0; c < grouping.column_names().size(); ++c) {
        const int64_t value = counter.count(static_cast<uint32_t>(c));
        if (value != 0) named[grouping.column_names()[c]] = value;
      }
      ASSERT_EQ(named, recounted(by, whole.current())) << "snapshot " << snapshots;
      ++snapshots;
    }
    EXPECT_FALSE(whole.next());
    EXPECT_EQ(snapshots, 60);
    EXPECT_EQ(counter.full_recounts(), 15u);  // the first snapshot and every key after it
  }
}

std::string grouping_name(const ::testing::TestParamInfo<TimelineGroupBy>& info) {
  static constexpr const char* names[] = {"state", "proto", "local_port", "remote", "program"};
  return names[static_cast<size_t>(info.param)];
}

INSTANTIATE_TEST_SUITE_P(EveryGrouping, IncrementalCounts,
                         ::testing::Values(TimelineGroupBy::state, TimelineGroupBy::proto,
                                           TimelineGroupBy::local_port, TimelineGroupBy::remote,
                                           TimelineGroupBy::program),
                         grouping_name);

}  // namespace
}  // namespace netsnap::analysis
