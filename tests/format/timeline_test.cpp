// Several files read as one timeline, in time order; directories expand to their recordings.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "format/sample_snapshots.h"
#include "netsnap/frame.h"
#include "netsnap/recording_reader.h"
#include "netsnap/recording_writer.h"

using namespace netsnap;
using namespace netsnap::testing;

namespace {

void write_range(const std::string& path, int from, int to) {
  auto writer = RecordingWriter::create(path, sample_header(), WriterOptions{});
  ASSERT_TRUE(writer.ok());
  for (int i = from; i < to; ++i) ASSERT_TRUE(writer->write(sample_snapshot(i)).ok());
  ASSERT_TRUE(writer->close().ok());
}

}  // namespace

TEST(Timeline, FilesGivenOutOfOrderReadAsOneTimeline) {
  auto dir = std::filesystem::path(temp_path("rotated"));
  std::filesystem::create_directories(dir);
  write_range((dir / "b.netsnap").string(), 4, 8);
  write_range((dir / "a.netsnap").string(), 0, 4);
  write_range((dir / "c.netsnap").string(), 10, 12);  // a gap between b and c
  auto timeline = Timeline::open({(dir / "c.netsnap").string(), (dir / "a.netsnap").string(),
                                  (dir / "b.netsnap").string()},
                                 ScanMode::fast);
  ASSERT_TRUE(timeline.ok()) << timeline.error().message;
  ASSERT_EQ(timeline->files().size(), 3u);
  EXPECT_EQ(std::filesystem::path(timeline->files()[0].path).filename(), "a.netsnap");
  ASSERT_EQ(timeline->entries().size(), 10u);
  std::vector<int64_t> times;
  auto cursor = timeline->cursor();
  while (cursor.next()) times.push_back(cursor.current().wall_ns);
  ASSERT_EQ(times.size(), 10u);
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
  EXPECT_EQ(times.back(), sample_snapshot(11).wall_ns);

  // The directory itself reads the same.
  auto from_dir = Timeline::open({dir.string()}, ScanMode::full);
  ASSERT_TRUE(from_dir.ok());
  EXPECT_EQ(from_dir->entries().size(), 10u);
  // Seeking into the second file rebuilds from that file's own key snapshot.
  auto at = from_dir->index_at_or_before(sample_snapshot(6).wall_ns);
  ASSERT_TRUE(at.has_value());
  auto snapshot = from_dir->snapshot_at(*at);
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ(snapshot->wall_ns, sample_snapshot(6).wall_ns);
}

TEST(Timeline, EmptyDirectoryAndMissingFileAreClearErrors) {
  auto dir = std::filesystem::path(temp_path("empty-dir"));
  std::filesystem::create_directories(dir);
  auto t = Timeline::open({dir.string()}, ScanMode::fast);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, dir.string() + ": directory holds no *.netsnap recordings");
}

TEST(Timeline, AppendingContinuesSequenceNumbersAndIndexCoversEverything) {
  std::string path = temp_path("append.netsnap");
  write_range(path, 0, 5);
  {
    auto writer = RecordingWriter::append(path, sample_header(), WriterOptions{});
    ASSERT_TRUE(writer.ok()) << writer.error().message;
    for (int i = 5; i < 9; ++i) ASSERT_TRUE(writer->write(sample_snapshot(i)).ok());
    ASSERT_TRUE(writer->close().ok());
  }
  for (ScanMode mode : {ScanMode::fast, ScanMode::full}) {
    auto t = Timeline::open({path}, mode);
    ASSERT_TRUE(t.ok());
    ASSERT_EQ(t->entries().size(), 9u);
    for (size_t i = 0; i < 9; ++i) EXPECT_EQ(t->entries()[i].seq, i + 1);
    auto cursor = t->cursor();
    size_t n = 0;
    while (cursor.next()) ++n;
    EXPECT_EQ(n, 9u);
    EXPECT_TRUE(t->damage().empty());
  }
  // Another host's recording is refused.
  FileHeader other = sample_header();
  other.host_name = "elsewhere";
  auto refused = RecordingWriter::append(path, other, WriterOptions{});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("recorded on another host"), std::string::npos);
}

TEST(Timeline, AppendAfterACrashIndexesTheSnapshotsTheCrashedRunLeftUnindexed) {
  std::string path = temp_path("crashed.netsnap");
  {
    WriterOptions options;
    options.index_every = 1000;  // nothing indexed before the "crash"
    auto writer = RecordingWriter::create(path, sample_header(), options);
    ASSERT_TRUE(writer.ok());
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(writer->write(sample_snapshot(i)).ok());
    std::filesystem::copy_file(path, path + ".crash");  // the state a kill -9 leaves
  }
  std::filesystem::rename(path + ".crash", path);
  auto writer = RecordingWriter::append(path, sample_header(), WriterOptions{});
  ASSERT_TRUE(writer.ok());
  for (int i = 4; i < 6; ++i) ASSERT_TRUE(writer->write(sample_snapshot(i)).ok());
  ASSERT_TRUE(writer->close().ok());
  auto t = Timeline::open({path}, ScanMode::fast);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->entries().size(), 6u);
}

TEST(Timeline, AppendingAfterATornTailCutsItSoTheFileVerifiesAgain) {
  std::string path = temp_path("torn.netsnap");
  write_range(path, 0, 5);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 30);  // cut the last record
  auto before = Timeline::open({path}, ScanMode::full);
  ASSERT_TRUE(before.ok());
  ASSERT_FALSE(before->damage().empty());
  size_t kept = before->entries().size();
  {
    auto writer = RecordingWriter::append(path, sample_header(), WriterOptions{});
    ASSERT_TRUE(writer.ok()) << writer.error().message;
    ASSERT_TRUE(writer->write(sample_snapshot(5)).ok());
    ASSERT_TRUE(writer->close().ok());
  }
  auto after = Timeline::open({path}, ScanMode::full);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->damage().empty());
  EXPECT_EQ(after->entries().size(), kept + 1);
}

// A kill -9 while create() writes the file header record: the restarted recorder starts the
// file over (nothing in it is readable); a damaged header before readable frames is refused.
TEST(Timeline, AppendingToAFileCutInsideItsHeaderRecordStartsItOver) {
  std::string path = temp_path("torn-header.netsnap");
  write_range(path, 0, 3);
  std::filesystem::resize_file(path, PREAMBLE_SIZE + 30);
  {
    auto writer = RecordingWriter::append(path, sample_header(), WriterOptions{});
    ASSERT_TRUE(writer.ok()) << writer.error().message;
    ASSERT_TRUE(writer->write(sample_snapshot(0)).ok());
    ASSERT_TRUE(writer->close().ok());
  }
  auto t = Timeline::open({path}, ScanMode::full);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_TRUE(t->damage().empty());
  EXPECT_EQ(t->entries().size(), 1u);

  write_range(path, 0, 3);
  std::fstream(path, std::ios::in | std::ios::out | std::ios::binary).seekp(PREAMBLE_SIZE + 50).put('\xAA');
  auto refused = RecordingWriter::append(path, sample_header(), WriterOptions{});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("damaged file header record"), std::string::npos);
}

TEST(Timeline, WriteCopyKeepsNumbersAndPutsKeysWhereAskedAndAfterSkippedNumbers) {
  std::string path = temp_path("copy.netsnap");
  {
    WriterOptions options;
    options.key_interval = 1000;
    auto writer = RecordingWriter::create(path, sample_header(), options);
    ASSERT_TRUE(writer.ok());
    // Numbers 11..13, a key asked at 13, then 17 (14..16 skipped: must be a key), 18.
    for (uint64_t seq : {11, 12, 13, 17, 18}) {
      Snapshot s = sample_snapshot(static_cast<int>(seq - 11));
      s.seq = seq;
      ASSERT_TRUE(writer->write_copy(s, seq == 13).ok()) << seq;
    }
    Snapshot stale = sample_snapshot(0);
    stale.seq = 18;
    const Status refused = writer->write_copy(stale, false);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message, path + ": snapshot 18 does not follow snapshot 18");
    ASSERT_TRUE(writer->close().ok());
  }
  auto t = Timeline::open({path}, ScanMode::full);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->damage().empty());
  std::vector<uint64_t> seqs;
  std::vector<bool> keys;
  for (const SnapshotEntry& e : t->entries()) {
    seqs.push_back(e.seq);
    keys.push_back(e.is_key);
  }
  EXPECT_EQ(seqs, (std::vector<uint64_t>{11, 12, 13, 17, 18}));
  EXPECT_EQ(keys, (std::vector<bool>{true, false, true, true, false}));
  auto cursor = t->cursor();
  for (uint64_t seq : seqs) {
    ASSERT_TRUE(cursor.next());
    EXPECT_EQ(cursor.current().seq, seq);
    EXPECT_EQ(cursor.current().wall_ns, sample_snapshot(static_cast<int>(seq - 11)).wall_ns);
  }
  EXPECT_FALSE(cursor.next());
}
