#include "all_netns_capture.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace netsnap {

struct AllNetnsCapture::Session {
  explicit Session(int fd, const SocketCaptureOptions& options) : ns_fd(fd), capture(options) {}
  ~Session() { ::close(ns_fd); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  int ns_fd;
  SocketCapture capture;
};

namespace {

std::string source_of(const FoundNetns& ns) {
  return "netns " + std::to_string(ns.inode) + " (" + ns.label + ")";
}

}  // namespace

AllNetnsCapture::AllNetnsCapture(SocketCaptureOptions options, std::string proc_root,
                                 std::string named_dir)
    : options_(std::move(options)),
      proc_root_(std::move(proc_root)),
      named_dir_(std::move(named_dir)),
      source_used_(options_.source) {
  // /proc/thread-self/net is the namespace of the thread reading it, whichever it entered.
  options_.proc_root = "/proc/thread-self";
  struct stat st {};
  if (::stat((proc_root_ + "/self/ns/net").c_str(), &st) == 0) own_inode_ = st.st_ino;
}

AllNetnsCapture::~AllNetnsCapture() {
  if (home_fd_ >= 0) ::close(home_fd_);
}

Status AllNetnsCapture::probe() {
  Status result = ok_status();
  thread_.run([&] {
    if (home_fd_ < 0) home_fd_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (home_fd_ < 0) {
      result = Error{std::string("open /proc/thread-self/ns/net: ") + std::strerror(errno)};
    } else if (::setns(home_fd_, CLONE_NEWNET) != 0) {
      result = Error{std::string("setns: ") + std::strerror(errno)};
    }
  });
  return result;
}

void AllNetnsCapture::capture(const std::vector<FoundNetns>& found, std::vector<Namespace>& out,
                              std::vector<CaptureError>& errors) {
  thread_.run([&] { capture_on_thread(found, out, errors); });
}

void AllNetnsCapture::capture_on_thread(const std::vector<FoundNetns>& found,
                                        std::vector<Namespace>& out,
                                        std::vector<CaptureError>& errors) {
  // Gone namespaces first: what we hold is all that keeps them alive. `found` is sorted.
  auto is_found = [&found](uint64_t inode) {
    auto at = std::lower_bound(found.begin(), found.end(), inode,
                               [](const FoundNetns& ns, uint64_t i) { return ns.inode < i; });
    return at != found.end() && at->inode == inode;
  };
  std::erase_if(sessions_, [&](const auto& entry) { return !is_found(entry.first); });
  std::erase_if(refused_, [&](uint64_t inode) { return !is_found(inode); });

  size_t captured = 0;
  for (const FoundNetns& ns : found) {
    if (refused_.count(ns.inode)) continue;
    auto at = sessions_.find(ns.inode);
    if (at == sessions_.end()) {
      auto session = open_session(ns, errors);
      if (!session) continue;
      at = sessions_.emplace(ns.inode, std::move(session)).first;
    } else if (::setns(at->second->ns_fd, CLONE_NEWNET) != 0) {
      errors.push_back({source_of(ns), std::string("cannot enter it (setns: ") +
                                           std::strerror(errno) + "); skipped in this snapshot"});
      sessions_.erase(at);
      continue;
    }
    if (captured == out.size()) out.emplace_back();
    Namespace& into = out[captured++];
    into.inode = ns.inode;
    into.name = ns.label;
    session_errors_.clear();
    at->second->capture.capture(into, session_errors_);
    for (CaptureError& e : session_errors_)
      errors.push_back({source_of(ns) + " " + e.source, std::move(e.message)});
    if (ns.inode == own_inode_) source_used_ = at->second->capture.source_used();
  }
  out.resize(captured);
  if (home_fd_ >= 0 && ::setns(home_fd_, CLONE_NEWNET) != 0)
    errors.push_back({"netns", std::string("cannot return to the recorder's own namespace "
                                           "(setns: ") + std::strerror(errno) + ")"});
}

std::unique_ptr<AllNetnsCapture::Session> AllNetnsCapture::open_session(
    const FoundNetns& ns, std::vector<CaptureError>& errors) {
  std::string why = "no process or name left";
  for (const std::string& path : ns.paths(proc_root_, named_dir_)) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      why = "open " + path + ": " + std::strerror(errno);
      continue;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_ino != ns.inode) {  // the pid was reused meanwhile
      why = path + " is another namespace now";
      ::close(fd);
      continue;
    }
    if (::setns(fd, CLONE_NEWNET) != 0) {
      const int error = errno;
      ::close(fd);
      if (error == EPERM) {  // e.g. owned by a user namespace we have no rights in
        refused_.insert(ns.inode);
        errors.push_back({source_of(ns), "cannot enter it (setns: " +
                                             std::string(std::strerror(error)) +
                                             "); not recorded while it exists"});
        return nullptr;
      }
      why = "setns: " + std::string(std::strerror(error));
      continue;
    }
    auto session = std::make_unique<Session>(fd, options_);
    std::vector<CaptureError> opened;
    session->capture.open(opened);
    for (CaptureError& e : opened)
      errors.push_back({source_of(ns) + " " + e.source, std::move(e.message)});
    return session;
  }
  errors.push_back({source_of(ns), "vanished before it could be entered (" + why +
                                       "); skipped in this snapshot"});
  return nullptr;
}

}  // namespace netsnap
