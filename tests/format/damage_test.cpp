// A recording cut at any byte or with any byte flipped: the reader never crashes, returns
// every intact snapshot before the damage (and after it where it resynchronizes), and
// reports the damage.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "format/sample_snapshots.h"
#include "netsnap/frame.h"
#include "netsnap/recording_reader.h"
#include "netsnap/recording_writer.h"

using namespace netsnap;
using namespace netsnap::testing;

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}
void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

struct Sample {
  std::string path;
  std::string bytes;
  std::vector<Snapshot> written;   // by seq - 1
  std::vector<SnapshotEntry> entries;
};

Sample make_sample() {
  Sample s;
  s.path = temp_path("damage-source.netsnap");
  WriterOptions options;
  options.key_interval = 3;
  options.index_every = 4;
  auto writer = RecordingWriter::create(s.path, sample_header(), options);
  EXPECT_TRUE(writer.ok());
  for (int i = 0; i < 8; ++i) {
    Snapshot snap = sample_snapshot(i);
    EXPECT_TRUE(writer->write(snap).ok());
  }
  EXPECT_TRUE(writer->close().ok());
  auto timeline = Timeline::open({s.path}, ScanMode::full);
  EXPECT_TRUE(timeline.ok());
  auto cursor = timeline->cursor();
  while (cursor.next()) s.written.push_back(cursor.current());
  s.entries = timeline->entries();
  s.bytes = read_all(s.path);
  return s;
}

// Opens the damaged copy both ways and replays it; every snapshot returned must be exactly
// the one written with that sequence number. Returns how many came back (full mode).
size_t replay_checked(const Sample& sample, const std::string& path, bool& opened) {
  size_t returned = 0;
  opened = false;
  for (ScanMode mode : {ScanMode::fast, ScanMode::full}) {
    auto timeline = Timeline::open({path}, mode);
    if (!timeline) {
      EXPECT_NE(timeline.error().message.find(path), std::string::npos);
      continue;
    }
    opened = true;
    auto cursor = timeline->cursor();
    size_t n = 0;
    while (cursor.next()) {
      const Snapshot& got = cursor.current();
      EXPECT_GE(got.seq, 1u);
      if (got.seq < 1 || got.seq > sample.written.size()) continue;
      EXPECT_TRUE(got == sample.written[got.seq - 1]) << "seq " << got.seq;
      ++n;
    }
    if (mode == ScanMode::full) returned = n;
    (void)timeline->damage();
  }
  return returned;
}

}  // namespace

TEST(Damage, TruncatedAtEveryByteKeepsEverySnapshotBeforeTheCut) {
  Sample sample = make_sample();
  ASSERT_EQ(sample.written.size(), 8u);
  std::string path = temp_path("damage-cut.netsnap");
  for (size_t cut = 0; cut < sample.bytes.size(); ++cut) {
    write_all(path, sample.bytes.substr(0, cut));
    bool opened = false;
    size_t returned = replay_checked(sample, path, opened);
    // Intact snapshots: those whose frame ends at or before the cut.
    size_t intact = 0;
    for (size_t i = 0; i < sample.entries.size(); ++i) {
      uint64_t end = i + 1 < sample.entries.size() ? sample.entries[i + 1].offset : sample.bytes.size();
      // The frame's own end is at most the next entry's start; index frames may sit between.
      if (sample.entries[i].offset < cut && end <= cut) ++intact;
    }
    if (cut < sample.entries[0].offset) continue;  // the file header record is cut: refusing is right
    ASSERT_TRUE(opened) << "cut at " << cut;
    EXPECT_GE(returned, intact) << "cut at " << cut;
  }
}

TEST(Damage, EveryFlippedByteIsDetectedOrHarmless) {
  Sample sample = make_sample();
  std::string path = temp_path("damage-flip.netsnap");
  size_t total_returned = 0;
  for (size_t at = 0; at < sample.bytes.size(); ++at) {
    std::string bytes = sample.bytes;
    bytes[at] = static_cast<char>(bytes[at] ^ 0x5A);
    write_all(path, bytes);
    bool opened = false;
    total_returned += replay_checked(sample, path, opened);
    if (!opened) continue;
    auto timeline = Timeline::open({path}, ScanMode::full);
    ASSERT_TRUE(timeline.ok());
    // One flipped byte loses at most one key interval (3) plus the record itself.
    EXPECT_GE(timeline->entries().size(), sample.written.size() - 4) << "flip at " << at;
    if (at >= PREAMBLE_SIZE && timeline->entries().size() < sample.written.size()) {
      EXPECT_FALSE(timeline->damage().empty()) << "flip at " << at;
    }
  }
  EXPECT_GT(total_returned, 0u);
}

TEST(Damage, ReportsOffsetAndSnapshotsLostForADamagedRecord) {
  Sample sample = make_sample();
  std::string path = temp_path("damage-report.netsnap");
  std::string bytes = sample.bytes;
  // Corrupt the payload of the 2nd snapshot record (a delta after the first key).
  uint64_t offset = sample.entries[1].offset;
  bytes[offset + FRAME_HEADER_SIZE + 2] ^= 0xFF;
  write_all(path, bytes);
  auto timeline = Timeline::open({path}, ScanMode::full);
  ASSERT_TRUE(timeline.ok());
  auto damage = timeline->damage();
  ASSERT_EQ(damage.size(), 1u);
  EXPECT_EQ(damage[0].offset, offset);
  // The record itself and the delta after it (seq 3) until the key at seq 4.
  EXPECT_EQ(damage[0].snapshots_lost, 2u);
  std::vector<uint64_t> seqs;
  auto cursor = timeline->cursor();
  while (cursor.next()) seqs.push_back(cursor.current().seq);
  EXPECT_EQ(seqs, (std::vector<uint64_t>{1, 4, 5, 6, 7, 8}));
}

TEST(Damage, RefusesNonRecordingsAndNewerVersionsWithOneClearLine) {
  std::string path = temp_path("not-a-recording.netsnap");
  write_all(path, "hello, this is text\n");
  auto t = Timeline::open({path}, ScanMode::fast);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, path + ": not a netsnap recording (bad magic at offset 0)");
  Sample sample = make_sample();
  std::string newer = sample.bytes;
  newer[8] = 9;  // format version 9
  write_all(path, newer);
  t = Timeline::open({path}, ScanMode::fast);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("newer format version 9, this build reads 2"), std::string::npos);
  t = Timeline::open({temp_path("missing.netsnap")}, ScanMode::fast);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("No such file"), std::string::npos);
}
