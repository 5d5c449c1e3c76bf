// `netsnap-analyze report FILE|DIR... [--from T1 --to T2] [--format text|json|markdown|html]
// [--fail-on warning|critical] [--utc] [threshold options]`: runs the detectors over the
// window and writes the incident report.
//
// Exit status:
//   0  the report was written (whatever it found, unless --fail-on says otherwise)
//   1  damaged input: the report used every readable snapshot; each damaged region is named
//      on stderr (and in the report's caveats)
//   2  usage error or unreadable input (missing file, not a recording, a malformed time)
//   3  --fail-on: a finding at or above that severity exists. Takes precedence over 1, since a
//      script asking --fail-on wants the verdict; the damage is still reported on stderr.
// A window without snapshots, an empty recording or one without owners or counters is not an
// error: the report says what it could not judge and why.
//
// main.cpp wires it with:
//   ReportCommandOptions report_options;
//   CLI::App* report = add_report_subcommand(app, report_options);
//   ...
//   if (report->parsed()) return run_report_command(report_options, std::cout, std::cerr);
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "detectors/detector_options.h"
#include "progress_meter.h"

namespace netsnap::analysis {

struct ReportCommandOptions {
  std::vector<std::string> inputs;
  std::optional<std::string> from, to;
  std::string format = "text";  // text, json, markdown, html
  std::string fail_on;          // "", "warning" or "critical"
  bool utc = false;
  std::vector<std::string> netns;  // --netns values
  detectors::DetectorOptions thresholds;
  ProgressMeter* progress = nullptr;  // set by main() when stderr is a terminal
};

// Adds the `report` subcommand with every option (thresholds included) bound to `options`,
// which must outlive the parse. Returns the subcommand, for ->parsed().
CLI::App* add_report_subcommand(CLI::App& app, ReportCommandOptions& options);

// Opens the inputs, builds and renders the report to `out`; one-line errors and damage go to
// `err`. Returns the exit status above.
int run_report_command(const ReportCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace netsnap::analysis
