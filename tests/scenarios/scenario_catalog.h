// TEST ONLY: the scenarios netsnap-scenario can run, which programs each starts on which port,
// and what `netsnap-analyze report` is expected to find about them (kinds and subject fields
// as in ../shared/notes/detectors.md). The manifest written from this is what
// tests/cli/scenarios_record.sh asserts against, so the ports live in one place.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace netsnap::scenario {

// Fixed ports: the scenario runs in its own network namespace, so nothing else can hold them.
// All are below the ephemeral range (32768-60999), as a server's would be.
inline constexpr uint16_t kLeakPort = 7101;
inline constexpr uint16_t kChurnPort = 7102;
inline constexpr uint16_t kSlowReaderPort = 7103;
inline constexpr uint16_t kTinyBacklogPort = 7104;
inline constexpr uint16_t kPoolPort = 7105;
inline constexpr const char* kAddress = "127.0.0.1";

// One program of a scenario. Servers come first in a scenario's list: the supervisor starts
// a client only once its server has said it is listening.
struct ProgramSpec {
  std::string_view role;
  uint16_t port;
  bool listens;  // listens on `port`; otherwise connects to it
};

// A subject field of an expected finding: `program_of` names the role whose pid and program
// name fill in "pid" and "program"; the other fields are fixed.
struct SubjectField {
  std::string_view name;  // local_addr, local_port, remote_addr, remote_port
  std::string text;       // for addresses
  long number = -1;       // for ports (>= 0 when used)
};

struct ExpectedFinding {
  std::string_view kind;
  std::string_view program_of;  // "" when the finding has no owner (TIME_WAIT)
  std::vector<SubjectField> fields;
};

struct ScenarioSpec {
  std::string_view name;  // for --scenario
  std::string_view what;  // for --list
  bool healthy;           // must not be flagged at all
  std::vector<ProgramSpec> programs;
  std::vector<ExpectedFinding> expect;
};

const std::vector<ScenarioSpec>& all_scenarios();
const ScenarioSpec* find_scenario(std::string_view name);

// A program as started: for the manifest.
struct StartedProgram {
  const ScenarioSpec* scenario;
  ProgramSpec spec;
  pid_t pid;
};

struct ManifestFacts {
  std::vector<const ScenarioSpec*> scenarios;
  std::vector<StartedProgram> programs;
  pid_t supervisor_pid = 0;
  uint64_t netns_inode = 0;
  double interval_s = 1, warmup_s = 0, duration_s = 0;
  std::string recording;  // "" when nothing is recorded
};

// The manifest as JSON: every program with its pid and port, each scenario's expected
// findings with their subjects, and the healthy programs, ports and local ports that no
// finding may name.
std::string manifest_json(const ManifestFacts& facts);

}  // namespace netsnap::scenario
