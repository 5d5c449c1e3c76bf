// Takes one snapshot of the namespace the recorder is in (or, with --all-netns, of every
// network namespace of the host): sockets, their owners, the kernel's counters, settings that
// changed and user names not seen before. Owns every reader so their buffers and caches live
// from one snapshot to the next.
//
// With all_netns, one owner scan serves every namespace (socket inodes are unique host-wide);
// the counters and settings stay those of the recorder's own namespace.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "all_netns_capture.h"
#include "kernel_counters.h"
#include "kernel_settings.h"
#include "netns_discovery.h"
#include "netsnap/model.h"
#include "owner_map.h"
#include "socket_capture.h"
#include "user_names.h"

namespace netsnap {

class SnapshotSampler {
 public:
  // Call in the namespace to record (after setns): the capture binds to it when opened. With
  // options.all_netns, call after the signals are blocked (a thread is started) and check
  // own_netns_only(): without the privilege to enter namespaces only this one is recorded.
  SnapshotSampler(const CaptureOptions& options, std::string netns_name);

  // The header for a new recording or a new writer run, with this host's identity, settings,
  // user names known so far and the source actually in use.
  FileHeader header();

  // Fills `out` (reusing its memory) with this moment.
  void sample(Snapshot& out);

  CaptureSource source() const {
    return all_netns_ ? all_netns_->source_used() : capture_.source_used();
  }
  // all_netns was asked for, but setns() was refused: why (e.g. "setns: Operation not
  // permitted"), else "".
  const std::string& own_netns_only_reason() const { return own_netns_only_reason_; }
  bool owners_complete() const { return owners_complete_; }
  uint64_t netns_inode() const { return netns_inode_; }

 private:
  void capture_own_namespace(Snapshot& out);
  void find_owners(Snapshot& out);

  CaptureOptions options_;
  SocketCapture capture_;  // the recorder's own namespace (not used while all_netns_ is)
  NetnsDiscovery discovery_;
  std::unique_ptr<AllNetnsCapture> all_netns_;
  std::vector<FoundNetns> found_;
  std::string own_netns_only_reason_;
  OwnerMap owners_;
  KernelCounterReader counters_;
  KernelSettingsReader settings_reader_;
  UserNames users_;
  std::vector<Setting> settings_, settings_now_;
  std::string netns_name_;
  uint64_t netns_inode_ = 0;
  bool owners_complete_ = true;
  std::vector<CaptureError> open_errors_;
};

}  // namespace netsnap
