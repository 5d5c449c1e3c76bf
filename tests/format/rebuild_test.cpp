// Rebuilding a snapshot from its key through many deltas (with tombstones) gives exactly what
// replaying the whole recording gives, on a churning synthetic host.
#include <gtest/gtest.h>

#include "format/sample_snapshots.h"
#include "netsnap/recording_reader.h"
#include "synth/synthetic_recording.h"

using namespace netsnap;

TEST(Rebuild, EverySnapshotRebuiltFromItsKeyEqualsTheReplayedOne) {
  synth::SyntheticSpec spec;
  spec.sockets = 400;
  spec.snapshots = 90;
  spec.churn = 0.05;
  spec.queue_activity = 0.2;
  spec.tcp_info = true;
  spec.namespaces = 2;
  spec.gaps_after = {10, 40};
  WriterOptions options;
  options.key_interval = 40;
  std::string path = netsnap::testing::temp_path("rebuild.netsnap");
  ASSERT_TRUE(synth::write_synthetic_recording(path, spec, options).ok());

  // The generator's own snapshots are the truth.
  synth::SyntheticHost host(spec);
  std::vector<Snapshot> truth;
  for (uint64_t i = 0; i < spec.snapshots; ++i) truth.push_back(host.next());

  auto timeline = Timeline::open({path}, ScanMode::fast);
  ASSERT_TRUE(timeline.ok());
  ASSERT_EQ(timeline->entries().size(), spec.snapshots);
  auto cursor = timeline->cursor();
  size_t i = 0;
  while (cursor.next()) {
    auto rebuilt = timeline->snapshot_at(i);
    ASSERT_TRUE(rebuilt.ok());
    // Replayed and rebuilt agree exactly, order included.
    ASSERT_EQ(cursor.current().namespaces, rebuilt->namespaces) << "snapshot " << i;
    EXPECT_EQ(cursor.current().counters, rebuilt->counters);
    // And both hold the generator's sockets (as a set: stored order may differ).
    for (size_t n = 0; n < truth[i].namespaces.size(); ++n) {
      auto a = truth[i].namespaces[n].sockets, b = rebuilt->namespaces[n].sockets;
      auto order = [](const Socket& x, const Socket& y) {
        return std::tie(x.cookie, x.inode, x.unix_path) < std::tie(y.cookie, y.inode, y.unix_path);
      };
      std::sort(a.begin(), a.end(), order);
      std::sort(b.begin(), b.end(), order);
      ASSERT_EQ(a, b) << "snapshot " << i << " namespace " << n;
    }
    ++i;
  }
  EXPECT_EQ(i, spec.snapshots);
}

TEST(Rebuild, ChangesOnlyCursorCarriesTheOldValuesOfClosedAndChangedSockets) {
  synth::SyntheticSpec spec;
  spec.sockets = 300;
  spec.snapshots = 50;
  spec.churn = 0.05;
  spec.queue_activity = 0.2;
  WriterOptions options;
  options.key_interval = 20;
  std::string path = netsnap::testing::temp_path("changes-only.netsnap");
  ASSERT_TRUE(synth::write_synthetic_recording(path, spec, options).ok());
  auto timeline = Timeline::open({path}, ScanMode::fast);
  ASSERT_TRUE(timeline.ok());
  auto full = timeline->cursor(0, CursorMode::with_previous);
  auto lean = timeline->cursor(0, CursorMode::changes_only);
  size_t steps = 0, closed_seen = 0, changed_seen = 0;
  while (full.next()) {
    ASSERT_TRUE(lean.next());
    ASSERT_EQ(full.current(), lean.current());
    EXPECT_TRUE(lean.previous().namespaces.empty());
    const auto& c = lean.changes();
    ASSERT_EQ(c.has_previous, full.changes().has_previous);
    if (!c.has_previous) continue;
    for (size_t n = 0; n < c.namespaces.size(); ++n) {
      const auto& nc = c.namespaces[n];
      const auto& before = full.previous().namespaces[n].sockets;
      ASSERT_EQ(nc.closed_sockets.size(), nc.closed.size());
      ASSERT_EQ(nc.changed_before.size(), nc.changed.size());
      for (size_t i = 0; i < nc.closed.size(); ++i) EXPECT_EQ(nc.closed_sockets[i], before[nc.closed[i]]);
      for (size_t i = 0; i < nc.changed.size(); ++i) EXPECT_EQ(nc.changed_before[i], before[nc.changed[i].first]);
      closed_seen += nc.closed.size();
      changed_seen += nc.changed.size();
    }
    ++steps;
  }
  EXPECT_FALSE(lean.next());
  EXPECT_GT(steps, 40u);
  EXPECT_GT(closed_seen, 100u);   // churn reached the key snapshots' path and the deltas' path
  EXPECT_GT(changed_seen, 100u);
}
