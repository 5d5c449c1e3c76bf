// The kernel settings that decide when a host runs out of sockets, ports, fds or memory for
// them (sysctl names with dots), read as text from /proc/sys. The file header records them
// all; each snapshot records only those that changed since the previous one.
//
// net.* settings belong to the reading thread's network namespace.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "netsnap/model.h"

namespace netsnap {

// The settings recorded by default, in recording order.
std::span<const std::string_view> default_kernel_setting_names();

// "net.ipv4.tcp_mem" -> "net/ipv4/tcp_mem". (Names whose parts contain dots, such as VLAN
// interfaces under net.ipv4.conf, are not representable in dotted form; none is recorded.)
std::string kernel_setting_path(std::string_view name);

// A setting's file contents without leading and trailing whitespace; inner tabs stay, as in
// "32768\t60999".
std::string_view trim_kernel_setting_value(std::string_view contents);

class KernelSettingsReader {
 public:
  explicit KernelSettingsReader(std::string sys_root = "/proc/sys");
  KernelSettingsReader(std::string sys_root, std::vector<std::string> names);

  // Replaces `settings` (reused) with the current values, in the order of the names.
  // A setting this kernel does not have (ENOENT: older kernel, module not loaded) is left
  // out silently; any other failure appends a CaptureError and leaves the setting out.
  void read(std::vector<Setting>& settings, std::vector<CaptureError>& errors);

 private:
  std::string root_;
  std::vector<std::string> names_;
  std::string path_;
  std::string contents_;
};

// Replaces `changed` with the settings of `after` that `before` lacks or has with another
// value, in the order of `after`. A setting that disappeared is not reported (the schema has
// no way to say "gone"; the analyst keeps seeing its last value).
void changed_kernel_settings(const std::vector<Setting>& before,
                             const std::vector<Setting>& after, std::vector<Setting>& changed);

}  // namespace netsnap
