// netsnap-scenario (TEST ONLY): produces each problem the report's detectors look for with
// real sockets, inside a private network namespace, next to healthy traffic, and records it.
// Run as one of the role names (scenario_roles.h) it is that role instead: the supervisor
// re-executes itself that way so every program has its own known name.
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "scenario_catalog.h"
#include "scenario_roles.h"
#include "scenario_supervisor.h"

namespace {

using namespace netsnap::scenario;

// "40", "40s", "1.5m", "500ms", "1m30s" -> seconds.
std::optional<double> parse_seconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  while (!text.empty()) {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || value < 0) return std::nullopt;
    text.remove_prefix(size_t(end - text.data()));
    double unit = 0;
    if (text.starts_with("ms"))
      unit = 1e-3, text.remove_prefix(2);
    else if (text.starts_with("s"))
      unit = 1, text.remove_prefix(1);
    else if (text.starts_with("m"))
      unit = 60, text.remove_prefix(1);
    else if (text.empty() && total == 0)
      unit = 1;  // a bare number is seconds
    else
      return std::nullopt;
    total += value * unit;
  }
  return total;
}

int run_role(const RoleEntry& role, int argc, char** argv) {
  // exec'ing /proc/self/exe named the process "exe"; comm is what ss -p and top show.
  const std::string name(role.name);
  ::prctl(PR_SET_NAME, name.c_str(), 0, 0, 0);
  RoleArgs args;
  CLI::App app{"netsnap-scenario role " + name + ": " + std::string(role.what)};
  app.add_option("--port", args.port, "Port to listen on or connect to")->required();
  app.add_option("--lifetime", args.lifetime_s, "Stop after this many seconds");
  app.add_option("--ready-fd", args.ready_fd, "Write one byte here once set up");
  CLI11_PARSE(app, argc, argv);
  RoleRun run(name, args);
  return role.main(run);
}

void print_list() {
  std::printf("scenarios (--scenario NAME[,NAME...], or all):\n");
  for (const ScenarioSpec& scenario : all_scenarios()) {
    std::printf("  %-18s %s\n", std::string(scenario.name).c_str(),
                std::string(scenario.what).c_str());
    for (const ProgramSpec& program : scenario.programs) {
      std::printf("  %-18s   %-14s %s 127.0.0.1:%u\n", "", std::string(program.role).c_str(),
                  program.listens ? "listens on   " : "connects to  ", unsigned(program.port));
    }
    for (const ExpectedFinding& finding : scenario.expect) {
      std::printf("  %-18s   expect %s%s%s\n", "", std::string(finding.kind).c_str(),
                  finding.program_of.empty() ? "" : " owned by ",
                  std::string(finding.program_of).c_str());
    }
    if (scenario.healthy) std::printf("  %-18s   expect nothing\n", "");
  }
}

// One line naming the problem, as the other netsnap programs do; usage errors exit 2.
int usage_error(const std::string& message) {
  std::fprintf(stderr, "netsnap-scenario: %s\n", message.c_str());
  return kExitUsage;
}

int run_cli(int argc, char** argv) {
  CLI::App app{
      "netsnap-scenario (tests only): real sockets with known problems - a CLOSE_WAIT leak, "
      "TIME_WAIT buildup, Recv-Q/Send-Q backlogs, accept-queue overflow - next to healthy "
      "traffic, inside a private network namespace (needs root), recorded with netsnap-record.\n"
      "Example: netsnap-scenario --scenario all --duration 40s --record-with "
      "build/bin/netsnap-record "
      "-o out.netsnap --manifest out.json\n"
      "TIME_WAIT lasts 60 s, so the buildup rises only while warm-up + duration < 60 s.\n"
      "Exit status: 0 done, 1 failed, 2 usage error, 77 no private namespace (not root)."};
  bool list = false;
  std::vector<std::string> names{"all"};
  std::string duration = "40s", warmup = "5s";
  SupervisorOptions options;
  app.add_flag("--list", list, "List the scenarios, their programs, ports and expected findings");
  app.add_option("--scenario", names, "Scenarios to run, e.g. --scenario close-wait-leak,healthy")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--duration", duration, "How long to record, e.g. 40s (1s to 10m)")
      ->capture_default_str();
  app.add_option("--warmup", warmup, "How long the programs run before recording (0 to 60s)")
      ->capture_default_str();
  app.add_option("-c,--interval", options.interval_s, "Seconds between snapshots")
      ->check(CLI::Range(0.1, 60.0))
      ->capture_default_str();
  app.add_option("--record-with", options.recorder,
                 "netsnap-record to run inside the namespace (without it the scenario just runs)");
  app.add_option("-o,--output", options.output, "The recording to write (must not exist yet)");
  app.add_option("--manifest", options.manifest,
                 "Write the programs, pids, ports and expected findings here as JSON");
  CLI11_PARSE(app, argc, argv);

  if (list) {
    print_list();
    return kExitOk;
  }
  for (const std::string& name : names) {
    if (name == "all") {
      options.scenarios.clear();
      for (const ScenarioSpec& scenario : all_scenarios()) options.scenarios.push_back(&scenario);
      break;
    }
    const ScenarioSpec* scenario = find_scenario(name);
    if (!scenario) return usage_error("--scenario '" + name + "': unknown (see --list)");
    options.scenarios.push_back(scenario);
  }
  const auto duration_s = parse_seconds(duration);
  if (!duration_s || *duration_s < 1 || *duration_s > 600)
    return usage_error("--duration '" + duration + "': expected 1s to 10m, e.g. 40s");
  const auto warmup_s = parse_seconds(warmup);
  if (!warmup_s || *warmup_s > 60)
    return usage_error("--warmup '" + warmup + "': expected 0 to 60s, e.g. 5s");
  options.duration_s = *duration_s;
  options.warmup_s = *warmup_s;
  if (options.recorder.empty() != options.output.empty())
    return usage_error("--record-with and -o go together (the recorder and its recording)");
  if (!options.recorder.empty() && ::access(options.recorder.c_str(), X_OK) != 0)
    return usage_error("--record-with '" + options.recorder + "': not an executable program");
  struct stat existing {};
  if (!options.output.empty() && ::stat(options.output.c_str(), &existing) == 0 &&
      existing.st_size > 0) {
    // The recorder would append: a scenario recording must hold this run only.
    return usage_error("-o '" + options.output + "': exists; remove it or choose a new name");
  }
  return run_supervisor(options);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view invoked = argv[0];
  const auto slash = invoked.rfind('/');
  if (const RoleEntry* role =
          find_role(slash == invoked.npos ? invoked : invoked.substr(slash + 1)))
    return run_role(*role, argc, argv);
  return run_cli(argc, argv);
}
