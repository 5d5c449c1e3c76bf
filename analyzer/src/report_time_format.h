// Times for the report, formatted exactly as RecordingTimeZone formats them but fast.
// RecordingTimeZone converts through the C library, which re-reads the zone file on every
// call (it sets TZ and calls tzset: tens of microseconds, mostly system calls). A report
// formats a time for every series point, evidence row and timeline row of every finding, and
// those calls dominated a day-long report. This asks the zone once per 15-minute slot for its
// UTC offset and abbreviation, checks that both ends of the slot agree (a DST change inside
// the slot sends that slot's times back to the zone, call by call), and does the calendar
// arithmetic itself.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "recording_time_zone.h"

namespace netsnap::analysis {

class ReportTimeFormat {
 public:
  // Keeps a reference to `zone`, which must outlive this.
  explicit ReportTimeFormat(const RecordingTimeZone& zone) : zone_(zone) {}

  // "2026-01-01 01:00:00.250 CET", as RecordingTimeZone::format.
  std::string human(int64_t wall_ns) const;
  // "2026-01-01T01:00:00.250+01:00", as RecordingTimeZone::format_iso.
  std::string iso(int64_t wall_ns) const;

  const RecordingTimeZone& zone() const { return zone_; }

 private:
  struct Slot {
    bool uniform = false;  // one offset and abbreviation for the whole slot
    int offset_seconds = 0;
    std::string abbreviation;
    std::string offset_text;  // "+01:00"
  };
  const Slot& slot_of(int64_t wall_s) const;

  const RecordingTimeZone& zone_;
  // A cache, filled as times are asked for: formatting stays a const operation.
  mutable std::unordered_map<int64_t, Slot> slots_;
};

}  // namespace netsnap::analysis
