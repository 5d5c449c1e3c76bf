// Who the recorded host is, for the file header: a recording must say where and when it was
// made so that it replays the same on any machine (host name, boot id, machine id, kernel,
// time zone, clock ticks), and whether owners can be complete (root).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netsnap/model.h"

namespace netsnap {

struct HostIdentity {
  std::string host_name;       // the UTS namespace's host name
  std::string boot_id;         // changes with every boot: pairs monotonic times with a boot
  std::string machine_id;      // /etc/machine-id; empty in some containers
  std::string kernel_release;  // uname -r
  std::string time_zone;       // IANA name, e.g. "Europe/Berlin"; empty when unknown
  int32_t utc_offset_seconds = 0;  // the recorder's local time zone, at the time of reading
  uint32_t clock_ticks_per_second = 100;
  bool is_root = false;        // may read every /proc/PID/fd: see may_read_every_fd_table
};

// Where the identity is read from; tests point these at a temp dir.
struct HostIdentitySources {
  std::string proc_root = "/proc";
  std::string etc_root = "/etc";
  std::optional<std::string> tz_env;  // the value of $TZ, nullopt when unset
};

// The real sources: /proc, /etc and the process's $TZ.
HostIdentitySources host_identity_sources_from_environment();

// Reads everything. Missing pieces stay empty and append a CaptureError (source: the path);
// host name and kernel release fall back to uname(). The UTC offset comes from the C
// library's idea of local time (it honours $TZ and /etc/localtime of the real host).
HostIdentity read_host_identity(const HostIdentitySources& sources,
                                std::vector<CaptureError>& errors);

// The IANA name a $TZ value stands for: ":Europe/Berlin" and
// "/usr/share/zoneinfo/Europe/Berlin" -> "Europe/Berlin"; "" (set but empty) -> "UTC"; a
// POSIX rule such as "CET-1CEST,M3.5.0,M10.5.0/3" is returned as it is.
std::string time_zone_from_tz_env(std::string_view tz);

// The zone named by an /etc/localtime symlink target:
// "../usr/share/zoneinfo/Europe/Berlin" and ".../zoneinfo/posix/Europe/Berlin" ->
// "Europe/Berlin"; nullopt for a target outside any zoneinfo directory.
std::optional<std::string> time_zone_from_localtime_target(std::string_view target);

// $TZ, else the /etc/localtime symlink (what the C library uses), else /etc/timezone
// (Debian's copy, which can lag behind the symlink), else "UTC" when /etc/localtime does not
// exist at all (the C library's default), else "" (unknown: a copied zone file).
std::string read_time_zone(const HostIdentitySources& sources);

// The local UTC offset at `unix_seconds`, from localtime_r.
int32_t utc_offset_seconds_at(int64_t unix_seconds);

// Whether a process may read every /proc/PID/fd (the socket owners): euid 0, or both
// CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH in its effective set, as netsnap-record.service and
// `setcap` on the binary give an unprivileged user. `proc_self_status` is /proc/self/status.
bool may_read_every_fd_table(uint32_t euid, std::string_view proc_self_status);

// The same for this process, from PROC_ROOT/self/status.
bool this_process_may_read_every_fd_table(const std::string& proc_root);

// Copies the identity into the header's host fields. owners_complete starts as is_root;
// the sampling loop should correct it from OwnerMap::complete() after the first refresh
// (root without CAP_SYS_PTRACE, e.g. in a container, still cannot read every fd table).
void fill_file_header_host(const HostIdentity& identity, FileHeader& header);

}  // namespace netsnap
