// What `info` and `verify` report about a timeline: identity, span, cadence, gaps, size and
// damage. Computed from the snapshot list; `verify` also decodes every snapshot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netsnap/recording_reader.h"
#include "recording_time_zone.h"

namespace netsnap::analysis {

struct Gap {
  int64_t after_ns = 0;   // last snapshot before the gap
  int64_t length_ns = 0;  // time to the next snapshot
  uint64_t missed = 0;    // intervals without a snapshot
};

// One problem the recorder met while capturing (a failed /proc read, snapshots it could not
// write), as recorded in the snapshots: identical messages are counted together.
struct CaptureProblem {
  std::string source;
  std::string message;
  uint64_t snapshots = 0;
  int64_t first_ns = 0;
};

// A network namespace as decode_all saw it over the whole timeline.
struct NamespaceSeen {
  uint64_t inode = 0;
  std::string name;  // the label it had when first seen
  int64_t first_ns = 0, last_ns = 0;
  uint64_t max_sockets = 0;
};

struct RecordingSummary {
  uint64_t snapshots = 0;
  int64_t first_ns = 0, last_ns = 0;
  int64_t median_interval_ns = 0;
  std::vector<Gap> gaps;
  uint64_t bytes = 0;
  uint64_t sockets_seen = 0;        // summed over snapshots with a known count
  uint64_t snapshots_counted = 0;   // snapshots whose socket count is known
  std::vector<DamagedRegion> damage;
  std::vector<CaptureProblem> capture_problems;  // filled by decode_all, in order of first sight
  bool payloads_checked = false;  // decode_all ran: damage inside intact frames is included
  std::vector<NamespaceSeen> namespaces;  // filled by decode_all, in order of first sight
};

RecordingSummary summarize(const Timeline& timeline);

// Decodes every snapshot (damage found this way joins the summary's list) and collects the
// capture problems and the network namespaces recorded in them.
void decode_all(Timeline& timeline, RecordingSummary& summary);

// "capture problem: SOURCE: MESSAGE (N snapshots, first at TIME)" lines, escaped.
std::string render_capture_problems(const RecordingSummary& summary, const RecordingTimeZone& zone);

std::string render_info(const Timeline& timeline, const RecordingSummary& summary,
                        const RecordingTimeZone& zone);

// Folds the reader's "base snapshot damaged" reports (deltas lost with the record they build
// on) into the damaged region before them in the same file.
std::vector<DamagedRegion> merge_follow_on_damage(const std::vector<DamagedRegion>& damage);

// One line per damaged region: "FILE: damaged at offset N (L bytes, K snapshots lost): why",
// after merge_follow_on_damage.
std::string render_damage_lines(const std::vector<DamagedRegion>& damage);

}  // namespace netsnap::analysis
