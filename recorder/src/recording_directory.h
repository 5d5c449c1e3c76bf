// -o DIR: the names of the time-named recording files, and which of them retention deletes.
// Pure functions over names, sizes and times, so the policy is tested without a clock or disk;
// list_recordings() is the one that reads the directory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "netsnap/result.h"

namespace netsnap {

// "HOST-YYYYmmddTHHMMSSZ.netsnap" for a file whose first snapshot is at wall_ns (UTC). Characters
// of the host name that do not belong in a file name become '_'.
std::string recording_file_name(std::string_view host, int64_t wall_ns);

// True for names recording_file_name(host, t) makes for some t: only those are ever deleted.
bool is_recording_file_of(std::string_view name, std::string_view host);

struct DirectoryFile {
  std::string name;
  uint64_t size = 0;
  int64_t modified_ns = 0;  // the last write: the time of its newest snapshot
};

// This host's recording files in `dir`, oldest first (the names sort by time).
Result<std::vector<DirectoryFile>> list_recordings(const std::string& dir, std::string_view host);

// The files to delete, oldest first, so that the rest hold at most keep_size bytes and nothing
// last written more than keep_age_ns before now_ns (0: no such limit). `current` (the file being
// written) is never among them, whatever the limits say.
std::vector<std::string> files_past_retention(const std::vector<DirectoryFile>& oldest_first,
                                              const std::string& current, uint64_t keep_size,
                                              int64_t keep_age_ns, int64_t now_ns);

}  // namespace netsnap
