#include "recording_summary.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "text_escape.h"

namespace netsnap::analysis {
namespace {

std::string human_bytes(uint64_t b) {
  char buf[32];
  if (b < 10 * 1024) std::snprintf(buf, sizeof buf, "%" PRIu64 " B", b);
  else if (b < 10ull << 20) std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024.0);
  else if (b < 10ull << 30) std::snprintf(buf, sizeof buf, "%.1f MiB", b / 1048576.0);
  else std::snprintf(buf, sizeof buf, "%.1f GiB", b / 1073741824.0);
  return buf;
}

const char* source_name(CaptureSource s) {
  switch (s) {
    case CaptureSource::netlink: return "netlink";
    case CaptureSource::proc: return "proc";
    case CaptureSource::synthetic: return "synthetic";
    default: return "unknown";
  }
}

}  // namespace

RecordingSummary summarize(const Timeline& timeline) {
  RecordingSummary s;
  const auto& entries = timeline.entries();
  s.snapshots = entries.size();
  for (const auto& f : timeline.files()) s.bytes += f.size;
  s.damage = timeline.damage();
  if (entries.empty()) return s;
  s.first_ns = entries.front().wall_ns;
  s.last_ns = entries.back().wall_ns;
  std::vector<int64_t> steps;
  for (size_t i = 1; i < entries.size(); ++i) steps.push_back(entries[i].wall_ns - entries[i - 1].wall_ns);
  if (!steps.empty()) {
    std::vector<int64_t> sorted = steps;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    s.median_interval_ns = sorted[sorted.size() / 2];
  } else {
    s.median_interval_ns = timeline.header().options.interval_ns;
  }
  // A gap: a step longer than 1.5 intervals (a missed tick, a stopped recorder, damage).
  for (size_t i = 0; i < steps.size(); ++i) {
    if (s.median_interval_ns > 0 && steps[i] * 2 > s.median_interval_ns * 3) {
      uint64_t missed = static_cast<uint64_t>((steps[i] + s.median_interval_ns / 2) / s.median_interval_ns) - 1;
      s.gaps.push_back({entries[i].wall_ns, steps[i], missed});
    }
  }
  for (const auto& e : entries)
    if (e.sockets) {
      s.sockets_seen += e.sockets;
      ++s.snapshots_counted;
    }
  return s;
}

namespace {

// Namespaces beyond this many are counted, not listed: a container host has hundreds.
constexpr size_t namespaces_listed = 20;

void note_namespaces(const Snapshot& snapshot, std::vector<NamespaceSeen>& seen) {
  for (const Namespace& ns : snapshot.namespaces) {
    auto known = std::find_if(seen.begin(), seen.end(),
                              [&](const NamespaceSeen& s) { return s.inode == ns.inode; });
    if (known == seen.end())
      known = seen.insert(seen.end(), {ns.inode, ns.name, snapshot.wall_ns, snapshot.wall_ns, 0});
    known->last_ns = snapshot.wall_ns;
    known->max_sockets = std::max<uint64_t>(known->max_sockets, ns.sockets.size());
  }
}

// "netns  3 seen" then one line per namespace: label, inode, first and last seen, peak.
template <class Line>
void append_namespace_lines(const RecordingSummary& s, const RecordingTimeZone& zone, Line& line) {
  if (!s.payloads_checked) return;  // --quick: no snapshot was decoded
  line("netns", std::to_string(s.namespaces.size()) + " network namespace" +
                    (s.namespaces.size() == 1 ? "" : "s"));
  for (size_t i = 0; i < s.namespaces.size() && i < namespaces_listed; ++i) {
    const NamespaceSeen& ns = s.namespaces[i];
    line("", (ns.name.empty() ? "(no label)" : escaped(ns.name)) + "  inode " +
                 std::to_string(ns.inode) + "  " + zone.format(ns.first_ns) + " to " +
                 zone.format(ns.last_ns) + "  up to " + std::to_string(ns.max_sockets) +
                 " sockets");
  }
  if (s.namespaces.size() > namespaces_listed)
    line("", "... and " + std::to_string(s.namespaces.size() - namespaces_listed) +
                 " more (--netns NAME|INODE shows one)");
}

}  // namespace

void decode_all(Timeline& timeline, RecordingSummary& summary) {
  auto cursor = timeline.cursor(0, CursorMode::changes_only);
  uint64_t decoded = 0;
  auto& problems = summary.capture_problems;
  while (cursor.next()) {
    ++decoded;
    note_namespaces(cursor.current(), summary.namespaces);
    for (const CaptureError& e : cursor.current().errors) {
      auto known = std::find_if(problems.begin(), problems.end(), [&](const CaptureProblem& p) {
        return p.source == e.source && p.message == e.message;
      });
      // A host with a thousand distinct problems would bury the report: the first 100 are
      // kept, later ones only counted into the last line.
      if (known == problems.end() && problems.size() < 100)
        known = problems.insert(problems.end(), {e.source, e.message, 0, cursor.current().wall_ns});
      else if (known == problems.end())
        known = problems.end() - 1;
      ++known->snapshots;
    }
  }
  summary.damage = timeline.damage();
  summary.snapshots = decoded;
  summary.payloads_checked = true;
}

std::string render_capture_problems(const RecordingSummary& summary, const RecordingTimeZone& zone) {
  std::string out;
  for (const CaptureProblem& p : summary.capture_problems)
    out += "capture problem: " + escaped(p.source) + ": " + escaped(p.message) + " (" +
           std::to_string(p.snapshots) + " snapshot" + (p.snapshots == 1 ? "" : "s") +
           ", first at " + zone.format(p.first_ns) + ")\n";
  return out;
}

std::vector<DamagedRegion> merge_follow_on_damage(const std::vector<DamagedRegion>& damage) {
  // The reader reports each delta that became unreadable because its base was damaged as a
  // region of its own, with this reason (schema/src/timeline.cpp). They belong to the damage
  // before them in the same file: one region, one line, with every snapshot it cost.
  static constexpr std::string_view follow_on = "base snapshot damaged";
  std::vector<DamagedRegion> merged;
  for (const DamagedRegion& d : damage) {
    DamagedRegion* cause = nullptr;
    if (d.reason == follow_on) {
      for (DamagedRegion& candidate : merged) {
        if (candidate.file == d.file && candidate.offset < d.offset &&
            (cause == nullptr || candidate.offset > cause->offset)) {
          cause = &candidate;
        }
      }
    }
    if (cause != nullptr) {
      cause->snapshots_lost += d.snapshots_lost;
    } else {
      merged.push_back(d);
    }
  }
  return merged;
}

std::string render_damage_lines(const std::vector<DamagedRegion>& damage) {
  std::string out;
  for (const auto& d : merge_follow_on_damage(damage)) {
    char buf[160];
    std::snprintf(buf, sizeof buf, ": damaged at offset %" PRIu64 " (%" PRIu64 " bytes, %" PRIu64
                  " snapshots lost): ", d.offset, d.length, d.snapshots_lost);
    out += escaped(d.file) + buf + escaped(d.reason) + "\n";
  }
  return out;
}

std::string render_info(const Timeline& timeline, const RecordingSummary& s,
                        const RecordingTimeZone& zone) {
  std::string out;
  auto line = [&](const char* key, const std::string& value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%-12s", key);
    out += buf + value + "\n";
  };
  const FileHeader& h = timeline.header();
  for (const auto& f : timeline.files())
    line("file", escaped(f.path) + " (" + human_bytes(f.size) + ", format " +
                     std::to_string(f.format_version) + ", " + std::to_string(f.snapshots) +
                     " snapshots)");
  line("host", escaped(h.host_name) + "  machine " + escaped(h.machine_id) + "  boot " +
                   escaped(h.boot_id));
  line("kernel", escaped(h.kernel_release));
  line("recorder", "netsnap " + escaped(h.recorder_version) + ", source " + source_name(h.source) +
                       (h.owners_complete ? "" : ", owners incomplete (not recorded as root)"));
  line("time zone", escaped(zone.name()) + (zone.name() != h.time_zone && !h.time_zone.empty()
                                                    ? " (recorded: " + escaped(h.time_zone) + ")"
                                                    : ""));
  if (s.snapshots == 0) {
    line("snapshots", "0");
  } else {
    line("first", zone.format(s.first_ns));
    line("last", zone.format(s.last_ns));
    line("duration", format_duration(s.last_ns - s.first_ns));
    line("snapshots", std::to_string(s.snapshots) + ", every " + format_duration(s.median_interval_ns) +
                          " (median)");
  }
  std::string gaps = std::to_string(s.gaps.size());
  for (size_t i = 0; i < s.gaps.size() && i < 10; ++i)
    gaps += (i ? "; " : ": ") + zone.format(s.gaps[i].after_ns) + " +" +
            format_duration(s.gaps[i].length_ns) + " (" + std::to_string(s.gaps[i].missed) + " missed)";
  if (s.gaps.size() > 10) gaps += "; ...";
  line("gaps", gaps);
  char buf[160];
  double per_snapshot = s.snapshots ? double(s.bytes) / s.snapshots : 0;
  double sockets = s.snapshots_counted ? double(s.sockets_seen) / s.snapshots_counted : 0;
  double per_socket = sockets > 0 ? per_snapshot / sockets : 0;
  std::snprintf(buf, sizeof buf, "%s, %.0f B/snapshot, %.0f sockets/snapshot, %.3f B/socket/snapshot",
                human_bytes(s.bytes).c_str(), per_snapshot, sockets, per_socket);
  line("size", buf);
  line("damage", (s.damage.empty() ? std::string("none") : std::to_string(s.damage.size()) + " region(s)") +
                    (s.payloads_checked ? ", every snapshot decoded"
                                        : ", frames only (--quick: contents not decoded)"));
  append_namespace_lines(s, zone, line);
  if (!s.capture_problems.empty())
    line("capture", std::to_string(s.capture_problems.size()) +
                        " kind(s) of capture problem; `verify` lists them");
  for (const auto& d : s.damage) {
    std::snprintf(buf, sizeof buf, "offset %" PRIu64 ", %" PRIu64 " bytes, %" PRIu64 " snapshots lost: ",
                  d.offset, d.length, d.snapshots_lost);
    line("", escaped(d.file) + " " + buf + escaped(d.reason));
  }
  return out;
}

}  // namespace netsnap::analysis
