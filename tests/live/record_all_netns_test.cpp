// netsnap-record --all-netns on real namespaces: two made with `ip netns add` and one with
// `unshare -n`, each with its own loopback connections held by netsnap-socket-holder. Each must
// be recorded with its label and exactly the sockets `ss -tan` shows inside it, owned by its
// holder (one owner scan for the host); a namespace created and deleted while recording
// appears only in the snapshots between, and the recorder holds nothing of it afterwards.
// Without CAP_SYS_ADMIN the recorder says so once and records its own namespace only. Needs
// root, ip, ss.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <tuple>

#include "live_support.h"
#include "netns_label.h"

namespace netsnap::live {
namespace {

using SocketKey = std::tuple<int, uint16_t, uint16_t>;  // state, local port, remote port

std::string shell_output(const std::string& command) {
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    ::pclose(pipe);
  }
  return out;
}

uint64_t inode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

// "127.0.0.1:4100" -> 4100; a listener's peer "0.0.0.0:*" -> 0.
uint16_t port_of(const std::string& endpoint) {
  const std::string port = endpoint.substr(endpoint.rfind(':') + 1);
  return port == "*" ? 0 : static_cast<uint16_t>(std::stoi(port));
}

// `ss -tanH` run by `prefix` (ip netns exec NAME / nsenter -t PID -n) as sorted keys.
std::vector<SocketKey> ss_sockets(const std::string& prefix) {
  std::vector<SocketKey> keys;
  for (const std::string& line : split_lines(shell_output(prefix + " ss -tanH"))) {
    char state[32], local[128], remote[128];
    unsigned recv_q, send_q;
    if (std::sscanf(line.c_str(), "%31s %u %u %127s %127s", state, &recv_q, &send_q, local,
                    remote) != 5)
      continue;
    const std::string name = state;
    const int number = name == "ESTAB" ? 1 : name == "LISTEN" ? 10 : -1;
    keys.emplace_back(number, port_of(local), port_of(remote));
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::vector<SocketKey> recorded_sockets(const Namespace& ns) {
  std::vector<SocketKey> keys;
  for (const Socket& s : ns.sockets)
    if (s.protocol == Protocol::tcp) keys.emplace_back(s.state, s.local.port, s.remote.port);
  std::sort(keys.begin(), keys.end());
  return keys;
}

const Namespace* find_namespace(const Snapshot& snapshot, uint64_t inode) {
  for (const Namespace& ns : snapshot.namespaces)
    if (ns.inode == inode) return &ns;
  return nullptr;
}

// Whether process `pid` holds the namespace `inode`: a descriptor of it (opened through a
// name, its link reads "/run/netns/NAME", so the file itself is compared), or a thread in it.
bool holds_namespace(pid_t pid, uint64_t inode) {
  struct stat nsfs {};
  if (::stat("/proc/self/ns/net", &nsfs) != 0) return false;
  const std::string proc = "/proc/" + std::to_string(pid);
  std::error_code ignored;
  for (const auto& fd : std::filesystem::directory_iterator(proc + "/fd", ignored)) {
    struct stat st {};
    if (::stat(fd.path().c_str(), &st) == 0 && st.st_dev == nsfs.st_dev && st.st_ino == inode)
      return true;
  }
  for (const auto& task : std::filesystem::directory_iterator(proc + "/task", ignored))
    if (inode_of(task.path().string() + "/ns/net") == inode) return true;
  return false;
}

// Whether a process other than `except` or a name in /var/run/netns has the namespace `inode`:
// after a namespace is deleted the kernel gives its inode to the next namespace made anywhere.
bool namespace_found_elsewhere(uint64_t inode, pid_t except) {
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ignored)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (name == std::to_string(except)) continue;
    if (inode_of(entry.path().string() + "/ns/net") == inode) return true;
  }
  for (const auto& entry : std::filesystem::directory_iterator("/var/run/netns", ignored))
    if (inode_of(entry.path().string()) == inode) return true;
  return false;
}

// `ip netns add NAME` with loopback up; deleted by the destructor.
class NamedNamespace {
 public:
  explicit NamedNamespace(std::string name) : name_(std::move(name)) {
    ok_ = std::system(("ip netns add " + name_ + " && ip -n " + name_ + " link set lo up").c_str()) == 0;
  }
  ~NamedNamespace() { remove(); }
  void remove() {
    if (ok_) std::system(("ip netns del " + name_ + " 2>/dev/null").c_str());
    ok_ = false;
  }
  bool ok() const { return ok_; }
  const std::string& name() const { return name_; }
  uint64_t inode() const { return inode_of("/var/run/netns/" + name_); }

 private:
  std::string name_;
  bool ok_ = false;
};

// netsnap-socket-holder started by a shell command that ends in `exec`, so its pid is the
// holder's: PAIRS loopback connections on PORT plus EXTRA listeners after it.
class Holder {
 public:
  bool start(const std::string& prefix, int port, int pairs, int extra, const std::string& dir) {
    const std::string holder = std::string(NETSNAP_BIN_DIR) + "/netsnap-socket-holder";
    const std::string command = prefix + " " + holder + " --address 127.0.0.1 --port " +
                                std::to_string(port) + " --pairs " + std::to_string(pairs) +
                                " --extra-listeners " + std::to_string(extra);
    if (!run_.start("/bin/sh", {{"-c", "exec " + command}, "", {}, false, dir})) return false;
    return eventually([&] { return run_.stdout_text().find("ready") != std::string::npos; },
                      std::chrono::seconds(10));
  }
  void stop() {
    if (!run_.running()) return;
    ::kill(run_.pid(), SIGTERM);
    run_.wait(std::chrono::seconds(5));
  }
  pid_t pid() const { return run_.pid(); }
  std::string errors() const { return run_.stderr_text(); }

 private:
  ProcessRun run_;
};

class RecordAllNetns : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (ip netns, setns)";
    if (std::system("command -v ip >/dev/null && command -v ss >/dev/null && unshare -n true") != 0)
      GTEST_SKIP() << "needs ip, ss and network namespaces";
  }
  std::string unique(const std::string& what) {
    return "netsnap-allns-" + std::to_string(::getpid()) + "-" + what;
  }
  size_t snapshots_written(const std::string& file) { return scan_frames(file).snapshots(); }
  TempDir dir_;
};

TEST_F(RecordAllNetns, EveryNamespaceWithItsLabelSocketsAndOwners) {
  NamedNamespace blue(unique("blue")), green(unique("green"));
  ASSERT_TRUE(blue.ok() && green.ok()) << "ip netns add failed";
  Holder blue_holder, green_holder, private_holder, mid_holder;
  ASSERT_TRUE(blue_holder.start("ip netns exec " + blue.name(), 4100, 2, 1, dir_.path()))
      << blue_holder.errors();
  ASSERT_TRUE(green_holder.start("ip netns exec " + green.name(), 4200, 3, 0, dir_.path()))
      << green_holder.errors();
  ASSERT_TRUE(private_holder.start("unshare -n sh -c 'ip link set lo up && exec \"$0\" \"$@\"'",
                                   4300, 1, 2, dir_.path()))
      << private_holder.errors();
  const std::string private_ns = "/proc/" + std::to_string(private_holder.pid()) + "/ns/net";
  const uint64_t private_inode = inode_of(private_ns);
  const uint64_t own_inode = inode_of("/proc/self/ns/net");
  ASSERT_NE(private_inode, own_inode);

  const std::string file = dir_.file("all.netsnap");
  ProcessRun recorder;
  ASSERT_TRUE(recorder.start(recorder_binary(), {{"--all-netns", "-q", "-t", "-c", "0.25", "-n",
                                                  "28", "-o", file},
                                                 "",
                                                 {},
                                                 false,
                                                 dir_.path()}))
      << recorder.error();

  // A namespace created and deleted while recording.
  ASSERT_TRUE(eventually([&] { return snapshots_written(file) >= 4; }, std::chrono::seconds(15)));
  NamedNamespace mid(unique("mid"));
  ASSERT_TRUE(mid.ok());
  const uint64_t mid_inode = mid.inode();
  ASSERT_TRUE(mid_holder.start("ip netns exec " + mid.name(), 4400, 1, 0, dir_.path()));
  const size_t created_at = snapshots_written(file);
  ASSERT_TRUE(eventually([&] { return snapshots_written(file) >= created_at + 4; },
                         std::chrono::seconds(15)));
  EXPECT_TRUE(holds_namespace(recorder.pid(), mid_inode)) << "the check below could not fail";
  mid_holder.stop();
  mid.remove();
  const size_t deleted_at = snapshots_written(file);
  ASSERT_TRUE(eventually([&] { return snapshots_written(file) >= deleted_at + 3; },
                         std::chrono::seconds(15)));
  // A descriptor of that inode is a leak only if no other namespace has taken the inode over.
  EXPECT_TRUE(!holds_namespace(recorder.pid(), mid_inode) ||
              namespace_found_elsewhere(mid_inode, recorder.pid()))
      << "the recorder keeps the deleted namespace alive";

  const ExitStatus status = recorder.wait(std::chrono::seconds(20));
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << "\n"
                                                 << recorder.stderr_text();
  EXPECT_EQ(recorder.stderr_text(), "");
  const Recording recording = read_recording({file});
  ASSERT_TRUE(recording.ok) << recording.error;
  ASSERT_EQ(recording.snapshots.size(), 28u);
  EXPECT_TRUE(recording.header.options.all_netns);
  EXPECT_FALSE(recording.header.own_netns_only);

  // Every snapshot: the recorder's own namespace and the three, labelled; the last one's
  // sockets are exactly what ss shows in each, each owned by its holder.
  const std::string comm = read_file("/proc/" + std::to_string(private_holder.pid()) + "/comm");
  const std::string container = container_label_from_cgroup(
      read_file("/proc/" + std::to_string(private_holder.pid()) + "/cgroup"));
  struct Expected {
    uint64_t inode;
    std::string label, ss_prefix;
    pid_t holder;
  };
  const Expected expected[] = {
      {blue.inode(), blue.name(), "ip netns exec " + blue.name(), blue_holder.pid()},
      {green.inode(), green.name(), "ip netns exec " + green.name(), green_holder.pid()},
      {private_inode, container.empty() ? process_label(private_holder.pid(), comm) : container,
       "nsenter -t " + std::to_string(private_holder.pid()) + " -n", private_holder.pid()},
  };
  for (const Snapshot& snapshot : recording.snapshots) {
    const Namespace* own = find_namespace(snapshot, own_inode);
    ASSERT_NE(own, nullptr) << "seq " << snapshot.seq;
    EXPECT_FALSE(own->name.empty());
    for (const Expected& e : expected) {
      const Namespace* ns = find_namespace(snapshot, e.inode);
      ASSERT_NE(ns, nullptr) << e.label << " missing in seq " << snapshot.seq;
      EXPECT_EQ(ns->name, e.label);
    }
  }
  const Snapshot& last = recording.snapshots.back();
  for (const Expected& e : expected) {
    const Namespace& ns = *find_namespace(last, e.inode);
    EXPECT_EQ(recorded_sockets(ns), ss_sockets(e.ss_prefix)) << e.label;
    for (const Socket& s : ns.sockets)
      EXPECT_EQ(s.owners, std::vector<int32_t>{e.holder}) << e.label << " port " << s.local.port;
  }
  EXPECT_EQ(recorded_sockets(*find_namespace(last, blue.inode())).size(), 6u);  // 2x2 + 2 listeners

  // The mid-run namespace: in one unbroken run of snapshots, between creation and deletion.
  // Matched by inode and name: the kernel gives a freed namespace inode to the next namespace
  // made anywhere on the host (tests running alongside make many), so the inode alone may
  // legitimately come back later as another namespace.
  std::vector<bool> present;
  for (const Snapshot& snapshot : recording.snapshots) {
    const Namespace* ns = find_namespace(snapshot, mid_inode);
    present.push_back(ns != nullptr && ns->name == mid.name());
  }
  const auto first = std::find(present.begin(), present.end(), true);
  ASSERT_NE(first, present.end()) << "the namespace made mid-run was never recorded";
  const auto after = std::find(first, present.end(), false);
  EXPECT_GE(first - present.begin(), 4);
  EXPECT_LE(static_cast<size_t>(first - present.begin()), created_at + 1);
  EXPECT_GE(after - first, 3);
  EXPECT_LE(static_cast<size_t>(after - present.begin()), deleted_at + 1);
  EXPECT_EQ(std::find(after, present.end(), true), present.end()) << "recorded again after deletion";
}

TEST_F(RecordAllNetns, WithoutCapSysAdminItSaysSoOnceAndRecordsItsOwnNamespace) {
  if (std::system("setpriv --inh-caps=-all --bounding-set=-sys_admin true 2>/dev/null") != 0)
    GTEST_SKIP() << "setpriv cannot drop CAP_SYS_ADMIN here";
  NamedNamespace other(unique("other"));
  ASSERT_TRUE(other.ok());
  const std::string file = dir_.file("own.netsnap");
  ProcessRun run;
  ASSERT_TRUE(run.start("/usr/bin/setpriv",
                        {{"--inh-caps=-all", "--bounding-set=-sys_admin", recorder_binary(),
                          "--all-netns", "-q", "-t", "-n", "3", "-c", "0.2", "-o", file},
                         "",
                         {},
                         false,
                         dir_.path()}));
  const ExitStatus status = run.wait(std::chrono::seconds(20));
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << "\n" << run.stderr_text();
  const auto lines = run.stderr_lines();
  ASSERT_EQ(lines.size(), 1u) << run.stderr_text();
  EXPECT_NE(lines[0].find("cannot enter other network namespaces"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("CAP_SYS_ADMIN"), std::string::npos) << lines[0];

  const Recording recording = read_recording({file});
  ASSERT_TRUE(recording.ok) << recording.error;
  EXPECT_TRUE(recording.header.options.all_netns);
  EXPECT_TRUE(recording.header.own_netns_only);
  ASSERT_EQ(recording.snapshots.size(), 3u);
  for (const Snapshot& snapshot : recording.snapshots) {
    ASSERT_EQ(snapshot.namespaces.size(), 1u) << "seq " << snapshot.seq;
    EXPECT_EQ(snapshot.namespaces[0].inode, inode_of("/proc/self/ns/net"));
    EXPECT_FALSE(snapshot.namespaces[0].name.empty());
  }
  const auto& errors = recording.snapshots[0].errors;
  EXPECT_EQ(std::count_if(errors.begin(), errors.end(),
                          [](const CaptureError& e) { return e.source == "netns"; }),
            1);
}

TEST_F(RecordAllNetns, CombinedWithNetnsOrUserItIsAUsageError) {
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{"--netns", "blue"}, std::vector<std::string>{"--user", "nobody"}}) {
    std::vector<std::string> args{"--all-netns", "-n", "1", "-o", dir_.file("never.netsnap")};
    args.insert(args.end(), extra.begin(), extra.end());
    ProcessRun run;
    const ExitStatus status = run_recorder({args, "", {}, false, dir_.path()}, run);
    EXPECT_TRUE(status.exited && status.code == 2) << status.describe();
    const auto lines = run.stderr_lines();
    ASSERT_EQ(lines.size(), 1u) << run.stderr_text();
    EXPECT_NE(lines[0].find("--all-netns"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find(extra[0]), std::string::npos) << lines[0];
    EXPECT_FALSE(std::filesystem::exists(dir_.file("never.netsnap")));
  }
}

}  // namespace
}  // namespace netsnap::live
