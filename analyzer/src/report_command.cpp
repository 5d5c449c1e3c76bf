#include "report_command.h"

#include "netns_option.h"
#include "recording_summary.h"
#include "recording_time_zone.h"
#include "report_html.h"
#include "report_json.h"
#include "report_markdown.h"
#include "report_model.h"
#include "report_text.h"
#include "report_threshold_options.h"
#include "text_escape.h"

namespace netsnap::analysis {
namespace {

constexpr int exit_damaged = 1;
constexpr int exit_usage = 2;
constexpr int exit_fail_on = 3;

int usage_error(std::ostream& err, const std::string& message) {
  err << "netsnap-analyze: " << escaped(message) << "\n";
  return exit_usage;
}

std::optional<detectors::Severity> parse_fail_on(const std::string& name) {
  if (name == "warning") return detectors::Severity::warning;
  if (name == "critical") return detectors::Severity::critical;
  return std::nullopt;
}

}  // namespace

CLI::App* add_report_subcommand(CLI::App& app, ReportCommandOptions& options) {
  CLI::App* report = app.add_subcommand(
      "report",
      "Incident report: runs the detectors (TIME_WAIT and CLOSE_WAIT buildup, ephemeral port "
      "pressure, accept/SYN queue overflow, queue backlogs) over the window and lists what "
      "they found, by severity, with evidence, what they could not judge, and state counts.\n"
      "Example: netsnap-analyze report /var/lib/netsnap/ --from 14:00 --to 15:00 --format html "
      "> incident.html\n"
      "Exit status: 0 written, 1 damaged input, 2 usage error, 3 --fail-on matched.");
  report
      ->add_option("inputs", options.inputs,
                   "Recording files or directories (read as one timeline)")
      ->required();
  report->add_option("--from", options.from,
                     "Start of the window (TIME: RFC 3339, HH:MM[:SS], +5m, -5m, epoch s)");
  report->add_option("--to", options.to, "End of the window (TIME)");
  report->add_option("--format", options.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "markdown", "html"}))
      ->capture_default_str();
  report
      ->add_option("--fail-on", options.fail_on,
                   "Exit 3 when a finding at or above this severity exists (for scripts, CI)")
      ->check(CLI::IsMember({"warning", "critical"}));
  report->add_flag("--utc", options.utc,
                   "Show times in UTC instead of the recorded host's time zone");
  add_netns_option(*report, options.netns);
  add_threshold_options(*report, options.thresholds);
  return report;
}

int run_report_command(const ReportCommandOptions& options, std::ostream& out, std::ostream& err) {
  std::optional<detectors::Severity> fail_on;
  if (!options.fail_on.empty()) {
    fail_on = parse_fail_on(options.fail_on);
    if (!fail_on)
      return usage_error(err, "--fail-on '" + options.fail_on + "': expected warning or critical");
  }
  if (options.format != "text" && options.format != "json" && options.format != "markdown" &&
      options.format != "html") {
    return usage_error(err,
                       "--format '" + options.format + "': expected text, json, markdown or html");
  }
  if (auto checked = check_threshold_options(options.thresholds); !checked) {
    return usage_error(err, checked.error().message);
  }
  auto timeline = Timeline::open(options.inputs, ScanMode::fast);
  if (!timeline) return usage_error(err, timeline.error().message);
  ReportRequest request{options.from, options.to, options.thresholds, options.progress};
  request.thresholds.namespaces = NamespaceSelection(options.netns);
  if (Status known = check_namespace_selection(*timeline, request.thresholds.namespaces); !known)
    return usage_error(err, known.error().message);
  const RecordingTimeZone zone(timeline->header(), options.utc);
  auto model = build_report_model(*timeline, zone, request);
  if (options.progress) options.progress->finish();
  if (!model) {
    err << render_damage_lines(timeline->damage());
    return usage_error(err, model.error().message);
  }
  const ReportTimeFormat times(zone);
  if (options.format == "json")
    out << render_report_json(*model, times);
  else if (options.format == "markdown")
    out << render_report_markdown(*model, times);
  else if (options.format == "html")
    out << render_report_html(*model, times);
  else
    out << render_report_text(*model, times);
  out.flush();

  const std::vector<DamagedRegion> damage = timeline->damage();
  err << render_damage_lines(damage);
  const std::optional<detectors::Severity> highest = highest_severity(*model);
  if (fail_on && highest && *highest >= *fail_on) return exit_fail_on;
  return damage.empty() ? 0 : exit_damaged;
}

}  // namespace netsnap::analysis
