#include "snapshot_selection.h"

#include <algorithm>
#include <vector>

namespace netsnap::analysis {
namespace {

struct Span {
  int64_t first_ns = 0, last_ns = 0;
};

Span span_of(const Timeline& timeline) {
  const auto& entries = timeline.entries();
  return {entries.front().wall_ns, entries.back().wall_ns};
}

Result<int64_t> parse_time(const RecordingTimeZone& zone, const Span& span,
                           const std::string& option, const std::string& text) {
  auto parsed = zone.parse(text, span.first_ns, span.last_ns);
  if (!parsed) return Error{option + ": " + parsed.error().message};
  return parsed;
}

Error outside(const Timeline& timeline, const RecordingTimeZone& zone, const std::string& option,
              const std::string& text, int64_t wall_ns) {
  return Error{option + " '" + text + "' (" + zone.format(wall_ns) +
               ") is outside the recording: " + coverage_text(timeline, zone)};
}

Error empty_recording() { return Error{"the recording holds no readable snapshots"}; }

}  // namespace

Status check_selectors(const SnapshotSelectorArgs& args) {
  const bool range = args.from.has_value() || args.to.has_value();
  const int given =
      int(args.at.has_value()) + int(args.index.has_value()) + int(args.all) + int(range);
  if (given <= 1) return ok_status();
  std::vector<std::string> names;
  if (args.at) names.emplace_back("--at");
  if (args.index) names.emplace_back("--index");
  if (args.all) names.emplace_back("--all");
  if (range) names.emplace_back("--from/--to");
  std::string list = names.front();
  for (size_t i = 1; i < names.size(); ++i)
    list += (i + 1 == names.size() ? " and " : ", ") + names[i];
  return Error{"conflicting selectors " + list +
               ": choose one of --at, --index, --all, --from/--to"};
}

std::string coverage_text(const Timeline& timeline, const RecordingTimeZone& zone) {
  const auto& entries = timeline.entries();
  if (entries.empty()) return "the recording holds no snapshots";
  return "the recording covers " + zone.format(entries.front().wall_ns) + " to " +
         zone.format(entries.back().wall_ns) + " (" + std::to_string(entries.size()) +
         (entries.size() == 1 ? " snapshot)" : " snapshots)");
}

Result<size_t> resolve_time_within(const Timeline& timeline, const RecordingTimeZone& zone,
                                   const std::string& option, const std::string& text) {
  if (timeline.entries().empty()) return empty_recording();
  const Span span = span_of(timeline);
  auto wall_ns = parse_time(zone, span, option, text);
  if (!wall_ns) return wall_ns.error();
  if (*wall_ns < span.first_ns || *wall_ns > span.last_ns) {
    return outside(timeline, zone, option, text, *wall_ns);
  }
  return *timeline.index_at_or_before(*wall_ns);
}

Result<SnapshotRange> resolve_selection(const Timeline& timeline, const RecordingTimeZone& zone,
                                        const SnapshotSelectorArgs& args,
                                        DefaultSelection default_selection) {
  if (auto checked = check_selectors(args); !checked) return checked.error();
  const auto& entries = timeline.entries();
  if (entries.empty()) return empty_recording();
  const size_t count = entries.size();

  if (args.at) {
    auto index = resolve_time_within(timeline, zone, "--at", *args.at);
    if (!index) return index.error();
    return SnapshotRange{*index, *index, false};
  }
  if (args.index) {
    const int64_t n = *args.index;
    const int64_t resolved = n < 0 ? static_cast<int64_t>(count) + n : n;
    if (resolved < 0 || resolved >= static_cast<int64_t>(count)) {
      return Error{"--index " + std::to_string(n) + " is outside the recording, which holds " +
                   std::to_string(count) + " snapshots (0.." + std::to_string(count - 1) +
                   ", or -" + std::to_string(count) + "..-1 from the end)"};
    }
    const auto index = static_cast<size_t>(resolved);
    return SnapshotRange{index, index, false};
  }
  if (args.from || args.to) {
    const Span span = span_of(timeline);
    int64_t from_ns = span.first_ns, to_ns = span.last_ns;
    if (args.from) {
      auto parsed = parse_time(zone, span, "--from", *args.from);
      if (!parsed) return parsed.error();
      from_ns = *parsed;
    }
    if (args.to) {
      auto parsed = parse_time(zone, span, "--to", *args.to);
      if (!parsed) return parsed.error();
      to_ns = *parsed;
    }
    if (args.from && from_ns > span.last_ns)
      return outside(timeline, zone, "--from", *args.from, from_ns);
    if (args.to && to_ns < span.first_ns) return outside(timeline, zone, "--to", *args.to, to_ns);
    if (from_ns > to_ns) {
      return Error{"--from (" + zone.format(from_ns) + ") is later than --to (" +
                   zone.format(to_ns) + ")"};
    }
    // First entry at or after from_ns, last at or before to_ns.
    const auto first =
        std::lower_bound(entries.begin(), entries.end(), from_ns,
                         [](const SnapshotEntry& e, int64_t t) { return e.wall_ns < t; });
    const std::optional<size_t> last = timeline.index_at_or_before(to_ns);
    if (first == entries.end() || !last || static_cast<size_t>(first - entries.begin()) > *last) {
      return Error{"no snapshot between " + zone.format(from_ns) + " and " + zone.format(to_ns) +
                   ": " + coverage_text(timeline, zone)};
    }
    return SnapshotRange{static_cast<size_t>(first - entries.begin()), *last, true};
  }
  if (args.all || default_selection == DefaultSelection::every_snapshot) {
    return SnapshotRange{0, count - 1, true};
  }
  return SnapshotRange{count - 1, count - 1, false};
}

Result<Snapshot> read_latest_readable(Timeline& timeline, size_t index, size_t& used) {
  const auto& entries = timeline.entries();
  if (index >= entries.size()) return empty_recording();
  auto direct = timeline.snapshot_at(index);
  if (direct) {
    used = index;
    return direct;
  }
  // Unreadable (the timeline has recorded why). Replay the key group it belongs to for the
  // last readable snapshot before it; if the whole group is unreadable, the group before.
  size_t end = index;  // look at entries [key, end]
  for (;;) {
    size_t key = end;
    while (key > 0 && !entries[key].is_key && entries[key - 1].file == entries[end].file) --key;
    std::optional<size_t> best;
    Cursor cursor = timeline.cursor(key, CursorMode::changes_only);
    while (cursor.next() && cursor.entry_index() <= end) {
      if (cursor.entry_index() != index) best = cursor.entry_index();
    }
    if (best) {
      used = *best;
      return timeline.snapshot_at(*best);
    }
    if (key == 0) break;
    end = key - 1;
  }
  return Error{
      "no readable snapshot at or before the one selected (the recording is damaged "
      "there)"};
}

}  // namespace netsnap::analysis
