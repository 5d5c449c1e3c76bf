// The renderer against the real netstat 2.10: a forked child makes a private network
// namespace, fills it with sockets of every kind (netstat_live_sockets.h), runs netstat with a
// set of flags, reads the same sockets from /proc into a model Snapshot (test-only reader) and
// renders it with the same flags. The parent compares each pair: equal after sorting rows
// within each section (netstat prints in kernel hash order, which a recording cannot know).
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "netstat_live_sockets.h"
#include "netstat_proc_snapshot.h"
#include "netstat_table.h"

namespace netsnap::netstat_test {
namespace {

// Flag sets run through both netstat and the renderer.
const std::vector<std::string> live_flag_sets = {
    "-tuwxan",   "-tuwxanpe", "-tuwanoe", "-tuwxanpeoW", "-tlnW",   "-tln",   "-uln",
    "-ulnW",     "-tun",      "-x",       "-xl",         "-xap",    "-an",    "-n",
    "-4an",      "-6an",      "-Uan",     "-tuwxa --numeric-hosts", "-tuwxae --numeric-hosts",
    "-tuwxlp --numeric-hosts --numeric-users"};

// One flag set's outputs: netstat's, and the renderer's for the model with every listener's
// send_q zeroed (the one documented difference, tested on its own below).
struct LiveCase {
  std::string flags, netstat, rendered;
};

struct LiveRun {
  std::string status;  // "" when the child ran, "skip: ..." or "error: ..." otherwise
  std::vector<LiveCase> cases;
  std::string backlog_netstat, backlog_rendered;  // "-tlnW" with backlogs kept
  std::vector<std::string> skipped_kinds;
  pid_t child = 0;  // the process that owned every socket
};

// ---- child -> parent framing: each string as "<length>\n<bytes>" ---------------------------

void put(std::string& wire, const std::string& text) {
  wire += std::to_string(text.size()) + "\n" + text;
}

bool take(const std::string& wire, size_t& at, std::string& text) {
  const size_t newline = wire.find('\n', at);
  if (newline == std::string::npos) return false;
  const size_t length = std::strtoul(wire.substr(at, newline - at).c_str(), nullptr, 10);
  if (newline + 1 + length > wire.size()) return false;
  text = wire.substr(newline + 1, length);
  at = newline + 1 + length;
  return true;
}

NetstatLookups host_lookups(const Snapshot& snapshot, ServiceNames& services, UidNames& users) {
  services = ServiceNames::parse(read_file("/etc/services"), read_file("/etc/protocols"));
  for (const Namespace& ns : snapshot.namespaces) {
    for (const Socket& socket : ns.sockets) {
      if (const passwd* entry = getpwuid(socket.uid)) users[socket.uid] = entry->pw_name;
    }
  }
  return NetstatLookups{&services, &users, static_cast<uint32_t>(sysconf(_SC_CLK_TCK))};
}

std::string render_with(const Snapshot& snapshot, const std::string& flags,
                        const NetstatLookups& lookups) {
  const auto options = parse_netstat_options(flags);
  if (!options.ok()) return "options failed: " + options.error().message;
  return netstat_table(snapshot, options.value(), lookups);
}

// The model as the recorder stores it: netlink reports a listener's backlog as its send_q
// (/proc, and so the test's reader, shows 0).
Snapshot recorded_model(const LiveSockets& sockets) {
  Snapshot model = snapshot_from_proc();
  for (Socket& socket : model.namespaces.front().sockets) {
    if (socket.protocol != Protocol::tcp || socket.state != tcp_state::listen) continue;
    const auto it = sockets.backlogs().find({socket.family, socket.local.port});
    if (it != sockets.backlogs().end()) socket.send_q = it->second;
  }
  return model;
}

Snapshot with_listener_send_q_zeroed(Snapshot model) {
  for (Namespace& ns : model.namespaces) {
    for (Socket& socket : ns.sockets) {
      if (socket.protocol == Protocol::tcp && socket.state == tcp_state::listen) socket.send_q = 0;
    }
  }
  return model;
}

// Runs in the forked child: everything is sent to the parent as one framed string.
std::string run_in_private_namespace() {
  std::string wire;
  const std::string entered = enter_private_network_namespace();
  if (!entered.empty()) {
    put(wire, entered);
    return wire;
  }
  char dir_template[] = "/tmp/netsnap-table-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  std::string status = dir == nullptr ? "error: mkdtemp failed" : "";
  {
    LiveSockets sockets;
    if (status.empty()) status = sockets.open_all(dir);
    const bool labelled = status.rfind("error", 0) == 0 || status.rfind("skip", 0) == 0;
    if (!status.empty() && !labelled) status = "error: " + status;
    put(wire, status);
    if (status.empty()) {
      wait_for_quiet_tcp_timers();
      put(wire, std::to_string(live_flag_sets.size()));
      for (const std::string& flags : live_flag_sets) {
        const std::string netstat = command_output("LC_ALL=C netstat " + flags);
        const Snapshot model = with_listener_send_q_zeroed(recorded_model(sockets));
        ServiceNames services;
        UidNames users;
        const NetstatLookups lookups = host_lookups(model, services, users);
        put(wire, flags);
        put(wire, netstat);
        put(wire, render_with(model, flags, lookups));
      }
      // The documented difference: the table shows the recorded backlog.
      put(wire, command_output("LC_ALL=C netstat -tlnW"));
      put(wire, render_with(recorded_model(sockets), "-tlnW", NetstatLookups{}));
      std::string skipped;
      for (const std::string& kind : sockets.skipped()) skipped += kind + ";";
      put(wire, skipped);
    }
  }
  if (dir != nullptr) rmdir(dir);
  return wire;
}

LiveRun run_live() {
  LiveRun run;
  int fds[2];
  if (pipe(fds) != 0) {
    run.status = "error: pipe failed";
    return run;
  }
  const pid_t child = fork();
  run.child = child;
  if (child == 0) {
    close(fds[0]);
    const std::string wire = run_in_private_namespace();
    size_t written = 0;
    while (written < wire.size()) {
      const ssize_t n = write(fds[1], wire.data() + written, wire.size() - written);
      if (n <= 0) _exit(3);
      written += static_cast<size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string wire;
  char buffer[65536];
  ssize_t got = 0;
  while ((got = read(fds[0], buffer, sizeof buffer)) > 0) wire.append(buffer, static_cast<size_t>(got));
  close(fds[0]);
  int wait_status = 0;
  waitpid(child, &wait_status, 0);
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    run.status = "error: the namespace child failed (wait status " + std::to_string(wait_status) + ")";
    return run;
  }
  size_t at = 0;
  std::string count;
  if (!take(wire, at, run.status) || !run.status.empty()) return run;
  if (!take(wire, at, count)) run.status = "error: truncated child output";
  for (unsigned long i = 0; run.status.empty() && i < std::stoul(count); ++i) {
    LiveCase c;
    if (!take(wire, at, c.flags) || !take(wire, at, c.netstat) || !take(wire, at, c.rendered)) {
      run.status = "error: truncated child output";
    }
    run.cases.push_back(c);
  }
  std::string skipped;
  if (!take(wire, at, run.backlog_netstat) || !take(wire, at, run.backlog_rendered) ||
      !take(wire, at, skipped)) {
    run.status = "error: truncated child output";
  }
  for (size_t start = 0, end; (end = skipped.find(';', start)) != std::string::npos; start = end + 1) {
    run.skipped_kinds.push_back(skipped.substr(start, end - start));
  }
  return run;
}

// Sorts the rows of each section (a section is a title line "Active ...", its header line,
// then rows), keeping titles and headers in place.
std::string sorted_within_sections(const std::string& text) {
  std::vector<std::string> lines;
  for (size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(text.substr(start, end - start));
  }
  size_t i = 0;
  while (i < lines.size()) {
    if (lines[i].rfind("Active ", 0) != 0) {
      ++i;
      continue;
    }
    const size_t rows_begin = std::min(i + 2, lines.size());
    size_t rows_end = rows_begin;
    while (rows_end < lines.size() && lines[rows_end].rfind("Active ", 0) != 0) ++rows_end;
    std::sort(lines.begin() + static_cast<long>(rows_begin), lines.begin() + static_cast<long>(rows_end));
    i = rows_end;
  }
  std::string joined;
  for (const std::string& line : lines) joined += line + "\n";
  return joined;
}

size_t count_of(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

class NetstatLive : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { run_ = new LiveRun(run_live()); }
  static void TearDownTestSuite() {
    delete run_;
    run_ = nullptr;
  }
  void SetUp() override {
    if (std::system("netstat --version > /dev/null 2>&1") != 0) {
      GTEST_SKIP() << "netstat (net-tools) is not installed";
    }
    if (run_->status.rfind("skip", 0) == 0) GTEST_SKIP() << run_->status;
    ASSERT_EQ(run_->status, "");
  }
  static LiveRun* run_;
};
LiveRun* NetstatLive::run_ = nullptr;

TEST_F(NetstatLive, RenderedTablesEqualNetstatsOutput) {
  ASSERT_EQ(run_->cases.size(), live_flag_sets.size());
  for (const LiveCase& c : run_->cases) {
    EXPECT_EQ(sorted_within_sections(c.rendered), sorted_within_sections(c.netstat))
        << "netstat " << c.flags << " differs; netstat printed:\n"
        << c.netstat << "the renderer printed:\n"
        << c.rendered;
  }
  for (const std::string& kind : run_->skipped_kinds) {
    std::cout << "[ NOTE     ] not compared (kernel refused): " << kind << "\n";
  }
}

TEST_F(NetstatLive, TheScenarioReallyHasEveryRowKind) {
  // Guards against two empty tables comparing equal.
  const LiveCase& all = run_->cases.front();
  ASSERT_EQ(all.flags, "-tuwxan");
  EXPECT_GE(count_of(all.netstat, "LISTEN     "), 4u);
  EXPECT_GE(count_of(all.netstat, "ESTABLISHED"), 6u);
  EXPECT_GE(count_of(all.netstat, "tcp6 "), 3u);
  EXPECT_GE(count_of(all.netstat, "udp6 "), 2u);
  EXPECT_GE(count_of(all.netstat, "CONNECTING"), 1u);
  EXPECT_GE(count_of(all.netstat, "LISTENING"), 2u);
  EXPECT_GE(count_of(all.netstat, " @netsnap-table-"), 1u);
  EXPECT_GE(count_of(all.netstat, "127.0.0.1:46005"), 1u);  // v4-mapped, shown as IPv4
  EXPECT_GE(count_of(all.netstat, "fd00:1234:5678:9a:54321"), 1u);  // cut without -W
  const auto& skipped = run_->skipped_kinds;
  const auto kernel_has = [&](const char* kind) {
    return std::find(skipped.begin(), skipped.end(), kind) == skipped.end();
  };
  const LiveCase& everything = run_->cases[12];
  ASSERT_EQ(everything.flags, "-an");
  if (kernel_has("udplite")) {
    EXPECT_GE(count_of(everything.netstat, "\nudpl "), 1u);
  }
  if (kernel_has("raw")) {
    EXPECT_GE(count_of(everything.netstat, "\nraw "), 1u);
  }
  if (kernel_has("raw6")) {
    EXPECT_GE(count_of(everything.netstat, "\nraw6 "), 1u);
  }
  const std::string owner = " " + std::to_string(run_->child) + "/";
  EXPECT_GE(count_of(run_->cases[1].netstat, owner), 10u);  // -p found the owners
}

// Send-Q is "%6ld" at columns 13..18 of an Internet row.
constexpr size_t send_q_column = 13, send_q_width = 6;

std::vector<std::string> rows_by_all_but_send_q(const std::string& table) {
  std::vector<std::string> rows;
  for (size_t start = 0, end; (end = table.find('\n', start)) != std::string::npos; start = end + 1) {
    rows.push_back(table.substr(start, end - start));
  }
  const auto without_send_q = [](const std::string& row) {
    return row.size() < send_q_column + send_q_width ? row
                                                     : row.substr(0, send_q_column) +
                                                           row.substr(send_q_column + send_q_width);
  };
  std::sort(rows.begin(), rows.end(), [&](const std::string& a, const std::string& b) {
    return without_send_q(a) < without_send_q(b);
  });
  return rows;
}

TEST_F(NetstatLive, ListenerSendQShowsTheBacklogOnlyThere) {
  const auto netstat = rows_by_all_but_send_q(run_->backlog_netstat);
  const auto rendered = rows_by_all_but_send_q(run_->backlog_rendered);
  ASSERT_EQ(netstat.size(), rendered.size()) << run_->backlog_rendered;
  size_t listeners = 0;
  for (size_t i = 0; i < netstat.size(); ++i) {
    if (netstat[i].find(" LISTEN ") == std::string::npos) {
      EXPECT_EQ(rendered[i], netstat[i]);
      continue;
    }
    ++listeners;
    // Only Send-Q differs: netstat shows 0, the table the listen backlog.
    EXPECT_EQ(netstat[i].substr(send_q_column, send_q_width), "     0") << netstat[i];
    EXPECT_NE(rendered[i].substr(send_q_column, send_q_width), "     0") << rendered[i];
    EXPECT_EQ(rendered[i].substr(0, send_q_column), netstat[i].substr(0, send_q_column));
    EXPECT_EQ(rendered[i].substr(send_q_column + send_q_width),
              netstat[i].substr(send_q_column + send_q_width));
  }
  EXPECT_EQ(listeners, 4u);
  EXPECT_NE(run_->backlog_rendered.find("      7 0.0.0.0:22 "), std::string::npos)
      << run_->backlog_rendered;
}

}  // namespace
}  // namespace netsnap::netstat_test
