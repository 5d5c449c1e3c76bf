#include "netns_discovery.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

#include "netns_label.h"
#include "proc_pid_parsers.h"

namespace netsnap {
namespace {

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};
using DirHandle = std::unique_ptr<DIR, DirCloser>;

// A small /proc file whole ("" when it cannot be read: the process is gone).
std::string read_small_file(const std::string& path) {
  std::string out;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) out.append(buffer, n);
  ::close(fd);
  return out;
}

}  // namespace

std::vector<std::string> FoundNetns::paths(const std::string& proc_root,
                                           const std::string& named_dir) const {
  std::vector<std::string> out;
  if (!name.empty()) out.push_back(named_dir + "/" + name);
  if (first_pid != 0) out.push_back(proc_root + "/" + std::to_string(first_pid) + "/ns/net");
  if (last_pid != first_pid) out.push_back(proc_root + "/" + std::to_string(last_pid) + "/ns/net");
  return out;
}

NetnsDiscovery::NetnsDiscovery(std::string proc_root, std::string named_dir)
    : proc_root_(std::move(proc_root)), named_dir_(std::move(named_dir)) {
  struct stat st {};
  if (::stat((proc_root_ + "/self/ns/net").c_str(), &st) == 0) {
    nsfs_device_ = st.st_dev;
    own_inode_ = st.st_ino;
  }
}

void NetnsDiscovery::find(std::vector<FoundNetns>& out) {
  out.clear();
  index_.clear();
  find_named(out);
  find_processes(out);
  std::sort(out.begin(), out.end(),
            [](const FoundNetns& a, const FoundNetns& b) { return a.inode < b.inode; });
  labels_next_.clear();
  for (FoundNetns& ns : out) {
    if (!ns.name.empty()) {
      ns.label = ns.name;
      continue;
    }
    ns.label = process_label_of(ns);
    labels_next_.emplace(ns.inode, ns.label);
  }
  // Labels of namespaces gone now are forgotten: an inode number can be reused.
  labels_.swap(labels_next_);
}

void NetnsDiscovery::find_named(std::vector<FoundNetns>& out) {
  DirHandle dir(::opendir(named_dir_.c_str()));
  if (!dir) return;  // no `ip netns` names on this host: normal
  std::vector<std::pair<std::string, uint64_t>> names;
  while (const dirent* entry = ::readdir(dir.get())) {
    if (entry->d_name[0] == '.') continue;
    struct stat st {};
    // A name whose mount is gone (a failed `ip netns del`) is a plain empty file.
    if (::fstatat(::dirfd(dir.get()), entry->d_name, &st, 0) != 0 || st.st_dev != nsfs_device_)
      continue;
    names.emplace_back(entry->d_name, st.st_ino);
  }
  std::sort(names.begin(), names.end());
  for (auto& [name, inode] : names) {
    if (index_.count(inode)) continue;  // two names for one namespace: the first in order
    index_.emplace(inode, out.size());
    FoundNetns& ns = out.emplace_back();
    ns.inode = inode;
    ns.name = std::move(name);
  }
}

void NetnsDiscovery::find_processes(std::vector<FoundNetns>& out) {
  DirHandle dir(::opendir(proc_root_.c_str()));
  if (!dir) return;
  std::string path;
  while (const dirent* entry = ::readdir(dir.get())) {
    const auto pid = parse_proc_pid_number(entry->d_name);
    if (!pid) continue;
    path.assign(entry->d_name).append("/ns/net");
    struct stat st {};
    // Fails for a process that just exited, or one we may not inspect (not root): skipped.
    if (::fstatat(::dirfd(dir.get()), path.c_str(), &st, 0) != 0) continue;
    auto [at, added] = index_.emplace(st.st_ino, out.size());
    if (added) out.emplace_back().inode = st.st_ino;
    FoundNetns& ns = out[at->second];
    if (ns.first_pid == 0 || *pid < ns.first_pid) ns.first_pid = *pid;
    ns.last_pid = std::max(ns.last_pid, *pid);
  }
}

const std::string& NetnsDiscovery::process_label_of(const FoundNetns& ns) {
  if (auto known = labels_.find(ns.inode); known != labels_.end()) return known->second;
  const std::string pid_dir = proc_root_ + "/" + std::to_string(ns.first_pid);
  std::string label = container_label_from_cgroup(read_small_file(pid_dir + "/cgroup"));
  if (label.empty()) label = process_label(ns.first_pid, read_small_file(pid_dir + "/comm"));
  return labels_.emplace(ns.inode, std::move(label)).first->second;
}

}  // namespace netsnap
