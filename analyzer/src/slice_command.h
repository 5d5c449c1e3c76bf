// `netsnap-analyze slice`: copies a window of a timeline (one or several files) into one new,
// self-contained recording, optionally anonymized (recording_anonymizer.h), small enough to
// attach to a ticket and readable by every command after any renaming.
//
// The slice is written by the recorder's own RecordingWriter, so it is an ordinary recording:
//  * its header is the header of the file holding the window's first snapshot, with the uid
//    map every earlier snapshot had grown (header users plus users_added before the window) and
//    the kernel settings in force at the window's start (settings_changed applied); where the
//    window crosses into another file, that file's header settings and users that differ are
//    carried by the first snapshot after the boundary (settings_changed, users_added);
//  * it starts with a key snapshot (the whole state at its start), then deltas, with keys
//    where the original has them (so a reader rebuilds every snapshot's sockets in the
//    original's order: tables list rows in stored order) and after damage;
//  * snapshots keep their times and sequence numbers (table --all of the slice equals table
//    --all --from T1 --to T2 of the original, json included), unless the window's numbers do
//    not increase (files from different recorder runs that restarted the numbering): then the
//    slice numbers them 1, 2, ... and says so;
//  * gaps stay gaps (times are kept); a damaged snapshot inside the window is left out (the
//    caller names each damaged region, as for every command) and the slice is still written.
// Cost: the replay starts at the timeline's first snapshot (the uid map before the window is
// needed); the progress meter shows it on a terminal.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "namespace_selection.h"
#include "netsnap/recording_reader.h"
#include "netsnap/result.h"
#include "progress_meter.h"
#include "recording_anonymizer.h"
#include "recording_time_zone.h"
#include "slice_output_file.h"
#include "snapshot_selection.h"

namespace netsnap::analysis {

struct SliceRequest {
  std::optional<std::string> from, to;  // the window; either may be left out
  std::string output;
  bool force = false;  // replace an existing regular file (slice_output_file.h)
  bool anonymize = false;
  std::optional<std::string> key_file;  // --anonymize-key (anonymization_key.h)
  bool utc = false;                     // how HH:MM is read
  NamespaceSelection namespaces;        // --netns: the namespaces copied (default every one)
  ProgressMeter* progress = nullptr;
};

// What plan_slice checked and prepared: the window, the destination's temporary file, the key.
struct SlicePlan {
  SnapshotRange range;
  RecordingTimeZone zone;
  SliceOutputFile destination;
  std::optional<RecordingAnonymizer> anonymizer;
};

// Checks the request against the timeline: the window (a time outside the recording), the
// destination (slice_output_file.h), the key file. A failure is a usage error (exit 2); nothing
// is left behind.
Result<SlicePlan> plan_slice(const Timeline& timeline, const SliceRequest& request);

// Writes the slice and one summary line to `out`:
//   "wrote OUT: 31 snapshots, 2026-03-01 13:00:10 CET to ... (12,345 bytes), anonymized"
// A failure (a write error, no readable snapshot in the window) leaves no file (exit 1).
Status write_slice(Timeline& timeline, const SliceRequest& request, SlicePlan& plan,
                   std::ostream& out);

// The command line: `slice FILE|DIR... [--from T1] [--to T2] -o OUT [--force] [--anonymize
// [--anonymize-key FILE]] [--utc]`. main.cpp wires it with
//   SliceCommandOptions slice_options;
//   CLI::App* slice = add_slice_subcommand(app, slice_options);
//   if (slice->parsed()) return run_slice_command(slice_options, std::cout, std::cerr);
struct SliceCommandOptions {
  std::vector<std::string> inputs;
  std::vector<std::string> netns;  // --netns values
  SliceRequest request;
};
CLI::App* add_slice_subcommand(CLI::App& app, SliceCommandOptions& options);
// Exit status: 0 written, 1 written from damaged input (each damaged region named on `err`) or
// failed while writing, 2 usage error or unreadable input.
int run_slice_command(const SliceCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace netsnap::analysis
