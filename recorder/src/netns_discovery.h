// Every network namespace of the host, found afresh for each snapshot (--all-netns): the
// namespace of every process (/proc/PID/ns/net) and every name `ip netns add` made
// (/var/run/netns/NAME, a bind mount of the namespace), deduplicated by the namespace's inode.
// Threads are not looked at: a thread that setns()-ed away from its process's namespace is
// rare, and reading /proc/PID/task/* would multiply the cost by the number of threads.
//
// Only the namespaces found here are recorded, and a namespace no longer found is closed at
// once: a namespace that has no process and no name left is gone (the recorder's own open
// descriptors must not keep it alive).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace netsnap {

struct FoundNetns {
  uint64_t inode = 0;
  std::string name;   // its /var/run/netns name (the first in name order), "" if none
  int first_pid = 0;  // the lowest pid in it, 0 if none (a named namespace without processes)
  int last_pid = 0;   // the highest: another way in when the first one exits meanwhile
  // The name, else the container or pod (netns_label.h) of its first process, else
  // "pid N (comm)" of that process. Never empty.
  std::string label;

  // Where to open the namespace from, best first: the name, then the processes.
  std::vector<std::string> paths(const std::string& proc_root,
                                 const std::string& named_dir) const;
};

class NetnsDiscovery {
 public:
  explicit NetnsDiscovery(std::string proc_root = "/proc",
                          std::string named_dir = "/var/run/netns");

  // Replaces `out` with every namespace found now, in ascending inode order. A process that
  // exits or a name deleted during the scan is simply not counted.
  void find(std::vector<FoundNetns>& out);

  // The recorder's own namespace (of its main thread): always recorded.
  uint64_t own_inode() const { return own_inode_; }
  const std::string& proc_root() const { return proc_root_; }
  const std::string& named_dir() const { return named_dir_; }

 private:
  void find_named(std::vector<FoundNetns>& out);
  void find_processes(std::vector<FoundNetns>& out);
  // Labels of namespaces without a name, worked out once (the cgroup of its first process).
  const std::string& process_label_of(const FoundNetns& ns);

  std::string proc_root_, named_dir_;
  dev_t nsfs_device_ = 0;  // every namespace file lives on nsfs; a stale name file does not
  uint64_t own_inode_ = 0;
  std::unordered_map<uint64_t, size_t> index_;  // inode -> position in `out` during find()
  std::unordered_map<uint64_t, std::string> labels_, labels_next_;
};

}  // namespace netsnap
