// The detector layer's entry point, for the `report` command (and tests).
//
//   DetectorReport notes;
//   std::vector<Finding> findings =
//       run_detectors(timeline, first_entry, last_entry, DetectorOptions{}, notes);
//
// Replays entries [first_entry, last_entry] of the timeline (indices into
// Timeline::entries(), inclusive; last_entry is clamped to the last entry) once, with a
// changes-only Cursor, and runs every detector over that window:
//   time_wait_buildup, ephemeral_port_pressure, tw_bucket_overflow, close_wait_leak,
//   accept_queue_overflow, syn_queue_overflow, recv_queue_backlog, send_queue_backlog
// (analyzer/src/detectors/README.md says what each looks at, its rule and defaults).
//
// Returns the findings ranked: critical first, then warning, then info; within a severity by
// kind, then by peak. At most options.max_info_findings_per_kind info findings per kind are
// kept (notes.findings_omitted counts the rest). `notes` is overwritten with what the window
// did not allow to judge and why (NotJudged: no snapshots, a single snapshot, no owners, no
// counters, a setting not recorded), caveats (gaps, damaged records, several namespaces,
// counter resets, assumed settings) and replay statistics.
//
// Never throws for bad input: an empty window yields no findings and a NotJudged entry for
// "all". Cost: one pass over the window; per step, work grows with the sockets that changed,
// plus a full pass over a snapshot's sockets only where the replay has no previous snapshot
// (the window's first, after damage). Memory grows with the keys seen (destinations,
// processes, listeners, sockets with a queue or in CLOSE_WAIT), not with the window's length
// beyond 8 bytes per snapshot: series are cut into options.series_points buckets.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "detectors/detector_options.h"
#include "detectors/finding.h"
#include "detectors/snapshot_feed.h"
#include "netsnap/recording_reader.h"

namespace netsnap::analysis::detectors {

// `also`, when given, receives every event of the same replay after the detectors (the report's
// state counts ride along this way instead of paying for a second replay).
std::vector<Finding> run_detectors(Timeline& timeline, size_t first_entry, size_t last_entry,
                                   const DetectorOptions& options, DetectorReport& notes,
                                   FeedListener* also = nullptr);

// The kinds, in the order detectors run (stable names used in json output).
const std::vector<std::string_view>& detector_kinds();

}  // namespace netsnap::analysis::detectors
