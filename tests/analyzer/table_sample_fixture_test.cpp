// fixtures/table-sample.netsnap is table_sample_recording.h written by the format library. The
// golden outputs in tests/cli/golden/ come from it, so it must stay what its recipe says.
#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "analyzer/table_sample_recording.h"
#include "netsnap/recording_reader.h"
#include "netsnap/recording_writer.h"

namespace netsnap::table_sample {
namespace {

// Regenerates the fixture (and so the goldens must be re-checked by hand): run with
// --gtest_also_run_disabled_tests --gtest_filter='TableSampleFixture.DISABLED_WriteFixture'.
TEST(TableSampleFixture, DISABLED_WriteFixture) {
  WriterOptions options;
  options.key_interval = key_interval;
  options.index_every = 4;
  auto writer = RecordingWriter::create(fixture_path(), header(), options);
  ASSERT_TRUE(writer.ok()) << writer.error().message;
  for (int i = 0; i < snapshot_count; ++i) ASSERT_TRUE(writer->write(snapshot(i)).ok());
  ASSERT_TRUE(writer->close().ok());
}

TEST(TableSampleFixture, CommittedFixtureIsItsRecipe) {
  auto timeline = Timeline::open({fixture_path()}, ScanMode::full);
  ASSERT_TRUE(timeline.ok()) << timeline.error().message;
  EXPECT_TRUE(timeline->damage().empty());
  EXPECT_EQ(timeline->header().services_db, header().services_db);
  EXPECT_EQ(timeline->header().users, header().users);
  ASSERT_EQ(timeline->entries().size(), size_t(snapshot_count));
  EXPECT_TRUE(timeline->entries()[0].is_key);
  EXPECT_TRUE(timeline->entries()[3].is_key);
  EXPECT_FALSE(timeline->entries()[4].is_key);
  Cursor cursor = timeline->cursor();
  int i = 0;
  while (cursor.next()) {
    const Snapshot want = snapshot(i);
    const Snapshot& got = cursor.current();
    EXPECT_EQ(got.wall_ns, want.wall_ns) << i;
    EXPECT_EQ(got.processes, want.processes) << i;
    EXPECT_EQ(got.users_added, want.users_added) << i;
    ASSERT_EQ(got.namespaces.size(), want.namespaces.size()) << i;
    for (size_t n = 0; n < want.namespaces.size(); ++n) {
      auto a = want.namespaces[n].sockets, b = got.namespaces[n].sockets;
      const auto order = [](const Socket& x, const Socket& y) { return x.cookie < y.cookie; };
      std::sort(a.begin(), a.end(), order);
      std::sort(b.begin(), b.end(), order);
      EXPECT_EQ(a, b) << "snapshot " << i << " namespace " << n;
    }
    ++i;
  }
  EXPECT_EQ(i, snapshot_count);
}

}  // namespace
}  // namespace netsnap::table_sample
