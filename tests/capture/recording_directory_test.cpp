// -o DIR: file names, the retention policy, size/duration arguments and the lock-holder lookup
// in /proc/locks text. The directory itself is exercised by tests/cli/record_rotation.sh.
#include "recording_directory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/sysmacros.h>

#include "output_lock.h"
#include "record_options.h"

namespace netsnap {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr int64_t kDay = 86'400'000'000'000;

TEST(RecordingFileName, IsHostAndUtcStartTime) {
  // 2026-12-07T08:32:25.9Z
  EXPECT_EQ(recording_file_name("web-1.example", 1796632345'900'000'000),
            "web-1.example-20261207T083225Z.netsnap");
  EXPECT_EQ(recording_file_name("we/ird host", 0), "we_ird_host-19700101T000000Z.netsnap");
  EXPECT_EQ(recording_file_name("", 0), "host-19700101T000000Z.netsnap");
}

TEST(RecordingFileName, OnlyThisHostsNamesAreRecognised) {
  EXPECT_TRUE(is_recording_file_of("web-1-20261207T083225Z.netsnap", "web-1"));
  EXPECT_TRUE(is_recording_file_of("we_ird-19700101T000000Z.netsnap", "we/ird"));
  EXPECT_FALSE(is_recording_file_of("web-2-20261207T083225Z.netsnap", "web-1"));
  EXPECT_FALSE(is_recording_file_of("web-1-20261207T083225Z.netsnap.tmp", "web-1"));
  EXPECT_FALSE(is_recording_file_of("web-1-2026120XT083225Z.netsnap", "web-1"));
  EXPECT_FALSE(is_recording_file_of("web-1-20261207T083225.netsnap", "web-1"));
  EXPECT_FALSE(is_recording_file_of("web-1.netsnap", "web-1"));
  // The prefix of another host's name is not this host's.
  EXPECT_FALSE(is_recording_file_of("web-1-x-20261207T083225Z.netsnap", "web-1"));
}

std::vector<DirectoryFile> files() {
  return {{"h-20260101T000000Z.netsnap", 100, 1 * kDay},
          {"h-20260102T000000Z.netsnap", 100, 2 * kDay},
          {"h-20260103T000000Z.netsnap", 100, 3 * kDay},
          {"h-20260104T000000Z.netsnap", 50, 4 * kDay}};
}

TEST(Retention, NothingWithoutLimitsOrWhenWithinThem) {
  EXPECT_THAT(files_past_retention(files(), "", 0, 0, 5 * kDay), IsEmpty());
  EXPECT_THAT(files_past_retention(files(), "", 350, 0, 5 * kDay), IsEmpty());
  EXPECT_THAT(files_past_retention(files(), "", 0, 4 * kDay, 5 * kDay), IsEmpty());
}

TEST(Retention, BySizeDeletesOldestFirstUntilUnder) {
  EXPECT_THAT(files_past_retention(files(), "", 349, 0, 0),
              ElementsAre("h-20260101T000000Z.netsnap"));
  EXPECT_THAT(files_past_retention(files(), "", 150, 0, 0),
              ElementsAre("h-20260101T000000Z.netsnap", "h-20260102T000000Z.netsnap"));
}

TEST(Retention, ByAgeDeletesWhatWasLastWrittenTooLongAgo) {
  EXPECT_THAT(files_past_retention(files(), "", 0, 2 * kDay + 1, 5 * kDay),
              ElementsAre("h-20260101T000000Z.netsnap", "h-20260102T000000Z.netsnap"));
}

TEST(Retention, NeverTheCurrentFile) {
  EXPECT_THAT(files_past_retention(files(), "h-20260101T000000Z.netsnap", 1, 0, 0),
              ElementsAre("h-20260102T000000Z.netsnap", "h-20260103T000000Z.netsnap",
                          "h-20260104T000000Z.netsnap"));
  EXPECT_THAT(files_past_retention({{"h-20260101T000000Z.netsnap", 1000, 0}},
                                   "h-20260101T000000Z.netsnap", 1, 1, 10 * kDay),
              IsEmpty());
}

TEST(RecordArguments, SizesInPowersOf1024) {
  EXPECT_EQ(*parse_record_size("4096", "--x"), 4096u);
  EXPECT_EQ(*parse_record_size("512K", "--x"), 512u << 10);
  EXPECT_EQ(*parse_record_size("64M", "--x"), 64u << 20);
  EXPECT_EQ(*parse_record_size("1G", "--x"), 1ull << 30);
  EXPECT_EQ(*parse_record_size("1.5GiB", "--x"), 3ull << 29);
  EXPECT_EQ(*parse_record_size("2t", "--x"), 2ull << 40);
  for (const char* bad : {"", "10XB", "-5M", "M", "1..5G", "0", "1e9", "5 M"}) {
    auto parsed = parse_record_size(bad, "--keep-size");
    ASSERT_FALSE(parsed) << bad;
    EXPECT_THAT(parsed.error().message, ::testing::StartsWith("--keep-size '"));
  }
}

TEST(RecordArguments, DurationsNameTheirOption) {
  EXPECT_EQ(*parse_record_duration("14d", "--keep-age"), 14 * kDay);
  auto bad = parse_record_duration("5x", "--rotate-age");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, ::testing::StartsWith("--rotate-age '5x'"));
}

TEST(FlockHolder, FindsThePidOfTheLockOnThatInode) {
  const std::string text =
      "1: POSIX  ADVISORY  WRITE 111 fd:01:5678 0 EOF\n"
      "2: FLOCK  ADVISORY  WRITE 4242 fd:01:5678 0 EOF\n"
      "2: -> FLOCK  ADVISORY  WRITE 999 fd:01:5678 0 EOF\n"
      "3: FLOCK  ADVISORY  WRITE 77 00:2a:5678 0 EOF\n"
      "garbage\n";
  EXPECT_EQ(flock_holder(text, makedev(0xfd, 0x01), 5678), 4242);
  EXPECT_EQ(flock_holder(text, makedev(0x00, 0x2a), 5678), 77);
  EXPECT_EQ(flock_holder(text, makedev(0xfd, 0x01), 5679), std::nullopt);
  EXPECT_EQ(flock_holder("", makedev(0xfd, 0x01), 5678), std::nullopt);
}

}  // namespace
}  // namespace netsnap
