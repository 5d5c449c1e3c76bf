// Which snapshots a command shows: --at TIME, --index N, --from T1 --to T2, --all, or the
// command's default. Times use the grammar of recording_time_zone.h. A time outside the
// recording fails with one line naming the times the recording covers; the caller exits 2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "netsnap/recording_reader.h"
#include "netsnap/result.h"
#include "recording_time_zone.h"

namespace netsnap::analysis {

// The selectors as given on the command line (unset ones empty).
struct SnapshotSelectorArgs {
  std::optional<std::string> at;
  std::optional<int64_t> index;  // negative counts from the end (-1 is the last)
  std::optional<std::string> from, to;
  bool all = false;
};

// When no selector is given.
enum class DefaultSelection : uint8_t { last_snapshot, every_snapshot };

// Entries [first, last] of Timeline::entries(), inclusive.
struct SnapshotRange {
  size_t first = 0, last = 0;
  bool is_sequence = false;  // --all or --from/--to (or the every-snapshot default)
};

// Fails when selectors conflict (--at, --index, --all and --from/--to exclude each other).
// Checked before any file is opened.
Status check_selectors(const SnapshotSelectorArgs& args);

// Resolves the selectors against the timeline:
//  --at T:  the last snapshot at or before T; T must lie within the recording.
//  --index N: entries()[N], or [size + N] when negative.
//  --from/--to: every snapshot with T1 <= time <= T2 (either may be left out: the start or
//      end of the recording); the range must hold at least one snapshot.
Result<SnapshotRange> resolve_selection(const Timeline& timeline, const RecordingTimeZone& zone,
                                        const SnapshotSelectorArgs& args,
                                        DefaultSelection default_selection);

// One time argument that must lie within the recording (diff's --from and --to): the index of
// the last snapshot at or before it.
Result<size_t> resolve_time_within(const Timeline& timeline, const RecordingTimeZone& zone,
                                   const std::string& option, const std::string& text);

// "the recording covers 2026-01-01 01:00:00 CET to 2026-01-01 01:01:00 CET (60 snapshots)".
std::string coverage_text(const Timeline& timeline, const RecordingTimeZone& zone);

// Decodes the snapshot of entry `index`, or, when that one is unreadable (damaged; the
// timeline records the damage), the latest readable one before it. `used` receives the entry
// index actually decoded. Fails only when no snapshot at or before `index` is readable.
Result<Snapshot> read_latest_readable(Timeline& timeline, size_t index, size_t& used);

}  // namespace netsnap::analysis
