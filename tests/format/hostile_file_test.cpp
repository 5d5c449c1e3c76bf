// The committed hostile recordings of fixtures/hostile/ (made by hostile_recordings.cpp): each
// one fails cleanly, saying what is wrong, under either scan mode, with bounded memory.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <fstream>
#include <iterator>

#include "format/hostile_recordings.h"
#include "format/sample_snapshots.h"
#include "netsnap/recording_reader.h"

using namespace netsnap;
using namespace netsnap::testing;

namespace {

const std::string FIXTURES = std::string(NETSNAP_SOURCE_DIR) + "/fixtures/hostile/";

std::vector<uint8_t> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Every message the reader gave about `path`: the open error, or the damage after a replay.
std::string reader_says(const std::string& path, ScanMode mode) {
  auto timeline = Timeline::open({path}, mode);
  if (!timeline.ok()) return "open: " + timeline.error().message + "\n";
  auto cursor = timeline->cursor();
  while (cursor.next()) {
  }
  std::string said;
  for (const DamagedRegion& d : timeline->damage())
    said += "damage at " + std::to_string(d.offset) + ": " + d.reason + "\n";
  return said;
}

}  // namespace

namespace netsnap::testing {
void PrintTo(const HostileRecording& r, std::ostream* os) { *os << r.file; }
}  // namespace netsnap::testing

// Regenerates fixtures/hostile/ (see its README): run with --gtest_also_run_disabled_tests
// --gtest_filter='HostileFiles.DISABLED_WriteFixtures'.
TEST(HostileFiles, DISABLED_WriteFixtures) {
  for (const HostileRecording& r : hostile_recordings())
    ASSERT_TRUE(write_bytes(FIXTURES + r.file, r.bytes)) << r.file;
  ASSERT_TRUE(write_injected_names_recording(FIXTURES + "injected-names.netsnap"));
}

TEST(HostileFiles, CommittedFixturesAreTheirRecipe) {
  for (const HostileRecording& r : hostile_recordings())
    EXPECT_EQ(file_bytes(FIXTURES + r.file), r.bytes) << r.file << " differs from its recipe";
  const std::string fresh = temp_path("injected-names.netsnap");
  ASSERT_TRUE(write_injected_names_recording(fresh));
  EXPECT_EQ(file_bytes(fresh), file_bytes(FIXTURES + "injected-names.netsnap"));
}

class HostileFile : public ::testing::TestWithParam<HostileRecording> {};

TEST_P(HostileFile, FailsCleanlySayingWhy) {
  const HostileRecording& r = GetParam();
  const long rss_before = peak_rss_kb();
  for (ScanMode mode : {ScanMode::fast, ScanMode::full}) {
    const std::string said = reader_says(FIXTURES + r.file, mode);
    EXPECT_NE(said.find(r.expected_error), std::string::npos) << r.file << " said:\n" << said;
    EXPECT_EQ(said.rfind("open: ", 0) == 0, r.refused_on_open) << said;
    EXPECT_EQ(said.find("\n"), said.size() - 1) << "more than one line:\n" << said;
  }
  // The largest claims (a 256 MiB record, 256 MiB of names) never become resident.
  EXPECT_LT(peak_rss_kb() - rss_before, 64 << 10) << r.file;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, HostileFile, ::testing::ValuesIn(hostile_recordings()),
                         [](const auto& info) {
                           std::string name = info.param.file.substr(0, info.param.file.find('.'));
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST(HostileNames, InjectedNamesRecordingReadsExactly) {
  auto timeline = Timeline::open({FIXTURES + "injected-names.netsnap"}, ScanMode::full);
  ASSERT_TRUE(timeline.ok()) << timeline.error().message;
  EXPECT_TRUE(timeline->damage().empty());
  auto cursor = timeline->cursor();
  ASSERT_TRUE(cursor.next());
  ASSERT_TRUE(cursor.next());
  std::vector<std::string> paths;
  for (const Socket& s : cursor.current().namespaces[0].sockets)
    if (!s.unix_path.empty()) paths.push_back(s.unix_path.str());
  EXPECT_EQ(paths, injection_strings());
  EXPECT_EQ(cursor.current().processes[0].comm, injection_strings()[0]);
}
