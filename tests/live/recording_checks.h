// Assertions that a recording of an owner's namespace says what the kernel had: every
// expected socket with its fields and owners, the owner process, user names, the header
// (host, boot, source, settings) and the counter tables. gtest assertions; call from a TEST.
#pragma once

#include <string>

#include "live_support.h"
#include "namespace_owner.h"

namespace netsnap::live {

struct RecordingExpectations {
  CaptureSource source = CaptureSource::netlink;     // the source actually used
  CaptureSource requested = CaptureSource::netlink;  // what --source asked for
  std::string netns_option;                          // --netns as given ("" from inside)
  int64_t interval_ns = 200'000'000;
  bool owners = true;          // false when owners cannot be read (not root)
  bool exact_inet_set = true;  // the namespace holds no other TCP/UDP/RAW sockets
  bool raw_from_proc = false;  // set by the checks from the capture errors (no raw_diag)
};

// The socket of `snapshot`'s only namespace that plays `expected`'s role, or nullptr.
const Socket* find_recorded(const Snapshot& snapshot, const ExpectedSocket& expected);

// Every check; failures name the snapshot and the socket's role.
void check_owner_recording(const Recording& recording, const NamespaceOwner& owner,
                           const RecordingExpectations& expect);

// Header fields that identify this host: name, boot id, machine id, kernel, clock ticks.
void check_host_identity(const FileHeader& header);

}  // namespace netsnap::live
