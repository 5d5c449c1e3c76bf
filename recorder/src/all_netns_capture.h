// --all-netns: the sockets of every network namespace NetnsDiscovery found, one Namespace each.
//
// For each namespace the NetnsThread enters it once and opens a SocketCapture there: a netlink
// socket stays bound to the namespace it was created in, so it is kept, with a descriptor of
// the namespace, for as long as the namespace is found. Each snapshot the thread enters every
// namespace again (unix_diag is joined with /proc/thread-self/net/unix, which follows the
// thread's namespace) and finally returns to the recorder's own. Both the socket and the
// descriptor keep a namespace alive: they are closed as soon as discovery no longer finds it.
//
// A namespace that vanishes between discovery and capture (its process exited, its name was
// deleted: open or setns fail) is skipped in that snapshot with a CaptureError whose source
// is "netns <inode> (<label>)"; other capture problems carry the same prefix.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "netns_discovery.h"
#include "netns_thread.h"
#include "netsnap/model.h"
#include "netsnap/result.h"
#include "socket_capture.h"

namespace netsnap {

class AllNetnsCapture {
 public:
  // `options.proc_root` is ignored: each namespace's /proc tables are the thread's own.
  AllNetnsCapture(SocketCaptureOptions options, std::string proc_root, std::string named_dir);
  ~AllNetnsCapture();
  AllNetnsCapture(const AllNetnsCapture&) = delete;
  AllNetnsCapture& operator=(const AllNetnsCapture&) = delete;

  // Whether this process may enter network namespaces at all: setns() into its own, which
  // needs CAP_SYS_ADMIN like any other. The error names why not (EPERM: no capability, or a
  // seccomp filter such as systemd's RestrictNamespaces=).
  Status probe();

  // Replaces `out` with the sockets of each namespace in `found` (in that order) that could
  // be captured, and closes what it holds for namespaces not in `found`.
  void capture(const std::vector<FoundNetns>& found, std::vector<Namespace>& out,
               std::vector<CaptureError>& errors);

  // The source of the recorder's own namespace (netlink, or /proc after a fallback).
  CaptureSource source_used() const { return source_used_; }
  size_t open_namespaces() const { return sessions_.size(); }

 private:
  struct Session;
  void capture_on_thread(const std::vector<FoundNetns>& found, std::vector<Namespace>& out,
                         std::vector<CaptureError>& errors);
  // Opens the namespace from the first of its paths that still leads to it, enters it and
  // opens the capture there; null (with the reason in `errors`) when it vanished.
  std::unique_ptr<Session> open_session(const FoundNetns& ns, std::vector<CaptureError>& errors);

  SocketCaptureOptions options_;
  std::string proc_root_, named_dir_;
  uint64_t own_inode_ = 0;
  int home_fd_ = -1;  // the recorder's own namespace, to return to after each snapshot
  CaptureSource source_used_;
  std::map<uint64_t, std::unique_ptr<Session>> sessions_;  // by namespace inode
  std::set<uint64_t> refused_;  // setns EPERM (another user namespace's): said once
  std::vector<CaptureError> session_errors_;  // reused
  NetnsThread thread_;  // last: stops (joins) before the sessions are closed
};

}  // namespace netsnap
