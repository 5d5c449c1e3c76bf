// Takes one snapshot of the namespace the recorder is in: sockets, their owners, the kernel's
// counters, settings that changed and user names not seen before. Owns every reader so their
// buffers and caches live from one snapshot to the next.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernel_counters.h"
#include "kernel_settings.h"
#include "netsnap/model.h"
#include "owner_map.h"
#include "socket_capture.h"
#include "user_names.h"

namespace netsnap {

class SnapshotSampler {
 public:
  // Call in the namespace to record (after setns): the capture binds to it when opened.
  SnapshotSampler(const CaptureOptions& options, std::string netns_name);

  // The header for a new recording or a new writer run, with this host's identity, settings,
  // user names known so far and the source actually in use.
  FileHeader header();

  // Fills `out` (reusing its memory) with this moment.
  void sample(Snapshot& out);

  CaptureSource source() const { return capture_.source_used(); }
  bool owners_complete() const { return owners_complete_; }
  uint64_t netns_inode() const { return netns_inode_; }

 private:
  CaptureOptions options_;
  SocketCapture capture_;
  OwnerMap owners_;
  KernelCounterReader counters_;
  KernelSettingsReader settings_reader_;
  UserNames users_;
  std::vector<Setting> settings_, settings_now_;
  std::vector<uint64_t> inodes_;
  std::vector<uint32_t> uids_;
  std::string netns_name_;
  uint64_t netns_inode_ = 0;
  bool owners_complete_ = true;
  std::vector<CaptureError> open_errors_;
};

}  // namespace netsnap
