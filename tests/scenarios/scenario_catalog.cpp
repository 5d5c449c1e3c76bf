#include "scenario_catalog.h"

#include <cstdio>

#include "scenario_roles.h"

namespace netsnap::scenario {
namespace {

SubjectField port_field(std::string_view name, uint16_t port) { return {name, "", port}; }
SubjectField address_field(std::string_view name) { return {name, kAddress, -1}; }

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

pid_t pid_of(const ManifestFacts& facts, const ScenarioSpec* scenario, std::string_view role) {
  for (const StartedProgram& program : facts.programs) {
    if (program.scenario == scenario && program.spec.role == role) return program.pid;
  }
  return 0;
}

// {"pid": 12, "program": "leaky-server", "local_port": 7101}: the fields a finding's subject
// must contain (it may hold more).
std::string subject_json(const ManifestFacts& facts, const ScenarioSpec* scenario,
                         const ExpectedFinding& finding) {
  std::string out = "{";
  auto add = [&out](std::string_view name, const std::string& value) {
    out += (out.size() > 1 ? ", " : "") + quoted(name) + ": " + value;
  };
  if (!finding.program_of.empty()) {
    add("pid", std::to_string(pid_of(facts, scenario, finding.program_of)));
    add("program", quoted(finding.program_of));
  }
  for (const SubjectField& field : finding.fields) {
    add(field.name, field.number >= 0 ? std::to_string(field.number) : quoted(field.text));
  }
  return out + "}";
}

std::string program_json(const StartedProgram& program) {
  return "{\"program\": " + quoted(program.spec.role) +
         ", \"pid\": " + std::to_string(program.pid) +
         ", \"scenario\": " + quoted(program.scenario->name) +
         (program.spec.listens ? ", \"listen_port\": " : ", \"remote_port\": ") +
         std::to_string(program.spec.port) + "}";
}

// Joins already formatted JSON values into an array, one per line when `indent` is given.
std::string array(const std::vector<std::string>& items, const std::string& indent = "") {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    out += (i ? "," : "") + (indent.empty() ? (i ? " " : "") : "\n" + indent + "  ") + items[i];
  }
  return out + (indent.empty() || items.empty() ? "]" : "\n" + indent + "]");
}

}  // namespace

const std::vector<ScenarioSpec>& all_scenarios() {
  static const std::vector<ScenarioSpec> scenarios{
      {"close-wait-leak",
       "leaky-server never closes what leaky-client closes every 100 ms: CLOSE_WAIT +10/s",
       false,
       {{"leaky-server", kLeakPort, true}, {"leaky-client", kLeakPort, false}},
       {{"close_wait_leak", "leaky-server", {}}}},
      {"time-wait-buildup",
       "churn-client opens and closes 25 connections/s to churn-server: TIME_WAIT +25/s",
       false,
       {{"churn-server", kChurnPort, true}, {"churn-client", kChurnPort, false}},
       {{"time_wait_buildup",
         "",
         {address_field("remote_addr"), port_field("remote_port", kChurnPort)}}}},
      {"queue-backlog",
       "slow-reader never reads what steady-sender writes: Recv-Q stays full, Send-Q grows",
       false,
       {{"slow-reader", kSlowReaderPort, true}, {"steady-sender", kSlowReaderPort, false}},
       {{"recv_queue_backlog", "slow-reader", {port_field("local_port", kSlowReaderPort)}},
        {"send_queue_backlog", "steady-sender", {port_field("remote_port", kSlowReaderPort)}}}},
      {"accept-overflow",
       "tiny-backlog listens with backlog 1 and never accepts; backlog-client keeps connecting",
       false,
       {{"tiny-backlog", kTinyBacklogPort, true}, {"backlog-client", kTinyBacklogPort, false}},
       {{"accept_queue_overflow", "tiny-backlog", {port_field("local_port", kTinyBacklogPort)}}}},
      {"healthy",
       "pool-client: 48 idle pooled connections, 10 requests/s with flat TIME_WAIT, and "
       "pool-server's 0.8 s stalls every 7.3 s (queue spikes that drain): nothing to flag",
       true,
       {{"pool-server", kPoolPort, true}, {"pool-client", kPoolPort, false}},
       {}},
  };
  return scenarios;
}

const ScenarioSpec* find_scenario(std::string_view name) {
  for (const ScenarioSpec& scenario : all_scenarios()) {
    if (scenario.name == name) return &scenario;
  }
  return nullptr;
}

std::string manifest_json(const ManifestFacts& facts) {
  std::vector<std::string> programs, scenarios, expected, healthy_programs, healthy_pids,
      healthy_ports;
  for (const StartedProgram& program : facts.programs) {
    programs.push_back(program_json(program));
    if (!program.scenario->healthy) continue;
    healthy_programs.push_back(quoted(program.spec.role));
    healthy_pids.push_back(std::to_string(program.pid));
    if (program.spec.listens) healthy_ports.push_back(std::to_string(program.spec.port));
  }
  for (const ScenarioSpec* scenario : facts.scenarios) {
    std::vector<std::string> expect;
    for (const ExpectedFinding& finding : scenario->expect) {
      const std::string kind = quoted(finding.kind);
      const std::string subject = subject_json(facts, scenario, finding);
      expect.push_back("{\"kind\": " + kind + ", \"subject\": " + subject + "}");
      expected.push_back("{\"scenario\": " + quoted(scenario->name) + ", \"kind\": " + kind +
                         ", \"subject\": " + subject + "}");
    }
    scenarios.push_back("{\"name\": " + quoted(scenario->name) +
                        ", \"healthy\": " + (scenario->healthy ? "true" : "false") +
                        ", \"what\": " + quoted(scenario->what) + ", \"expect\": " + array(expect) +
                        "}");
  }
  const bool healthy = !healthy_programs.empty();
  std::string out = "{\n";
  out += "  \"schema_version\": 1,\n";
  out += "  \"supervisor_pid\": " + std::to_string(facts.supervisor_pid) + ",\n";
  out += "  \"netns_inode\": " + std::to_string(facts.netns_inode) + ",\n";
  out += "  \"address\": " + quoted(kAddress) + ",\n";
  out += "  \"interval_s\": " + number(facts.interval_s) + ",\n";
  out += "  \"warmup_s\": " + number(facts.warmup_s) + ",\n";
  out += "  \"duration_s\": " + number(facts.duration_s) + ",\n";
  out += "  \"recording\": " + (facts.recording.empty() ? "null" : quoted(facts.recording)) + ",\n";
  out += "  \"programs\": " + array(programs, "  ") + ",\n";
  out += "  \"scenarios\": " + array(scenarios, "  ") + ",\n";
  out += "  \"expected_findings\": " + array(expected, "  ") + ",\n";
  // What no finding may name: the healthy programs, their listener and the churn's ports.
  out += "  \"healthy\": {\"programs\": " + array(healthy_programs) +
         ", \"pids\": " + array(healthy_pids) + ", \"ports\": " + array(healthy_ports) +
         ", \"local_ports\": " +
         (healthy ? "{\"first\": " + std::to_string(kPoolChurnFirstLocalPort) + ", \"last\": " +
                        std::to_string(kPoolChurnFirstLocalPort + kPoolChurnLocalPorts - 1) + "}"
                  : std::string("null")) +
         "}\n";
  return out + "}\n";
}

}  // namespace netsnap::scenario
