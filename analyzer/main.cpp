// netsnap-analyze: wires the command line to the analysis library. Exit status (every command):
//   0  read without damage
//   1  damaged input: every readable snapshot was used, each damaged region reported on stderr
//   2  usage error or unreadable input (missing file, not a recording, newer format, a time
//      outside the recording)
//   3  report --fail-on: a finding at or above the given severity exists
// (slice: 1 also when writing the new recording failed; nothing is left behind then.)
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>

#include "diff_command.h"
#include "export_command.h"
#include "netns_option.h"
#include "netsnap/recording_reader.h"
#include "netstat_argument_split.h"
#include "progress_meter.h"
#include "recording_summary.h"
#include "recording_time_zone.h"
#include "report_command.h"
#include "slice_command.h"
#include "table_command.h"
#include "text_escape.h"
#include "timeline_command.h"

namespace {

using namespace netsnap;
using namespace netsnap::analysis;

constexpr int EXIT_DAMAGED = 1;
constexpr int EXIT_USAGE = 2;

constexpr const char* netstat_flags_help =
    "netstat's flags, with netstat's meaning and combinable (-tunap): -t tcp, -u udp, -w raw, "
    "-x unix, -l listening only, -a all, -n numeric, -p PID/program, -e user and inode, "
    "-o timers, -W wide addresses (also -U udplite, -4, -6 and the long forms such as "
    "--numeric-hosts; --all selects snapshots, use -a for netstat's 'all').";

int usage_error(const std::string& message) {
  std::cerr << "netsnap-analyze: " << escaped(message) << "\n";
  return EXIT_USAGE;
}

Result<Timeline> open_or_report(const std::vector<std::string>& inputs, ScanMode mode) {
  auto timeline = Timeline::open(inputs, mode);
  if (!timeline) std::cerr << "netsnap-analyze: " << escaped(timeline.error().message) << "\n";
  return timeline;
}

int finish(const std::vector<DamagedRegion>& damage) {
  std::cerr << render_damage_lines(damage);
  return damage.empty() ? 0 : EXIT_DAMAGED;
}

// A command's outcome: a failed Status is a usage error (2) even on damaged input, which is
// still named; otherwise the damage decides between 0 and 1.
int finish_command(const Status& status, const Timeline& timeline) {
  std::cout.flush();
  if (!status) {
    std::cerr << render_damage_lines(timeline.damage());
    return usage_error(status.error().message);
  }
  return finish(timeline.damage());
}

// By default every snapshot is decoded, so that a record whose frame is intact but whose
// content is not (a hostile or corrupted payload) makes info exit 1 like verify; --quick reads
// only the frames, which is enough for the span and the size of a very large recording.
// --netns limits the namespaces listed (the rest of info is about the files, not namespaces).
int run_info(const std::vector<std::string>& inputs, bool utc, bool quick,
             const NamespaceSelection& namespaces) {
  auto timeline = open_or_report(inputs, ScanMode::full);
  if (!timeline) return EXIT_USAGE;
  if (Status known = check_namespace_selection(*timeline, namespaces); !known)
    return usage_error(known.error().message);
  RecordingSummary summary = summarize(*timeline);
  if (!quick) decode_all(*timeline, summary);
  std::erase_if(summary.namespaces,
                [&](const NamespaceSeen& ns) { return !namespaces.matches(ns.inode, ns.name); });
  RecordingTimeZone zone(timeline->header(), utc);
  std::cout << render_info(*timeline, summary, zone);
  return finish(summary.damage);
}

int run_verify(const std::vector<std::string>& inputs, bool utc) {
  auto timeline = open_or_report(inputs, ScanMode::full);
  if (!timeline) return EXIT_USAGE;
  RecordingSummary summary = summarize(*timeline);
  decode_all(*timeline, summary);
  for (const auto& f : timeline->files()) {
    bool damaged = false;
    for (const auto& d : summary.damage) damaged |= d.file == f.path;
    std::cout << escaped(f.path) << ": " << (damaged ? "DAMAGED" : "ok") << " (" << f.snapshots
              << " snapshots)\n";
  }
  std::cout << render_capture_problems(summary, RecordingTimeZone(timeline->header(), utc));
  return finish(summary.damage);
}

// The width sparklines may use, or 0 when stdout is not a terminal (no sparklines then).
size_t terminal_width() {
  if (isatty(STDOUT_FILENO) == 0) return 0;
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

// The long names (with "--") of a subcommand's options that take a value.
std::vector<std::string> value_options_of(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* option : command.get_options()) {
    if (option->get_items_expected_max() == 0) continue;  // a flag (--all, --utc, --help)
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
  }
  return names;
}

// Options shared by table and diff, and the filter values they fill.
struct CommonArgs {
  std::vector<std::string> inputs;
  bool utc = false;
  bool resolve = false;
  std::string format = "text";
  SocketFilterArgs filter;
  std::vector<std::string> netns;
};

void add_common_options(CLI::App& command, CommonArgs& args,
                        const std::vector<std::string>& formats) {
  command
      .add_option("inputs", args.inputs, "Recording files or directories (read as one timeline)")
      ->required();
  command.add_flag("--utc", args.utc, "Show times in UTC instead of the recorded host's time zone");
  command.add_option("--format", args.format, "Output format")
      ->check(CLI::IsMember(formats))
      ->capture_default_str();
  add_netns_option(command, args.netns);
}

void add_resolve_option(CLI::App& command, bool& resolve) {
  command.add_flag("--resolve", resolve,
                   "Without -n: show host names, looked up on THIS machine (its /etc/hosts and "
                   "DNS), as netstat does; by default addresses stay numeric");
}

void add_filter_options(CLI::App& command, SocketFilterArgs& filter) {
  // One value per occurrence ("--state A --state B"): a vector option would otherwise swallow
  // the input paths that follow it.
  command
      .add_option("--state", filter.states,
                  "Only sockets in this state (repeatable), e.g. --state ESTABLISHED "
                  "--state CLOSE_WAIT; UNIX: LISTENING, CONNECTED...")
      ->allow_extra_args(false);
  command.add_option("--port", filter.ports, "Only sockets with this local or remote port")
      ->allow_extra_args(false);
  command.add_option("--pid", filter.pids, "Only sockets owned by this process")
      ->allow_extra_args(false);
  command
      .add_option("--program", filter.programs,
                  "Only sockets owned by this program (the name -p shows, or its comm)")
      ->allow_extra_args(false);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "netsnap-analyze: replay socket recordings made by netsnap-record.\n"
      "Exit status: 0 ok, 1 damaged input (readable snapshots still used), 2 usage "
      "error or unreadable input, 3 report --fail-on matched."};
  app.require_subcommand(1);
  std::vector<std::string> inputs;
  bool utc = false;

  auto* info =
      app.add_subcommand("info",
                         "Host, kernel, versions, time span, cadence, gaps, size and damage.\n"
                         "Example: netsnap-analyze info /var/lib/netsnap/");
  info->add_option("inputs", inputs, "Recording files or directories (read as one timeline)")
      ->required();
  info->add_flag("--utc", utc, "Show times in UTC instead of the recorded host's time zone");
  bool info_quick = false;
  info->add_flag("--quick", info_quick,
                 "Read only the records' frames, not their contents: faster on very large "
                 "recordings, but damage inside an intact frame goes unnoticed (exit 0)");
  std::vector<std::string> info_netns;
  add_netns_option(*info, info_netns);

  auto* verify = app.add_subcommand("verify",
                                    "Check every record; exit 0 when intact, 1 when damaged. Also "
                                    "lists the problems the recorder met while capturing "
                                    "(snapshots it could not write, /proc reads that failed).\n"
                                    "Example: netsnap-analyze verify incident.netsnap");
  verify->add_option("inputs", inputs, "Recording files or directories")->required();
  verify->add_flag("--utc", utc, "Show times in UTC instead of the recorded host's time zone");

  // table
  CommonArgs table_args;
  SnapshotSelectorArgs selection;
  std::optional<std::string> at, from, to;
  std::optional<int64_t> index;
  auto* table = app.add_subcommand(
      "table", std::string("A snapshot as netstat would have printed it on the recorded host.\n"
                           "Example: netsnap-analyze table host.netsnap -tunap --at 14:05\n") +
                   netstat_flags_help +
                   "\nTIME: RFC 3339, HH:MM[:SS] (the first day, in the zone shown: the "
                   "recording's, or UTC with --utc), +5m from the "
                   "start, -5m from the end, or epoch seconds.");
  add_common_options(*table, table_args, {"text", "csv", "json"});
  add_filter_options(*table, table_args.filter);
  add_resolve_option(*table, table_args.resolve);
  table->add_option("--at", at, "The last snapshot at or before TIME");
  table->add_option("--index", index, "The Nth snapshot (0 is the first, -1 the last)");
  table->add_option("--from", from, "Every snapshot from TIME on (each preceded by its time)");
  table->add_option("--to", to, "Every snapshot up to TIME");
  table->add_flag("--all", selection.all, "Every snapshot, each preceded by its time");

  // timeline
  CommonArgs timeline_args;
  std::string by = "state", every;
  size_t top = 10;
  auto* timeline = app.add_subcommand(
      "timeline",
      "Socket counts per snapshot: by TCP state (plus UDP, UNIX, queued bytes) or "
      "by proto, local port, remote address, program or network namespace (or its states).\n"
      "Example: netsnap-analyze timeline host.netsnap --every 1m --by state");
  add_common_options(*timeline, timeline_args, {"text", "csv", "json"});
  timeline
      ->add_option("--by", by,
                   "Columns: state, proto, local-port, remote, program, netns or netns-state "
                   "(the state columns per namespace)")
      ->check(CLI::IsMember(
          {"state", "proto", "local-port", "remote", "program", "netns", "netns-state"}))
      ->capture_default_str();
  timeline->add_option("--every", every,
                       "One row per DURATION (e.g. 10s, 5m, 1h): each column's maximum in it");
  timeline->add_option("--from", from, "Start at TIME");
  timeline->add_option("--to", to, "End at TIME");
  timeline
      ->add_option("--top", top,
                   "For local-port, remote, program, netns, netns-state: columns kept (the rest is 'other'; 0 "
                   "keeps all)")
      ->capture_default_str();

  // diff
  CommonArgs diff_args;
  std::string diff_from, diff_to;
  auto* diff = app.add_subcommand(
      "diff",
      std::string("Connections opened (+), closed (-) and changed (~, state or queue) "
                  "between two snapshots.\n"
                  "Example: netsnap-analyze diff host.netsnap -tuan --from 14:00 --to 14:05\n") +
          netstat_flags_help);
  add_common_options(*diff, diff_args, {"text", "json"});
  add_filter_options(*diff, diff_args.filter);
  add_resolve_option(*diff, diff_args.resolve);
  diff->add_option("--from", diff_from, "The earlier snapshot: the last at or before TIME")
      ->required();
  diff->add_option("--to", diff_to, "The later snapshot: the last at or before TIME")->required();

  // report
  ReportCommandOptions report_options;
  CLI::App* report = add_report_subcommand(app, report_options);

  // export
  ExportCommandOptions export_options;
  CLI::App* exporter = add_export_subcommand(app, export_options);
  // slice
  SliceCommandOptions slice_options;
  CLI::App* slice = add_slice_subcommand(app, slice_options);

  // netstat's flags come out first (netstat_argument_split.h): CLI11 cannot take "-tunap".
  std::vector<std::string> args(argv + 1, argv + argc);
  std::vector<std::string> netstat_args;
  if (!args.empty() && (args[0] == "table" || args[0] == "diff")) {
    const CLI::App& command = args[0] == "table" ? *table : *diff;
    SplitArguments split = split_netstat_arguments(
        std::vector<std::string>(args.begin() + 1, args.end()), value_options_of(command));
    netstat_args = std::move(split.netstat);
    split.rest.insert(split.rest.begin(), args[0]);
    args = std::move(split.rest);
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector last argument first
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    return usage_error(std::string(e.what()) + " (see --help)");
  }
  if (info->parsed()) return run_info(inputs, utc, info_quick, NamespaceSelection(info_netns));
  if (verify->parsed()) return run_verify(inputs, utc);
  // Long replays (report, timeline, slice; table and export of a span into a file) show a
  // progress line on stderr when it is a terminal, nothing otherwise. table and export write
  // as they go, so on a terminal stdout the line would tear through them: only when stdout is
  // elsewhere.
  std::optional<ProgressMeter> progress;
  const bool streaming = (table->parsed() || exporter->parsed()) && isatty(STDOUT_FILENO) == 0;
  if ((report->parsed() || timeline->parsed() || slice->parsed() || streaming) &&
      isatty(STDERR_FILENO) != 0)
    progress.emplace(std::cerr, report->parsed()     ? "report"
                                : timeline->parsed() ? "timeline"
                                : slice->parsed()    ? "slice"
                                : table->parsed()    ? "table"
                                                     : "export");
  if (exporter->parsed()) {
    if (progress) export_options.progress = &*progress;
    return run_export_command(export_options, std::cout, std::cerr);
  }
  if (slice->parsed()) {
    if (progress) slice_options.request.progress = &*progress;
    return run_slice_command(slice_options, std::cout, std::cerr);
  }
  if (report->parsed()) {
    if (progress) report_options.progress = &*progress;
    return run_report_command(report_options, std::cout, std::cerr);
  }

  if (table->parsed() || diff->parsed()) {
    const CommonArgs& common = table->parsed() ? table_args : diff_args;
    auto netstat = parse_netstat_options(netstat_args);
    if (!netstat) return usage_error(netstat.error().message);
    auto filter = SocketFilter::parse(common.filter);
    if (!filter) return usage_error(filter.error().message);
    auto format = parse_output_format(common.format);
    if (!format) return usage_error(format.error().message);
    if (table->parsed()) {
      TableRequest request{*netstat,
                           selection,
                           std::move(*filter),
                           *format,
                           common.utc,
                           common.resolve,
                           nullptr,
                           NamespaceSelection(common.netns)};
      request.selection.at = at;
      request.selection.index = index;
      request.selection.from = from;
      request.selection.to = to;
      if (progress) request.progress = &*progress;
      if (auto checked = check_selectors(request.selection); !checked) {
        return usage_error(checked.error().message);
      }
      auto recording = open_or_report(common.inputs, ScanMode::fast);
      if (!recording) return EXIT_USAGE;
      return finish_command(run_table(*recording, request, std::cout), *recording);
    }
    DiffRequest request{*netstat, diff_from,  diff_to,        std::move(*filter),
                        *format,  common.utc, common.resolve, NamespaceSelection(common.netns)};
    auto recording = open_or_report(common.inputs, ScanMode::fast);
    if (!recording) return EXIT_USAGE;
    return finish_command(run_diff(*recording, request, std::cout), *recording);
  }

  if (timeline->parsed()) {
    TimelineRequest request;
    auto grouping = parse_group_by(by);
    if (!grouping) return usage_error(grouping.error().message);
    request.by = *grouping;
    if (!every.empty()) {
      auto every_ns = parse_duration(every);
      if (!every_ns || *every_ns <= 0) {
        return usage_error("--every '" + every + "': expected a duration such as 10s, 5m or 1h");
      }
      request.every_ns = *every_ns;
    }
    request.selection.from = from;
    request.selection.to = to;
    request.top = top;
    auto format = parse_output_format(timeline_args.format);
    if (!format) return usage_error(format.error().message);
    request.format = *format;
    request.utc = timeline_args.utc;
    request.sparkline_width = request.format == OutputFormat::text ? terminal_width() : 0;
    if (progress) request.progress = &*progress;
    request.namespaces = NamespaceSelection(timeline_args.netns);
    auto recording = open_or_report(timeline_args.inputs, ScanMode::fast);
    if (!recording) return EXIT_USAGE;
    if (Status known = check_namespace_selection(*recording, request.namespaces); !known)
      return usage_error(known.error().message);
    return finish_command(run_timeline(*recording, request, std::cout), *recording);
  }
  return EXIT_USAGE;
}
