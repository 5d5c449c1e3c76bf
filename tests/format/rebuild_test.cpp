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
