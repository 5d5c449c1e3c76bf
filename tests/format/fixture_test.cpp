// fixtures/v1-sample.netsnap was written by format version 1 (see fixtures/README.md). Every
// later version must keep reading it exactly: this is what "old recordings keep replaying"
// means in practice.
#include <gtest/gtest.h>

#include "format/sample_snapshots.h"
#include "netsnap/recording_reader.h"
#include "netsnap/recording_writer.h"

using namespace netsnap;
using namespace netsnap::testing;

namespace {
const std::string FIXTURE = std::string(NETSNAP_SOURCE_DIR) + "/fixtures/v1-sample.netsnap";
constexpr int FIXTURE_SNAPSHOTS = 8;
}  // namespace

// Regenerates the fixture. Only for a deliberate format change (never for a schema
// addition): run with --gtest_also_run_disabled_tests --gtest_filter='*WriteFixture*'.
TEST(Fixture, DISABLED_WriteFixture) {
  WriterOptions options;
  options.key_interval = 3;
  options.index_every = 4;
  auto writer = RecordingWriter::create(FIXTURE, sample_header(), options);
  ASSERT_TRUE(writer.ok());
  for (int i = 0; i < FIXTURE_SNAPSHOTS; ++i) ASSERT_TRUE(writer->write(sample_snapshot(i)).ok());
  ASSERT_TRUE(writer->close().ok());
}

TEST(Fixture, Version1SampleStillReadsExactly) {
  for (ScanMode mode : {ScanMode::fast, ScanMode::full}) {
    auto timeline = Timeline::open({FIXTURE}, mode);
    ASSERT_TRUE(timeline.ok()) << timeline.error().message;
    EXPECT_TRUE(timeline->damage().empty());
    EXPECT_EQ(timeline->files()[0].format_version, 1u);
    // Pinned literals, so that a change to sample_snapshots.cpp cannot hide a reader change.
    const FileHeader& h = timeline->header();
    EXPECT_EQ(h.host_name, "db-7.example");
    EXPECT_EQ(h.time_zone, "Europe/Berlin");
    EXPECT_EQ(h.options.netns, "blue");
    ASSERT_EQ(h.users.size(), 2u);
    EXPECT_EQ(h.users[1].name, "www-data");
    ASSERT_EQ(timeline->entries().size(), size_t(FIXTURE_SNAPSHOTS));
    auto cursor = timeline->cursor();
    int i = 0;
    while (cursor.next()) {
      Snapshot want = sample_snapshot(i);
      const Snapshot& got = cursor.current();
      EXPECT_EQ(got.seq, uint64_t(i + 1));
      EXPECT_EQ(got.wall_ns, want.wall_ns);
      EXPECT_EQ(got.processes, want.processes);
      EXPECT_EQ(got.counters, want.counters);
      ASSERT_EQ(got.namespaces.size(), want.namespaces.size());
      for (size_t n = 0; n < want.namespaces.size(); ++n) {
        auto a = want.namespaces[n].sockets, b = got.namespaces[n].sockets;
        auto order = [](const Socket& x, const Socket& y) {
          return std::tie(x.cookie, x.inode, x.unix_path) < std::tie(y.cookie, y.inode, y.unix_path);
        };
        std::sort(a.begin(), a.end(), order);
        std::sort(b.begin(), b.end(), order);
        EXPECT_EQ(a, b) << "snapshot " << i << " namespace " << n;
      }
      ++i;
    }
    EXPECT_EQ(i, FIXTURE_SNAPSHOTS);
    auto first = timeline->snapshot_at(0);
    ASSERT_TRUE(first.ok());
    bool found_spaced_path = false;
    for (const auto& s : first->namespaces[0].sockets)
      found_spaced_path |= s.unix_path == "/run/my sock 0";
    EXPECT_TRUE(found_spaced_path);
  }
}
