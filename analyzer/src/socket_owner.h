// Which process owns a socket, and the program name netstat -p gives it. Shared by the netstat
// table, the filters (--pid, --program), the csv/json columns and the timeline's --by program,
// so that one socket can never be credited to two different programs by two views.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "netsnap/model.h"

namespace netsnap {

// pid -> Process of one snapshot's process table. Holds pointers into the table: rebuild it
// whenever that table changes or moves.
class ProcessIndex {
 public:
  ProcessIndex() = default;
  explicit ProcessIndex(const std::vector<Process>& processes) { rebuild(processes); }
  void rebuild(const std::vector<Process>& processes);

  const Process* find(int32_t pid) const;

  // netstat -p's owner: the first of the socket's owners that the table has (netstat takes
  // the first process it finds holding the inode). None for inode 0 (TIME_WAIT, request
  // sockets), whose owners netstat cannot see.
  const Process* owner_of(const Socket& socket) const;

 private:
  std::vector<const Process*> by_pid_;  // sorted by pid
};

// netstat's program name: argv[0] (netstat reads 511 bytes of /proc/PID/cmdline), cut to what
// follows its last '/' when it starts with '/'. Raw recorded bytes: escape before printing.
std::string_view netstat_program_name(const Process& process);

}  // namespace netsnap
