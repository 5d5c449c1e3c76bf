// What netstat would have looked up on the recorded host, taken from the recording: port and
// protocol names (FileHeader::services_db / protocols_db) and user names (the header's users
// plus every snapshot's users_added up to the moment shown). Never the analyst's machine,
// except for one documented fallback (service_names_for).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netsnap/recording_reader.h"
#include "netstat_table.h"
#include "service_names.h"

namespace netsnap::analysis {

// The recording's services/protocols databases. A recording made before the header carried
// them (both empty) falls back to this machine's /etc/services and /etc/protocols: names that
// are usually right for well-known ports, and better than none; `used_fallback` says so.
ServiceNames service_names_for(const FileHeader& header, bool& used_fallback);

// uid -> name as the recorded host resolved it, growing as the replay moves forward.
class RecordingUsers {
 public:
  // Seeds the map with the user lists of every file's header.
  explicit RecordingUsers(const Timeline& timeline);

  // Adds one snapshot's users_added (call for every snapshot replayed, in order).
  void add(const Snapshot& snapshot);

  // True when every uid of the snapshot's sockets has an entry (a name, or "no such user").
  bool knows_every_uid_of(const Snapshot& snapshot) const;

  // Collects users_added of entries [0, end) (a replay, so only for when a jump skipped
  // snapshots whose users_added the view needs: knows_every_uid_of() was false).
  void replay_up_to(Timeline& timeline, size_t end);

  const UidNames& names() const { return names_; }

 private:
  UidNames names_;
};

}  // namespace netsnap::analysis
