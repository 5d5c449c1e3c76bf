// ReportTimeFormat must print exactly what RecordingTimeZone prints, including across a DST
// change (where it falls back to the zone) and for fixed offsets and times before 1970.
#include "report_time_format.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace netsnap::analysis {
namespace {

constexpr int64_t second = 1'000'000'000;

void expect_same(const RecordingTimeZone& zone, int64_t wall_ns) {
  const ReportTimeFormat fast(zone);
  EXPECT_EQ(fast.human(wall_ns), zone.format(wall_ns)) << wall_ns;
  EXPECT_EQ(fast.iso(wall_ns), zone.format_iso(wall_ns)) << wall_ns;
}

FileHeader header_in(const std::string& time_zone, int32_t offset) {
  FileHeader header;
  header.time_zone = time_zone;
  header.utc_offset_seconds = offset;
  return header;
}

TEST(ReportTimeFormat, SameAsTheZoneAcrossADaylightSavingChange) {
  const RecordingTimeZone berlin(header_in("Europe/Berlin", 3600), false);
  // 2026-03-29 01:00:00 UTC: CET (+01:00) becomes CEST (+02:00).
  const int64_t change = 1'774'746'000 * second;
  const ReportTimeFormat fast(berlin);
  for (int64_t t = change - 1000 * second; t <= change + 1000 * second;
       t += 7 * second + 250'000'000) {
    EXPECT_EQ(fast.human(t), berlin.format(t));
    EXPECT_EQ(fast.iso(t), berlin.format_iso(t));
  }
  EXPECT_EQ(fast.iso(change), "2026-03-29T03:00:00.000+02:00");
  EXPECT_EQ(fast.human(change - second), "2026-03-29 01:59:59 CET");
}

TEST(ReportTimeFormat, SameAsTheZoneForUtcFixedOffsetsAndOldTimes) {
  const RecordingTimeZone utc(FileHeader{}, true);
  const RecordingTimeZone fixed(header_in("", -(5 * 3600 + 30 * 60)), false);
  for (const RecordingTimeZone* zone : {&utc, &fixed}) {
    for (const int64_t t : {int64_t{0}, int64_t{-1}, -86'400 * second - 1, 951'782'400 * second,
                            1'767'225'600 * second + 999'000'000, 4'102'444'800 * second}) {
      expect_same(*zone, t);
    }
  }
}

}  // namespace
}  // namespace netsnap::analysis
