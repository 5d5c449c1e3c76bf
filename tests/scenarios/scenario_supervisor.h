// TEST ONLY: runs scenarios from start to finish. Moves itself into a private network namespace
// (so its children and the recorder see only the scenario's sockets, and the namespace dies
// with the last of them), starts each program and waits until it says it is ready, writes the
// manifest, waits out the warm-up, runs netsnap-record inside for the duration, then stops
// every program it started (by pid: SIGTERM, then SIGKILL) and reaps them all.
#pragma once

#include <string>
#include <vector>

#include "scenario_catalog.h"

namespace netsnap::scenario {

struct SupervisorOptions {
  std::vector<const ScenarioSpec*> scenarios;
  double duration_s = 40;
  double warmup_s = 5;
  double interval_s = 1;
  std::string recorder;  // netsnap-record to run inside; "" runs the scenario without it
  std::string output;    // the recording (required with a recorder)
  std::string manifest;  // "" for none
};

// Exit statuses of netsnap-scenario.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitCannotIsolate = 77;  // no private namespace (not root): a test skips

// Runs everything and returns the exit status. Every child has PR_SET_PDEATHSIG set and its
// own lifetime, so nothing outlives this process even when it is killed.
int run_supervisor(const SupervisorOptions& options);

}  // namespace netsnap::scenario
