// Shows times in the recorded host's time zone (or UTC), never the workstation's, and parses
// the time arguments of every command (RFC 3339, HH:MM[:SS] on the first day, +5m from the
// start, -5m from the end, epoch seconds).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "netsnap/model.h"
#include "netsnap/result.h"

namespace netsnap::analysis {

class RecordingTimeZone {
 public:
  // Uses the recording's IANA zone when this machine's zoneinfo has it, else the recorded
  // UTC offset; `utc` forces UTC.
  RecordingTimeZone(const FileHeader& header, bool utc);

  // "2026-01-01 01:00:00.250 CET" (milliseconds only when not whole seconds).
  std::string format(int64_t wall_ns) const;
  // ISO 8601 with offset, for csv/json: "2026-01-01T01:00:00.250+01:00".
  std::string format_iso(int64_t wall_ns) const;
  const std::string& name() const { return name_; }

  // Resolves a time argument against a recording spanning [first_ns, last_ns].
  Result<int64_t> parse(const std::string& text, int64_t first_ns, int64_t last_ns) const;

  class ScopedTz;
  // While one lives, the C library's zone stays set to this one, so that formatting many times
  // (a day's timeline has 86,400 rows) reads the zone database once instead of twice per time.
  // One at a time, on the thread that formats.
  class Session {
   public:
    explicit Session(const RecordingTimeZone& zone);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

   private:
    const RecordingTimeZone& zone_;
    std::unique_ptr<ScopedTz> tz_;
  };

 private:
  struct Local {
    int year, month, day, hour, minute, second;
    int offset_seconds;
    std::string abbreviation;
  };
  Local to_local(int64_t wall_s) const;
  std::string name_;     // shown to the user
  std::string tz_spec_;  // TZ value for the C library, empty when using a fixed offset
  int fixed_offset_ = 0;
  mutable bool in_session_ = false;  // a Session holds the C library's zone at tz_spec_
};

// "1h2m3s", "90s", "1.5s", "250ms" -> nanoseconds.
Result<int64_t> parse_duration(const std::string& text);
std::string format_duration(int64_t ns);

}  // namespace netsnap::analysis
