// netsnap-analyze: wires the command line to the analysis library. Exit status (every command):
//   0  read without damage
//   1  damaged input: every readable snapshot was used, each damaged region reported on stderr
//   2  usage error or unreadable input (missing file, not a recording, newer format)
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "netsnap/recording_reader.h"
#include "recording_summary.h"
#include "recording_time_zone.h"
#include "text_escape.h"

namespace {

using namespace netsnap;
using namespace netsnap::analysis;

constexpr int EXIT_DAMAGED = 1;
constexpr int EXIT_USAGE = 2;

Result<Timeline> open_or_report(const std::vector<std::string>& inputs, ScanMode mode) {
  auto timeline = Timeline::open(inputs, mode);
  if (!timeline) std::cerr << "netsnap-analyze: " << escaped(timeline.error().message) << "\n";
  return timeline;
}

int finish(const std::vector<DamagedRegion>& damage) {
  std::cerr << render_damage_lines(damage);
  return damage.empty() ? 0 : EXIT_DAMAGED;
}

int run_info(const std::vector<std::string>& inputs, bool utc) {
  auto timeline = open_or_report(inputs, ScanMode::full);
  if (!timeline) return EXIT_USAGE;
  RecordingSummary summary = summarize(*timeline);
  RecordingTimeZone zone(timeline->header(), utc);
  std::cout << render_info(*timeline, summary, zone);
  return finish(summary.damage);
}

int run_verify(const std::vector<std::string>& inputs) {
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
  return finish(summary.damage);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"netsnap-analyze: replay socket recordings made by netsnap-record.\n"
               "Exit status: 0 ok, 1 damaged input (readable snapshots still used), 2 usage "
               "error or unreadable input."};
  app.require_subcommand(1);
  std::vector<std::string> inputs;
  bool utc = false;

  auto* info = app.add_subcommand("info", "Host, kernel, versions, time span, cadence, gaps, size and damage.\n"
                                          "Example: netsnap-analyze info /var/lib/netsnap/");
  info->add_option("inputs", inputs, "Recording files or directories (read as one timeline)")->required();
  info->add_flag("--utc", utc, "Show times in UTC instead of the recorded host's time zone");

  auto* verify = app.add_subcommand("verify", "Check every record; exit 0 when intact, 1 when damaged.\n"
                                              "Example: netsnap-analyze verify incident.netsnap");
  verify->add_option("inputs", inputs, "Recording files or directories")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "netsnap-analyze: " << e.what() << " (see --help)\n";
    return EXIT_USAGE;
  }
  if (info->parsed()) return run_info(inputs, utc);
  if (verify->parsed()) return run_verify(inputs);
  return EXIT_USAGE;
}
