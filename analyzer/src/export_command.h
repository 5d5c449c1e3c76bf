// `netsnap-analyze export FILE|DIR... --format csv|jsonl|openmetrics
// --what sockets|timeline|counters [--by G] [--top N] [--from T1] [--to T2] [--utc]`: the
// window's data in a form other tools load (spreadsheets, pandas, jq, Prometheus-compatible
// stores through `promtool tsdb create-blocks-from openmetrics`). What each --what writes in
// each format: export_sockets.h, export_timeline.h, export_counters.h; OpenMetrics text:
// export_openmetrics.h.
//
// Exit status:
//   0  written
//   1  damaged input (every readable snapshot was exported; each damaged region is named on
//      stderr), or writing the output failed (a full disk: one line says so)
//   2  usage error (unknown --format or --what, --what sockets as openmetrics, --by without
//      --what timeline, a time outside the recording: one line naming the covered span) or
//      unreadable input
//
// main.cpp wires it with:
//   ExportCommandOptions export_options;
//   CLI::App* exporter = add_export_subcommand(app, export_options);
//   ...
//   if (exporter->parsed()) return run_export_command(export_options, std::cout, std::cerr);
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "progress_meter.h"

namespace netsnap::analysis {

struct ExportCommandOptions {
  std::vector<std::string> inputs;
  std::string format, what;
  std::optional<std::string> by;
  std::optional<size_t> top;
  std::optional<std::string> from, to;
  bool utc = false;
  std::vector<std::string> netns;     // --netns values
  ProgressMeter* progress = nullptr;  // set by main() when stderr is a terminal
};

// Adds the `export` subcommand bound to `options`, which must outlive the parse.
CLI::App* add_export_subcommand(CLI::App& app, ExportCommandOptions& options);

// Opens the inputs and writes the export to `out`; one-line errors and damage go to `err`.
// Returns the exit status above.
int run_export_command(const ExportCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace netsnap::analysis
