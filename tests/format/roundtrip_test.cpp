// Every field written comes back unchanged, through key snapshots and through deltas.
#include <gtest/gtest.h>

#include "format/sample_snapshots.h"
#include "netsnap/frame.h"
#include "netsnap/recording_reader.h"
#include "netsnap/recording_writer.h"

using namespace netsnap;
using namespace netsnap::testing;

namespace {

std::vector<Snapshot> write_samples(const std::string& path, int count, WriterOptions options) {
  auto writer = RecordingWriter::create(path, sample_header(), options);
  EXPECT_TRUE(writer.ok()) << writer.error().message;
  std::vector<Snapshot> written;
  for (int i = 0; i < count; ++i) {
    Snapshot s = sample_snapshot(i);
    EXPECT_TRUE(writer->write(s).ok());
    s.seq = i + 1;
    written.push_back(s);
  }
  EXPECT_TRUE(writer->close().ok());
  return written;
}

// Sockets come back in stored order (survivors, then new ones); compare as sets.
void expect_same(const Snapshot& want, Snapshot got) {
  Snapshot w = want;
  auto order = [](const Socket& a, const Socket& b) {
    return std::tie(a.family, a.cookie, a.inode, a.unix_path) <
           std::tie(b.family, b.cookie, b.inode, b.unix_path);
  };
  for (auto* s : {&w, &got})
    for (auto& ns : s->namespaces) std::sort(ns.sockets.begin(), ns.sockets.end(), order);
  // Member by member, so a failure names the part that differs.
  EXPECT_EQ(w.seq, got.seq);
  EXPECT_EQ(w.wall_ns, got.wall_ns);
  EXPECT_EQ(w.mono_ns, got.mono_ns);
  EXPECT_EQ(w.capture_ns, got.capture_ns);
  EXPECT_EQ(w.source, got.source);
  EXPECT_EQ(w.errors.size(), got.errors.size()) << "errors of seq " << want.seq;
  EXPECT_TRUE(w.processes == got.processes) << "processes of seq " << want.seq;
  EXPECT_TRUE(w.counters == got.counters) << "counters of seq " << want.seq;
  EXPECT_TRUE(w.settings_changed == got.settings_changed) << "settings of seq " << want.seq;
  EXPECT_TRUE(w.users_added == got.users_added) << "users of seq " << want.seq;
  ASSERT_EQ(w.namespaces.size(), got.namespaces.size()) << "seq " << want.seq;
  for (size_t n = 0; n < w.namespaces.size(); ++n) {
    EXPECT_EQ(w.namespaces[n].inode, got.namespaces[n].inode);
    EXPECT_EQ(w.namespaces[n].name, got.namespaces[n].name);
    ASSERT_EQ(w.namespaces[n].sockets.size(), got.namespaces[n].sockets.size()) << "seq " << want.seq;
    for (size_t i = 0; i < w.namespaces[n].sockets.size(); ++i)
      EXPECT_TRUE(w.namespaces[n].sockets[i] == got.namespaces[n].sockets[i])
          << "seq " << want.seq << " socket " << i << " inode " << w.namespaces[n].sockets[i].inode;
  }
  EXPECT_TRUE(w == got) << "snapshot seq " << want.seq;
}

}  // namespace

TEST(RoundTrip, HeaderAndEverySnapshotFieldSurviveKeysAndDeltas) {
  for (uint32_t key_interval : {1u, 3u, 100u}) {
    std::string path = temp_path("roundtrip-" + std::to_string(key_interval) + ".netsnap");
    WriterOptions options;
    options.key_interval = key_interval;
    options.index_every = 4;
    auto written = write_samples(path, 9, options);
    auto timeline = Timeline::open({path}, ScanMode::full);
    ASSERT_TRUE(timeline.ok()) << timeline.error().message;
    FileHeader want = sample_header();
    want.format_version = FORMAT_VERSION;
    EXPECT_EQ(timeline->header(), want);
    ASSERT_EQ(timeline->entries().size(), written.size());
    EXPECT_TRUE(timeline->damage().empty());
    auto cursor = timeline->cursor();
    size_t n = 0;
    while (cursor.next()) expect_same(written[n++], cursor.current());
    EXPECT_EQ(n, written.size());
  }
}

TEST(RoundTrip, AllNetnsRequestAndItsRefusalSurviveInTheHeader) {
  for (bool own_only : {false, true}) {
    std::string path = temp_path(std::string("roundtrip-all-netns-") + (own_only ? "own" : "all") +
                                 ".netsnap");
    FileHeader header = sample_header();
    header.options.all_netns = true;
    header.own_netns_only = own_only;
    auto writer = RecordingWriter::create(path, header, WriterOptions{});
    ASSERT_TRUE(writer.ok()) << writer.error().message;
    ASSERT_TRUE(writer->write(sample_snapshot(0)).ok());
    ASSERT_TRUE(writer->close().ok());
    auto timeline = Timeline::open({path}, ScanMode::full);
    ASSERT_TRUE(timeline.ok()) << timeline.error().message;
    EXPECT_TRUE(timeline->header().options.all_netns);
    EXPECT_EQ(timeline->header().own_netns_only, own_only);
  }
}

TEST(RoundTrip, ChangesNameOpenedClosedAndChangedSockets) {
  std::string path = temp_path("changes.netsnap");
  WriterOptions options;
  options.key_interval = 4;
  auto written = write_samples(path, 8, options);
  for (ScanMode mode : {ScanMode::fast, ScanMode::full}) {
    auto timeline = Timeline::open({path}, mode);
    ASSERT_TRUE(timeline.ok());
    auto cursor = timeline->cursor();
    ASSERT_TRUE(cursor.next());
    EXPECT_FALSE(cursor.changes().has_previous);
    while (cursor.next()) {
      const auto& c = cursor.changes();
      ASSERT_TRUE(c.has_previous);
      const Snapshot& prev = cursor.previous();
      const Snapshot& cur = cursor.current();
      ASSERT_EQ(c.namespaces.size(), cur.namespaces.size());
      const NamespaceChanges& nc = c.namespaces[0];
      const auto& ps = prev.namespaces[0].sockets;
      const auto& cs = cur.namespaces[0].sockets;
      // Every socket is accounted for exactly once.
      EXPECT_EQ(ps.size() - nc.closed.size() + nc.opened.size(), cs.size());
      for (auto [p, q] : nc.changed) {
        EXPECT_EQ(ps[p].cookie, cs[q].cookie);
        EXPECT_NE(ps[p], cs[q]);
      }
      for (uint32_t q : nc.opened)
        for (const auto& old : ps) EXPECT_FALSE(old.cookie == cs[q].cookie && old.inode == cs[q].inode);
      // Sockets neither opened nor changed are identical to before.
      size_t unchanged = cs.size() - nc.opened.size() - nc.changed.size();
      size_t same = 0;
      for (const auto& s : cs)
        for (const auto& old : ps) same += (s == old);
      EXPECT_EQ(same, unchanged);
    }
  }
}

TEST(RoundTrip, SeekingLandsOnTheLastSnapshotAtOrBeforeTheTime) {
  std::string path = temp_path("seek.netsnap");
  WriterOptions options;
  options.key_interval = 3;
  options.index_every = 2;
  auto written = write_samples(path, 10, options);
  auto timeline = Timeline::open({path}, ScanMode::fast);
  ASSERT_TRUE(timeline.ok());
  EXPECT_FALSE(timeline->index_at_or_before(written[0].wall_ns - 1).has_value());
  for (size_t i = 0; i < written.size(); ++i) {
    auto at = timeline->index_at_or_before(written[i].wall_ns + 500'000'000);
    ASSERT_TRUE(at.has_value());
    EXPECT_EQ(*at, i);
    auto snapshot = timeline->snapshot_at(*at);
    ASSERT_TRUE(snapshot.ok());
    expect_same(written[i], *snapshot);
    // A cursor started there replays the rest.
    auto cursor = timeline->cursor(i);
    ASSERT_TRUE(cursor.next());
    expect_same(written[i], cursor.current());
  }
}
