#include "export_command.h"

#include "export_counters.h"
#include "export_request.h"
#include "export_sockets.h"
#include "export_timeline.h"
#include "netns_option.h"
#include "recording_summary.h"
#include "recording_time_zone.h"
#include "snapshot_selection.h"
#include "text_escape.h"

namespace netsnap::analysis {
namespace {

constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

int usage_error(std::ostream& err, const std::string& message) {
  err << "netsnap-analyze: " << escaped(message) << "\n";
  return exit_usage;
}

// The request from the command line's words, or the first thing wrong with them.
Result<ExportRequest> parse_request(const ExportCommandOptions& options) {
  ExportRequest request;
  auto format = parse_export_format(options.format);
  if (!format) return format.error();
  auto what = parse_export_what(options.what);
  if (!what) return what.error();
  request.format = *format;
  request.what = *what;
  if (options.by) {
    auto by = parse_group_by(*options.by);
    if (!by) return by.error();
    request.by = *by;
  }
  if (options.top) request.top = *options.top;
  if (auto checked = check_export_request(request, options.by.has_value(), options.top.has_value());
      !checked)
    return checked.error();
  request.selection.from = options.from;
  request.selection.to = options.to;
  request.utc = options.utc;
  request.progress = options.progress;
  request.namespaces = NamespaceSelection(options.netns);
  return request;
}

}  // namespace

CLI::App* add_export_subcommand(CLI::App& app, ExportCommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "export",
      "The window's sockets, timeline counts or kernel counters as CSV (RFC 4180, a header "
      "row), JSON lines, or OpenMetrics text for Prometheus-compatible stores (load it with "
      "`promtool tsdb create-blocks-from openmetrics FILE DIR`).\n"
      "Example: netsnap-analyze export host.netsnap --format openmetrics --what timeline "
      "> host.om\n"
      "--what sockets: one row per socket per snapshot, the time first (csv, jsonl; no "
      "OpenMetrics: a series per socket is unbounded cardinality). --what timeline: the counts "
      "of `timeline --by` per snapshot. --what counters: every kernel counter per snapshot, "
      "raw cumulative values.\n"
      "Exit status: 0 written, 1 damaged input or a failed write, 2 usage error.");
  command
      ->add_option("inputs", options.inputs,
                   "Recording files or directories (read as one timeline)")
      ->required();
  command->add_option("--format", options.format, "csv, jsonl or openmetrics")->required();
  command->add_option("--what", options.what, "sockets, timeline or counters")->required();
  command->add_option("--by", options.by,
                      "--what timeline: state (default), proto, local-port, remote, program, "
                      "netns or netns-state");
  command->add_option(
      "--top", options.top,
      "--what timeline --by local-port|remote|program|netns|netns-state: columns kept (default "
      "10; 0 keeps all)");
  add_netns_option(*command, options.netns);
  command->add_option("--from", options.from,
                      "Start of the window (TIME: RFC 3339, HH:MM[:SS], +5m, -5m, epoch s)");
  command->add_option("--to", options.to, "End of the window (TIME)");
  command->add_flag("--utc", options.utc,
                    "csv/jsonl times in UTC instead of the recorded host's time zone");
  return command;
}

int run_export_command(const ExportCommandOptions& options, std::ostream& out, std::ostream& err) {
  auto request = parse_request(options);
  if (!request) return usage_error(err, request.error().message);
  auto timeline = Timeline::open(options.inputs, ScanMode::fast);
  if (!timeline) return usage_error(err, timeline.error().message);
  if (Status known = check_namespace_selection(*timeline, request->namespaces); !known)
    return usage_error(err, known.error().message);
  const RecordingTimeZone zone(timeline->header(), request->utc);
  // Resolved before anything is written: a time outside the recording names the covered span.
  auto range =
      resolve_selection(*timeline, zone, request->selection, DefaultSelection::every_snapshot);
  Status written = ok_status();
  if (!range) {
    written = range.error();
  } else if (request->what == ExportWhat::sockets) {
    written = export_sockets(*timeline, zone, *range, *request, out);
  } else if (request->what == ExportWhat::timeline) {
    written = export_timeline(*timeline, zone, *request, out);
  } else {
    written = export_counters(*timeline, zone, *range, *request, out);
  }
  if (request->progress) request->progress->finish();
  out.flush();
  const std::vector<DamagedRegion> damage = timeline->damage();
  err << render_damage_lines(damage);
  if (!written) return usage_error(err, written.error().message);
  if (!out) {
    err << "netsnap-analyze: export: writing the output failed (disk full, or the reader "
           "went away); what was written is incomplete\n";
    return exit_failed;
  }
  return damage.empty() ? 0 : exit_failed;
}

}  // namespace netsnap::analysis
