#include "report_time_format.h"

#include <cstdio>

namespace netsnap::analysis {
namespace {

constexpr int64_t slot_seconds = 900;
constexpr int64_t ns_per_s = 1'000'000'000;

struct Civil {
  int64_t year;
  unsigned month, day;
};

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (month <= 2), month, day};
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

// Splits a wall time as RecordingTimeZone does: whole seconds (floored) and milliseconds.
void split(int64_t wall_ns, int64_t& seconds, int& ms) {
  seconds = floor_div(wall_ns, ns_per_s);
  ms = static_cast<int>((wall_ns - seconds * ns_per_s) / 1'000'000);
}

// "YYYY-MM-DD?HH:MM:SS" for local seconds since the epoch.
void local_text(char* buffer, size_t size, int64_t local_s, char separator) {
  const int64_t days = floor_div(local_s, 86400);
  const int64_t of_day = local_s - days * 86400;
  const Civil c = civil_from_days(days);
  std::snprintf(buffer, size, "%04lld-%02u-%02u%c%02d:%02d:%02d", static_cast<long long>(c.year),
                c.month, c.day, separator, static_cast<int>(of_day / 3600),
                static_cast<int>(of_day / 60 % 60), static_cast<int>(of_day % 60));
}

}  // namespace

const ReportTimeFormat::Slot& ReportTimeFormat::slot_of(int64_t wall_s) const {
  const int64_t index = floor_div(wall_s, slot_seconds);
  auto [it, inserted] = slots_.try_emplace(index);
  if (!inserted) return it->second;
  Slot& slot = it->second;
  // Both ends of the slot, as the zone itself formats them; the slot is uniform when they
  // agree on offset and abbreviation (zones change offsets at most a few times a year).
  const int64_t first_ns = index * slot_seconds * ns_per_s;
  const int64_t last_ns = first_ns + (slot_seconds - 1) * ns_per_s;
  const std::string iso_first = zone_.format_iso(first_ns), iso_last = zone_.format_iso(last_ns);
  const std::string human_first = zone_.format(first_ns), human_last = zone_.format(last_ns);
  const std::string offset = iso_first.substr(iso_first.size() - 6);
  const size_t space = human_first.rfind(' ');
  slot.uniform = offset == iso_last.substr(iso_last.size() - 6) && space != std::string::npos &&
                 human_first.substr(space) == human_last.substr(human_last.rfind(' '));
  if (!slot.uniform) return slot;
  slot.offset_text = offset;
  slot.abbreviation = human_first.substr(space + 1);
  const int sign = offset[0] == '-' ? -1 : 1;
  slot.offset_seconds =
      sign * (std::stoi(offset.substr(1, 2)) * 3600 + std::stoi(offset.substr(4, 2)) * 60);
  return slot;
}

std::string ReportTimeFormat::human(int64_t wall_ns) const {
  int64_t seconds = 0;
  int ms = 0;
  split(wall_ns, seconds, ms);
  const Slot& slot = slot_of(seconds);
  if (!slot.uniform) return zone_.format(wall_ns);
  char buffer[64];
  local_text(buffer, sizeof buffer, seconds + slot.offset_seconds, ' ');
  std::string out = buffer;
  if (ms) {
    std::snprintf(buffer, sizeof buffer, ".%03d", ms);
    out += buffer;
  }
  return out + " " + slot.abbreviation;
}

std::string ReportTimeFormat::iso(int64_t wall_ns) const {
  int64_t seconds = 0;
  int ms = 0;
  split(wall_ns, seconds, ms);
  const Slot& slot = slot_of(seconds);
  if (!slot.uniform) return zone_.format_iso(wall_ns);
  char buffer[64];
  local_text(buffer, sizeof buffer, seconds + slot.offset_seconds, 'T');
  std::string out = buffer;
  std::snprintf(buffer, sizeof buffer, ".%03d", ms);
  return out + buffer + slot.offset_text;
}

}  // namespace netsnap::analysis
