#include "recording_time_zone.h"

#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <regex>

namespace netsnap::analysis {

// The C library's only time zone database entry point is the TZ variable; this guard sets it
// for one conversion (or a Session's) and restores it, so no other code sees a changed zone.
class RecordingTimeZone::ScopedTz {
 public:
  explicit ScopedTz(const std::string& spec) {
    const char* old = std::getenv("TZ");
    had_ = old != nullptr;
    if (had_) old_ = old;
    setenv("TZ", spec.c_str(), 1);
    tzset();
  }
  ~ScopedTz() {
    if (had_) setenv("TZ", old_.c_str(), 1);
    else unsetenv("TZ");
    tzset();
  }

 private:
  bool had_ = false;
  std::string old_;
};

RecordingTimeZone::Session::Session(const RecordingTimeZone& zone) : zone_(zone) {
  if (zone.tz_spec_.empty() || zone.in_session_) return;
  tz_ = std::make_unique<ScopedTz>(zone.tz_spec_);
  zone.in_session_ = true;
}

RecordingTimeZone::Session::~Session() {
  if (tz_) zone_.in_session_ = false;
}

namespace {

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string offset_text(int seconds, bool colon) {
  char buf[16];
  int a = std::abs(seconds);
  std::snprintf(buf, sizeof buf, colon ? "%c%02d:%02d" : "%c%02d%02d", seconds < 0 ? '-' : '+',
                a / 3600, a / 60 % 60);
  return buf;
}

}  // namespace

RecordingTimeZone::RecordingTimeZone(const FileHeader& header, bool utc) {
  struct stat st {};
  if (utc) {
    name_ = "UTC";
    tz_spec_ = "UTC0";
  } else if (!header.time_zone.empty() && header.time_zone.find("..") == std::string::npos &&
             ::stat(("/usr/share/zoneinfo/" + header.time_zone).c_str(), &st) == 0) {
    name_ = header.time_zone;
    tz_spec_ = ":" + header.time_zone;
  } else {
    fixed_offset_ = header.utc_offset_seconds;
    name_ = "UTC" + offset_text(fixed_offset_, true);
  }
}

namespace {

// Whole seconds (rounded down) and milliseconds of a time, for any int64_t: a recording is
// untrusted, and (wall_ns - 999'999'999) overflowed for times near INT64_MIN.
std::pair<int64_t, int> split_seconds(int64_t wall_ns) {
  int64_t s = wall_ns / 1'000'000'000;
  int64_t rest = wall_ns % 1'000'000'000;
  if (rest < 0) {
    --s;
    rest += 1'000'000'000;
  }
  return {s, static_cast<int>(rest / 1'000'000)};
}

// `digits` (a number the caller's regex matched) times `scale`, as whole nanoseconds; nullopt
// beyond what 64 bits of nanoseconds hold (about 292 years), where llround is undefined (a
// 20-digit epoch, found by time_argument_fuzzer in CI).
Error too_long(const std::string& text) {
  return Error{"duration '" + text + "' is longer than 292 years"};
}

std::optional<int64_t> scaled_nanoseconds(const std::string& digits, double scale) {
  const double value = std::strtod(digits.c_str(), nullptr) * scale;  // strtod: no exceptions
  if (!std::isfinite(value) || std::fabs(value) >= 0x1p63) return std::nullopt;  // 2^63
  return static_cast<int64_t>(std::llround(value));
}


}  // namespace

RecordingTimeZone::Local RecordingTimeZone::to_local(int64_t wall_s) const {
  Local l{};
  std::tm tm{};
  time_t t = static_cast<time_t>(wall_s);
  if (!tz_spec_.empty()) {
    std::optional<ScopedTz> scope;
    if (!in_session_) scope.emplace(tz_spec_);
    localtime_r(&t, &tm);
    l.offset_seconds = static_cast<int>(tm.tm_gmtoff);
    l.abbreviation = tm.tm_zone ? tm.tm_zone : "";
  } else {
    t += fixed_offset_;
    gmtime_r(&t, &tm);
    l.offset_seconds = fixed_offset_;
    l.abbreviation = name_;
  }
  l.year = tm.tm_year + 1900;
  l.month = tm.tm_mon + 1;
  l.day = tm.tm_mday;
  l.hour = tm.tm_hour;
  l.minute = tm.tm_min;
  l.second = tm.tm_sec;
  return l;
}

std::string RecordingTimeZone::format(int64_t wall_ns) const {
  const auto [s, ms] = split_seconds(wall_ns);
  Local l = to_local(s);
  char buf[64];
  if (ms)
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03d ", l.year, l.month, l.day,
                  l.hour, l.minute, l.second, ms);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d ", l.year, l.month, l.day,
                  l.hour, l.minute, l.second);
  return buf + l.abbreviation;
}

std::string RecordingTimeZone::format_iso(int64_t wall_ns) const {
  const auto [s, ms] = split_seconds(wall_ns);
  Local l = to_local(s);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", l.year, l.month, l.day,
                l.hour, l.minute, l.second, ms);
  return buf + offset_text(l.offset_seconds, true);
}

Result<int64_t> RecordingTimeZone::parse(const std::string& text, int64_t first_ns,
                                         int64_t last_ns) const {
  std::smatch m;
  if (!text.empty() && (text[0] == '+' || text[0] == '-') && text.size() > 1 &&
      !std::isdigit(static_cast<unsigned char>(text.back())) ) {
    auto d = parse_duration(text.substr(1));
    if (!d) return Error{"time '" + text + "': " + d.error().message};
    int64_t at_ns = 0;
    if (text[0] == '+' ? __builtin_add_overflow(first_ns, *d, &at_ns)
                       : __builtin_sub_overflow(last_ns, *d, &at_ns))
      return Error{"time '" + text + "': beyond the years 1678-2261"};
    return at_ns;
  }
  static const std::regex epoch(R"(^\d{9,11}(\.\d+)?$)");
  if (std::regex_match(text, epoch)) {
    const std::optional<int64_t> ns = scaled_nanoseconds(text, 1e9);
    if (!ns) return Error{"time '" + text + "': epoch seconds beyond the year 2261"};
    return *ns;
  }
  static const std::regex clock(R"(^(\d{1,2}):(\d{2})(?::(\d{2}))?$)");
  if (std::regex_match(text, m, clock)) {
    int h = std::stoi(m[1]), mi = std::stoi(m[2]), se = m[3].matched ? std::stoi(m[3]) : 0;
    if (h > 23 || mi > 59 || se > 60) return Error{"time '" + text + "': no such time of day"};
    Local day = to_local(first_ns / 1'000'000'000);
    int64_t local_s = days_from_civil(day.year, day.month, day.day) * 86400 + h * 3600 + mi * 60 + se;
    int64_t guess = local_s - day.offset_seconds;
    // Re-read the offset at the guessed instant (a DST change during the first day).
    Local there = to_local(guess);
    return (local_s - there.offset_seconds) * 1'000'000'000;
  }
  static const std::regex rfc3339(
      R"(^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$)");
  if (std::regex_match(text, m, rfc3339)) {
    // Nanoseconds since 1970 in 64 bits reach from 1677 to 2262: outside, the time cannot be
    // in any recording (and the arithmetic below would overflow).
    if (const int year = std::stoi(m[1]); year < 1678 || year > 2261)
      return Error{"time '" + text + "': the year must be between 1678 and 2261"};
    int64_t days = days_from_civil(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]));
    int64_t s = days * 86400 + std::stoi(m[4]) * 3600 + std::stoi(m[5]) * 60 + std::stoi(m[6]);
    int64_t ns = s * 1'000'000'000;
    if (m[7].matched) ns += static_cast<int64_t>(std::llround(std::stod("0" + m[7].str()) * 1e9));
    std::string z = m[8];
    if (z != "Z" && z != "z") {
      int off = std::stoi(z.substr(1, 2)) * 3600 + std::stoi(z.substr(4, 2)) * 60;
      ns -= int64_t(z[0] == '-' ? -off : off) * 1'000'000'000;
    }
    return ns;
  }
  return Error{"time '" + text +
               "': expected RFC 3339 (2026-01-01T10:00:00Z), HH:MM[:SS], +DURATION, -DURATION "
               "or epoch seconds"};
}

Result<int64_t> parse_duration(const std::string& text) {
  static const std::regex part(R"((\d+(?:\.\d+)?)(ms|s|m|h|d))");
  if (text.empty()) return Error{"empty duration"};
  int64_t total = 0;
  size_t at = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), part); it != std::sregex_iterator(); ++it) {
    if (static_cast<size_t>(it->position()) != at) return Error{"bad duration '" + text + "'"};
    at += it->length();
    std::string unit = (*it)[2];
    double scale = unit == "ms" ? 1e6 : unit == "s" ? 1e9 : unit == "m" ? 60e9 : unit == "h" ? 3600e9 : 86400e9;
    const std::optional<int64_t> part_ns = scaled_nanoseconds((*it)[1], scale);
    if (!part_ns || __builtin_add_overflow(total, *part_ns, &total)) return too_long(text);
  }
  if (at != text.size()) {
    static const std::regex plain(R"(^\d+(\.\d+)?$)");
    if (at == 0 && std::regex_match(text, plain)) {  // bare seconds
      const std::optional<int64_t> ns = scaled_nanoseconds(text, 1e9);
      if (!ns) return too_long(text);
      return *ns;
    }
    return Error{"bad duration '" + text + "' (expected e.g. 90s, 10m, 2h, 1h30m)"};
  }
  return total;
}

std::string format_duration(int64_t ns) {
  char buf[64];
  double s = ns / 1e9;
  // Whole seconds as long long: up to 292 years of nanoseconds, where int overflowed past 68
  // years (found by time_argument_fuzzer).
  const long long whole = static_cast<long long>(s);
  if (s < 60) std::snprintf(buf, sizeof buf, "%.3gs", s);
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%lldm%02llds", whole / 60, whole % 60);
  else std::snprintf(buf, sizeof buf, "%lldh%02lldm%02llds", whole / 3600, whole / 60 % 60, whole % 60);
  return buf;
}

}  // namespace netsnap::analysis
