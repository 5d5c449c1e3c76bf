// libFuzzer target: the analyzer's time arguments (analyzer/src/recording_time_zone.h): --at,
// --from, --to and every duration, as typed on a command line. The first byte picks the zone
// (forced UTC, or a recording made in Europe/Berlin, which has DST changes); the rest is the
// argument. A parse must return a value or an Error, never throw, overflow or read out of range.
#include <cstddef>
#include <cstdint>
#include <string>

#include "recording_time_zone.h"

namespace {

netsnap::FileHeader berlin_header() {
  netsnap::FileHeader header;
  header.time_zone = "Europe/Berlin";
  header.utc_offset_seconds = 3600;
  return header;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // Built once: libFuzzer calls this function millions of times in one process.
  static const netsnap::analysis::RecordingTimeZone utc(netsnap::FileHeader{}, true);
  static const netsnap::analysis::RecordingTimeZone berlin(berlin_header(), false);
  const auto& zone = (data[0] & 1) ? berlin : utc;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  // A recording of one minute on 2026-03-29, the day Europe/Berlin moves to summer time.
  const int64_t first_ns = 1774742400LL * 1'000'000'000;
  const int64_t last_ns = first_ns + 60LL * 1'000'000'000;
  auto at = zone.parse(text, first_ns, last_ns);
  if (at) zone.format(*at);
  auto duration = netsnap::analysis::parse_duration(text);
  if (duration) netsnap::analysis::format_duration(*duration);
  return 0;
}
