#include "socket_owner.h"

#include <algorithm>

namespace netsnap {

void ProcessIndex::rebuild(const std::vector<Process>& processes) {
  by_pid_.clear();
  by_pid_.reserve(processes.size());
  for (const Process& process : processes) by_pid_.push_back(&process);
  // Stable, so that with duplicate pids (never expected) the first stored record wins.
  std::stable_sort(by_pid_.begin(), by_pid_.end(),
                   [](const Process* a, const Process* b) { return a->pid < b->pid; });
}

const Process* ProcessIndex::find(int32_t pid) const {
  const auto it =
      std::lower_bound(by_pid_.begin(), by_pid_.end(), pid,
                       [](const Process* p, int32_t wanted) { return p->pid < wanted; });
  return it != by_pid_.end() && (*it)->pid == pid ? *it : nullptr;
}

const Process* ProcessIndex::owner_of(const Socket& socket) const {
  if (socket.inode == 0) return nullptr;
  for (const int32_t pid : socket.owners) {
    if (const Process* owner = find(pid)) return owner;
  }
  return nullptr;
}

std::string_view netstat_program_name(const Process& process) {
  std::string_view argv0 = std::string_view(process.argv0).substr(0, 511);
  if (!argv0.empty() && argv0.front() == '/') argv0.remove_prefix(argv0.rfind('/') + 1);
  return argv0;
}

}  // namespace netsnap
