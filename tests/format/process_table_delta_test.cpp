// A delta's process table given against the previous one (format 2): every table comes back
// exactly, in its own order; malformed origins are refused; a file of format 1 that is
// appended to keeps whole tables, which its older readers understand.
#include <gtest/gtest.h>

#include <capnp/message.h>

#include <filesystem>
#include <random>

#include "file_scan.h"
#include "format/sample_snapshots.h"
#include "netsnap/frame.h"
#include "netsnap/recording_reader.h"
#include "netsnap/recording_writer.h"
#include "process_table_delta.h"
#include "varint.h"
#include "wire_codec.h"

using namespace netsnap;
using namespace netsnap::testing;

namespace {

Process process(int32_t pid, uint32_t fds, std::string name = "worker") {
  return {pid, 33, name, "/usr/bin/" + name, {name, "--flag"}, fds, 1024, 4096};
}

// Encodes `current` against `previous`, applies it to a copy of `previous`, returns the result
// and how many processes were stored whole.
std::pair<std::vector<Process>, size_t> round_trip(const std::vector<Process>& previous,
                                                   const std::vector<Process>& current) {
  std::string origins;
  std::vector<const Process*> listed;
  encode_process_origins(previous, current, origins, listed);
  capnp::MallocMessageBuilder message;
  auto list = message.initRoot<wire::Snapshot>().initProcesses(listed.size());
  for (size_t i = 0; i < listed.size(); ++i) wire_codec::write_process(*listed[i], list[i]);
  std::vector<Process> table = previous;
  std::string why;
  auto bytes = kj::arrayPtr(reinterpret_cast<const kj::byte*>(origins.data()), origins.size());
  EXPECT_TRUE(apply_process_origins(table, bytes, list.asReader(), why)) << why;
  return {table, listed.size()};
}

TEST(ProcessOrigins, OnlyNewAndChangedProcessesAreStoredWhole) {
  std::vector<Process> previous = {process(10, 5), process(20, 7), process(30, 9)};
  std::vector<Process> current = {process(10, 6), process(20, 7), process(30, 2)};
  auto [table, listed] = round_trip(previous, current);
  EXPECT_EQ(table, current);
  EXPECT_EQ(listed, 0u);  // descriptor counts travel as differences

  // The same pid twice (a table read while a pid was reused): the second one is stored whole.
  std::tie(table, listed) = round_trip(previous, {process(10, 6), process(10, 6)});
  EXPECT_EQ(table, (std::vector<Process>{process(10, 6), process(10, 6)}));
  EXPECT_EQ(listed, 1u);

  current[1].cmdline.push_back("--reloaded");
  current.push_back(process(40, 1, "java"));
  std::tie(table, listed) = round_trip(previous, current);
  EXPECT_EQ(table, current);
  EXPECT_EQ(listed, 2u);
}

TEST(ProcessOrigins, RandomTablesComeBackExactlyInTheirOrder) {
  std::mt19937 rng(7);
  for (int round = 0; round < 500; ++round) {
    std::vector<Process> previous;
    for (int i = 0, n = int(rng() % 12); i < n; ++i)
      previous.push_back(process(int32_t(rng() % 20), rng() % 50));
    std::vector<Process> current;
    for (const Process& p : previous)
      if (rng() % 4) current.push_back(p);                       // some exit
    for (Process& p : current)
      if (rng() % 2) p.fd_count = rng() % 100000;                // descriptors come and go
    for (Process& p : current)
      if (rng() % 8 == 0) p.comm = "renamed";                    // exec
    for (int i = 0, n = int(rng() % 4); i < n; ++i)
      current.insert(current.begin() + rng() % (current.size() + 1), process(100 + i, rng() % 9));
    if (rng() % 3 == 0) std::shuffle(current.begin(), current.end(), rng);  // any order
    EXPECT_EQ(round_trip(previous, current).first, current) << "round " << round;
  }
}

TEST(ProcessOrigins, MalformedOriginsAreRefusedWithAReason) {
  const std::vector<Process> previous = {process(10, 5), process(20, 7)};
  capnp::MallocMessageBuilder message;
  auto none = message.initRoot<wire::Snapshot>().initProcesses(0).asReader();
  auto refused = [&](const std::vector<uint64_t>& varints, const std::string& reason) {
    std::string bytes;
    for (uint64_t v : varints) put_varint(bytes, v);
    std::vector<Process> table = previous;
    std::string why;
    auto ptr = kj::arrayPtr(reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size());
    EXPECT_FALSE(apply_process_origins(table, ptr, none, why));
    EXPECT_NE(why.find(reason), std::string::npos) << why;
    EXPECT_EQ(table, previous) << "a refused delta changed the table: " << reason;
  };
  refused({2, 1, zigzag(5) + 1, 0, 0}, "outside the previous table");
  refused({1, zigzag(-1) + 1, 0}, "outside the previous table");
  refused({1, 0}, "1 new processes, the delta 0");
  refused({1, 1}, "bad process descriptor counts");
  refused({1, 1, 0, 7}, "trailing bytes");
  refused({5, 1}, "more processes than bytes");
  refused({uint64_t(1) << 40}, "processes");
  refused({3, 1, 1, 1, 0, 0, 0}, "3 processes, more than the 2 before and 0 new");
  refused({2, 1, zigzag(-1) + 1, 0, 0}, "process origin 0 given twice");
  // A difference near 2^63 from a nonzero start: wraps to outside the table, no overflow (UBSan).
  refused({2, 1, UINT64_MAX, 0, 0}, "outside the previous table");
  // A legal one for contrast: the second process alone, with one more descriptor.
  std::string bytes;
  for (uint64_t v : {uint64_t(1), zigzag(1) + 1, zigzag(1)}) put_varint(bytes, v);
  std::vector<Process> table = previous;
  std::string why;
  ASSERT_TRUE(apply_process_origins(
      table, kj::arrayPtr(reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size()), none, why))
      << why;
  EXPECT_EQ(table, std::vector<Process>{process(20, 8)});
}

// Whether any delta record of the file gives its processes against the previous table.
bool any_process_origins(const std::string& path) {
  auto file = FileBytes::open(path);
  EXPECT_TRUE(file.ok());
  RecordDecoder decoder;
  auto scan = scan_file(*file, ScanMode::full, decoder);
  EXPECT_TRUE(scan.ok());
  std::vector<uint8_t> scratch;
  bool any = false;
  for (const SnapshotEntry& e : scan->entries) {
    if (e.is_key) continue;
    FrameHeader header;
    auto words = read_record(*file, e.offset, decoder, header, scratch);
    EXPECT_TRUE(words.ok());
    capnp::FlatArrayMessageReader reader(*words);
    any = any || reader.getRoot<wire::SnapshotDelta>().getProcessOrigins().size() > 0;
  }
  return any;
}

std::vector<Snapshot> write_all(RecordingWriter& writer, int first, int count) {
  std::vector<Snapshot> written;
  for (int i = first; i < first + count; ++i) {
    Snapshot s = sample_snapshot(i);  // the java process's descriptor count grows each time
    EXPECT_TRUE(writer.write(s).ok());
    written.push_back(s);
  }
  return written;
}

TEST(ProcessOrigins, NewFilesUseThemAndAppendedFilesOfFormatOneDoNot) {
  const std::string fresh = temp_path("process-origins-2.netsnap");
  auto writer = RecordingWriter::create(fresh, sample_header(), WriterOptions{});
  ASSERT_TRUE(writer.ok()) << writer.error().message;
  write_all(*writer, 0, 6);
  ASSERT_TRUE(writer->close().ok());
  EXPECT_TRUE(any_process_origins(fresh));

  // A file of format 1: the fixture written by the first release.
  const std::string old = temp_path("process-origins-1.netsnap");
  std::filesystem::copy_file(std::string(NETSNAP_SOURCE_DIR) + "/fixtures/v1-sample.netsnap", old,
                             std::filesystem::copy_options::overwrite_existing);
  auto before = Timeline::open({old}, ScanMode::full);
  ASSERT_TRUE(before.ok()) << before.error().message;
  ASSERT_EQ(before->files()[0].format_version, 1u);
  const size_t old_snapshots = before->entries().size();
  auto appender = RecordingWriter::append(old, before->header(), WriterOptions{});
  ASSERT_TRUE(appender.ok()) << appender.error().message;
  const auto written = write_all(*appender, 0, 6);
  ASSERT_TRUE(appender->close().ok());
  EXPECT_FALSE(any_process_origins(old));
  auto after = Timeline::open({old}, ScanMode::full);
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_EQ(after->files()[0].format_version, 1u);
  ASSERT_EQ(after->entries().size(), old_snapshots + written.size());
  auto cursor = after->cursor();
  size_t n = 0;
  while (cursor.next()) {
    if (n++ >= old_snapshots) {
      EXPECT_EQ(cursor.current().processes, written[n - 1 - old_snapshots].processes);
    }
  }
  EXPECT_EQ(n, old_snapshots + written.size());
}

}  // namespace
