#include "kernel_settings.h"

#include <fcntl.h>

#include <algorithm>
#include <iterator>
#include <cerrno>
#include <cstring>

#include "proc_pid_reader.h"

namespace netsnap {
namespace {

// Why each is here, for the analyst reading a recording:
constexpr std::string_view default_names[] = {
    // Ephemeral ports: the range, holes in it, and who may bind below it.
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.ip_unprivileged_port_start",
    // TIME_WAIT: how many, how long, whether connect() may reuse them (needs timestamps).
    "net.ipv4.tcp_max_tw_buckets",
    "net.ipv4.tcp_tw_reuse",
    "net.ipv4.tcp_timestamps",
    "net.ipv4.tcp_fin_timeout",
    // Listen queues and SYN floods.
    "net.core.somaxconn",
    "net.ipv4.tcp_max_syn_backlog",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.tcp_abort_on_overflow",
    "net.ipv4.tcp_synack_retries",
    "net.ipv4.tcp_syn_retries",
    "net.core.netdev_max_backlog",
    // Orphans and how long dead peers keep sockets alive.
    "net.ipv4.tcp_max_orphans",
    "net.ipv4.tcp_orphan_retries",
    "net.ipv4.tcp_retries2",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    // Socket memory (pages) and buffer sizes (bytes): pressure and drops.
    "net.ipv4.tcp_mem",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
    "net.ipv4.udp_mem",
    "net.ipv4.udp_rmem_min",
    "net.ipv4.udp_wmem_min",
    "net.core.rmem_default",
    "net.core.rmem_max",
    "net.core.wmem_default",
    "net.core.wmem_max",
    "net.core.optmem_max",
    // Hash table sizes (per namespace since 6.1): lookups slow down as they fill.
    "net.ipv4.tcp_ehash_entries",
    "net.ipv4.tcp_child_ehash_entries",
    // UNIX datagram queues.
    "net.unix.max_dgram_qlen",
    // Connection tracking: a full table drops new connections like a full socket table.
    "net.netfilter.nf_conntrack_max",
    "net.netfilter.nf_conntrack_tcp_timeout_time_wait",
    // File descriptors: system-wide and the ceiling for RLIMIT_NOFILE.
    "fs.file-max",
    "fs.nr_open",
    // Pids: a host out of pids cannot fork the workers that would accept connections.
    "kernel.pid_max",
};

std::vector<std::string> default_name_strings() {
  return {std::begin(default_names), std::end(default_names)};
}

}  // namespace

std::span<const std::string_view> default_kernel_setting_names() { return default_names; }

std::string kernel_setting_path(std::string_view name) {
  std::string path(name);
  std::replace(path.begin(), path.end(), '.', '/');
  return path;
}

std::string_view trim_kernel_setting_value(std::string_view contents) {
  constexpr std::string_view blanks = " \t\r\n";
  const size_t first = contents.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  const size_t last = contents.find_last_not_of(blanks);
  return contents.substr(first, last - first + 1);
}

KernelSettingsReader::KernelSettingsReader(std::string sys_root)
    : KernelSettingsReader(std::move(sys_root), default_name_strings()) {}

KernelSettingsReader::KernelSettingsReader(std::string sys_root, std::vector<std::string> names)
    : root_(std::move(sys_root)), names_(std::move(names)) {}

void KernelSettingsReader::read(std::vector<Setting>& settings,
                                std::vector<CaptureError>& errors) {
  size_t count = 0;
  for (const std::string& name : names_) {
    path_.assign(root_).append("/");
    const size_t relative = path_.size();
    path_.append(name);
    std::replace(path_.begin() + static_cast<ptrdiff_t>(relative), path_.end(), '.', '/');
    const int error = read_proc_file(AT_FDCWD, path_.c_str(), contents_);
    if (error == ENOENT) continue;
    if (error != 0) {
      errors.push_back({path_, std::strerror(error)});
      continue;
    }
    if (count == settings.size()) settings.emplace_back();
    Setting& setting = settings[count++];
    setting.name.assign(name);
    setting.value.assign(trim_kernel_setting_value(contents_));
  }
  settings.resize(count);
}

void changed_kernel_settings(const std::vector<Setting>& before,
                             const std::vector<Setting>& after, std::vector<Setting>& changed) {
  changed.clear();
  for (size_t i = 0; i < after.size(); ++i) {
    const Setting& setting = after[i];
    // Both lists usually come from one reader, in the same order: try the same index first.
    const Setting* previous = nullptr;
    if (i < before.size() && before[i].name == setting.name) {
      previous = &before[i];
    } else {
      const auto found = std::find_if(before.begin(), before.end(), [&](const Setting& s) {
        return s.name == setting.name;
      });
      if (found != before.end()) previous = &*found;
    }
    if (previous == nullptr || previous->value != setting.value) changed.push_back(setting);
  }
}

}  // namespace netsnap
