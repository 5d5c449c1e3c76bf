// --all-netns against the live kernel: NetnsDiscovery finds a namespace a child process made
// with unshare(CLONE_NEWNET) and labels it by that process; AllNetnsCapture records its socket
// from its helper thread while this (main) thread never changes namespace; a namespace that
// vanished before it could be entered is skipped with one CaptureError naming it; and what
// was held for a namespace is closed once discovery no longer finds it. Needs root.
#include <dirent.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "all_netns_capture.h"
#include "netns_discovery.h"
#include "netns_label.h"

namespace netsnap {
namespace {

uint64_t netns_inode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Whether any descriptor of this process is a namespace file of `inode` ("net:[N]").
bool holds_namespace_fd(uint64_t inode) {
  const std::string wanted = "net:[" + std::to_string(inode) + "]";
  DIR* dir = ::opendir("/proc/self/fd");
  bool found = false;
  while (const dirent* entry = dir ? ::readdir(dir) : nullptr) {
    char target[256] = {};
    const std::string link = std::string("/proc/self/fd/") + entry->d_name;
    if (::readlink(link.c_str(), target, sizeof target - 1) > 0 && wanted == target) found = true;
  }
  if (dir) ::closedir(dir);
  return found;
}

// A child in a network namespace of its own, listening on TCP 0.0.0.0:port until destroyed.
class NamespaceChild {
 public:
  NamespaceChild() {
    int ready[2], hold[2];
    if (::pipe(ready) != 0 || ::pipe(hold) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(ready[0]);
      ::close(hold[1]);
      uint16_t port = 0;
      const int fd = ::unshare(CLONE_NEWNET) == 0 ? ::socket(AF_INET, SOCK_STREAM, 0) : -1;
      sockaddr_in address{};
      address.sin_family = AF_INET;
      socklen_t length = sizeof address;
      if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
          ::listen(fd, 4) == 0 &&
          ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
        port = ntohs(address.sin_port);
      if (::write(ready[1], &port, sizeof port) != sizeof port) ::_exit(1);
      char byte;
      while (::read(hold[0], &byte, 1) > 0) {
      }
      ::_exit(0);
    }
    ::close(ready[1]);
    ::close(hold[0]);
    hold_fd_ = hold[1];
    if (::read(ready[0], &port_, sizeof port_) != sizeof port_) port_ = 0;
    ::close(ready[0]);
  }
  ~NamespaceChild() { end(); }
  void end() {
    if (pid_ <= 0) return;
    ::close(hold_fd_);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int hold_fd_ = -1;
  uint16_t port_ = 0;
};

class AllNetnsCaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (setns)";
    if (::unshare(0) != 0) GTEST_SKIP() << "no unshare here";
  }
  SocketCaptureOptions tcp_only() {
    SocketCaptureOptions o;
    o.udp = o.raw = o.unix_ = false;
    return o;
  }
};

TEST_F(AllNetnsCaptureTest, FindsLabelsAndCapturesAChildsNamespaceWithoutMovingThisThread) {
  const uint64_t own = netns_inode_of("/proc/thread-self/ns/net");
  NamespaceChild child;
  ASSERT_GT(child.pid(), 0);
  ASSERT_NE(child.port(), 0) << "the child could not listen in its namespace";
  const uint64_t child_inode = netns_inode_of("/proc/" + std::to_string(child.pid()) + "/ns/net");
  ASSERT_NE(child_inode, own);

  NetnsDiscovery discovery;
  EXPECT_EQ(discovery.own_inode(), own);
  std::vector<FoundNetns> found;
  discovery.find(found);
  ASSERT_TRUE(std::is_sorted(found.begin(), found.end(), [](auto& a, auto& b) {
    return a.inode < b.inode;
  }));
  auto child_ns = std::find_if(found.begin(), found.end(),
                               [&](const FoundNetns& ns) { return ns.inode == child_inode; });
  ASSERT_NE(child_ns, found.end());
  EXPECT_EQ(child_ns->first_pid, child.pid());
  const std::string comm = read_text("/proc/" + std::to_string(child.pid()) + "/comm");
  const std::string cgroup = read_text("/proc/" + std::to_string(child.pid()) + "/cgroup");
  const std::string container = container_label_from_cgroup(cgroup);
  EXPECT_EQ(child_ns->label, container.empty() ? process_label(child.pid(), comm) : container);
  for (const FoundNetns& ns : found) EXPECT_FALSE(ns.label.empty()) << ns.inode;

  AllNetnsCapture capture(tcp_only(), "/proc", "/var/run/netns");
  ASSERT_TRUE(capture.probe().ok());
  std::vector<Namespace> out;
  std::vector<CaptureError> errors;
  capture.capture(found, out, errors);
  EXPECT_EQ(netns_inode_of("/proc/thread-self/ns/net"), own) << "the calling thread moved";
  auto recorded = std::find_if(out.begin(), out.end(),
                               [&](const Namespace& ns) { return ns.inode == child_inode; });
  ASSERT_NE(recorded, out.end());
  EXPECT_EQ(recorded->name, child_ns->label);
  ASSERT_EQ(recorded->sockets.size(), 1u) << "exactly the child's listener";
  EXPECT_EQ(recorded->sockets[0].local.port, child.port());
  EXPECT_EQ(recorded->sockets[0].state, 10);  // LISTEN
  EXPECT_TRUE(std::any_of(out.begin(), out.end(), [&](auto& ns) { return ns.inode == own; }));
  EXPECT_TRUE(holds_namespace_fd(child_inode));

  // Gone: no longer found -> nothing of it is held any more.
  child.end();
  discovery.find(found);
  EXPECT_TRUE(std::none_of(found.begin(), found.end(),
                           [&](const FoundNetns& ns) { return ns.inode == child_inode; }));
  capture.capture(found, out, errors);
  EXPECT_FALSE(holds_namespace_fd(child_inode));
  EXPECT_EQ(capture.open_namespaces(), out.size());
  EXPECT_TRUE(std::none_of(out.begin(), out.end(),
                           [&](const Namespace& ns) { return ns.inode == child_inode; }));
}

TEST_F(AllNetnsCaptureTest, ANamespaceThatVanishedIsSkippedAndNamedOnce) {
  NetnsDiscovery discovery;
  std::vector<FoundNetns> found;
  discovery.find(found);
  FoundNetns gone;
  gone.inode = 1;  // below every real namespace inode: stays sorted at the front
  gone.label = "pid 2147483646 (gone)";
  gone.first_pid = gone.last_pid = 2147483646;
  found.insert(found.begin(), gone);

  AllNetnsCapture capture(tcp_only(), "/proc", "/var/run/netns");
  ASSERT_TRUE(capture.probe().ok());
  std::vector<Namespace> out;
  std::vector<CaptureError> errors;
  capture.capture(found, out, errors);
  EXPECT_EQ(out.size(), found.size() - 1);
  EXPECT_TRUE(std::none_of(out.begin(), out.end(), [](auto& ns) { return ns.inode == 1; }));
  const auto named = std::count_if(errors.begin(), errors.end(), [](const CaptureError& e) {
    return e.source == "netns 1 (pid 2147483646 (gone))" &&
           e.message.find("vanished") != std::string::npos;
  });
  EXPECT_EQ(named, 1);
}

}  // namespace
}  // namespace netsnap
