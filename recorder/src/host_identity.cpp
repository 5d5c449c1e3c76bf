#include "host_identity.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "kernel_settings.h"
#include "proc_pid_parsers.h"
#include "proc_pid_reader.h"

namespace netsnap {
namespace {

// A small text file, trimmed, into `text`. Returns 0 or the errno of the failure.
int read_trimmed(const std::string& path, std::string& text) {
  std::string contents;
  const int error = read_proc_file(AT_FDCWD, path.c_str(), contents, 4096);
  text.assign(error == 0 ? trim_kernel_setting_value(contents) : std::string_view());
  return error;
}

// As read_trimmed, appending a CaptureError when the file cannot be read.
std::string read_reported(const std::string& path, std::vector<CaptureError>& errors) {
  std::string text;
  if (const int error = read_trimmed(path, text); error != 0) {
    errors.push_back({path, std::strerror(error)});
  }
  return text;
}

// "posix/Europe/Berlin" and "right/Europe/Berlin" are the same zone with other leap-second
// handling: record the plain name.
std::string without_zoneinfo_variant(std::string_view name) {
  for (std::string_view variant : {"posix/", "right/"}) {
    if (name.starts_with(variant)) name.remove_prefix(variant.size());
  }
  return std::string(name);
}

}  // namespace

HostIdentitySources host_identity_sources_from_environment() {
  HostIdentitySources sources;
  if (const char* tz = std::getenv("TZ")) sources.tz_env = tz;
  return sources;
}

std::string time_zone_from_tz_env(std::string_view tz) {
  if (tz.starts_with(':')) tz.remove_prefix(1);
  if (tz.empty()) return "UTC";  // glibc: TZ set but empty means UTC
  if (tz.starts_with('/')) {
    if (std::optional<std::string> zone = time_zone_from_localtime_target(tz)) return *zone;
  }
  return std::string(tz);
}

std::optional<std::string> time_zone_from_localtime_target(std::string_view target) {
  constexpr std::string_view marker = "zoneinfo/";
  const size_t at = target.rfind(marker);
  if (at == std::string_view::npos || at + marker.size() == target.size()) return std::nullopt;
  return without_zoneinfo_variant(target.substr(at + marker.size()));
}

std::string read_time_zone(const HostIdentitySources& sources) {
  if (sources.tz_env) return time_zone_from_tz_env(*sources.tz_env);

  const std::string localtime = sources.etc_root + "/localtime";
  char target[512];
  const ssize_t length = ::readlink(localtime.c_str(), target, sizeof(target));
  if (length > 0 && static_cast<size_t>(length) < sizeof(target)) {
    if (std::optional<std::string> zone = time_zone_from_localtime_target(
            std::string_view(target, static_cast<size_t>(length)))) {
      return *zone;
    }
  }
  std::string from_file;
  if (read_trimmed(sources.etc_root + "/timezone", from_file) == 0 && !from_file.empty()) {
    return from_file;
  }

  struct stat info {};
  if (::lstat(localtime.c_str(), &info) != 0 && errno == ENOENT) return "UTC";
  return {};
}

int32_t utc_offset_seconds_at(int64_t unix_seconds) {
  const time_t when = static_cast<time_t>(unix_seconds);
  struct tm local {};
  if (::localtime_r(&when, &local) == nullptr) return 0;
  return static_cast<int32_t>(local.tm_gmtoff);
}

HostIdentity read_host_identity(const HostIdentitySources& sources,
                                std::vector<CaptureError>& errors) {
  HostIdentity identity;
  const std::string kernel = sources.proc_root + "/sys/kernel/";
  // /proc/sys/kernel/{hostname,osrelease} are what uname() returns; read them so that tests
  // can inject them, and fall back to uname() if /proc is not there.
  read_trimmed(kernel + "hostname", identity.host_name);
  read_trimmed(kernel + "osrelease", identity.kernel_release);
  struct utsname names {};
  if ((identity.host_name.empty() || identity.kernel_release.empty()) && ::uname(&names) == 0) {
    if (identity.host_name.empty()) identity.host_name = names.nodename;
    if (identity.kernel_release.empty()) identity.kernel_release = names.release;
  }
  identity.boot_id = read_reported(kernel + "random/boot_id", errors);
  identity.machine_id = read_reported(sources.etc_root + "/machine-id", errors);
  identity.time_zone = read_time_zone(sources);
  identity.utc_offset_seconds = utc_offset_seconds_at(std::time(nullptr));
  const long ticks = ::sysconf(_SC_CLK_TCK);
  identity.clock_ticks_per_second = ticks > 0 ? static_cast<uint32_t>(ticks) : 100;
  identity.is_root = this_process_may_read_every_fd_table(sources.proc_root);
  return identity;
}

bool may_read_every_fd_table(uint32_t euid, std::string_view proc_self_status) {
  if (euid == 0) return true;
  constexpr uint64_t needed =
      (uint64_t{1} << CAP_SYS_PTRACE) | (uint64_t{1} << CAP_DAC_READ_SEARCH);
  const std::optional<uint64_t> effective =
      parse_proc_pid_status_effective_capabilities(proc_self_status);
  return effective && (*effective & needed) == needed;
}

bool this_process_may_read_every_fd_table(const std::string& proc_root) {
  std::string status;
  read_proc_file(AT_FDCWD, (proc_root + "/self/status").c_str(), status, 16384);
  return may_read_every_fd_table(::geteuid(), status);
}

void fill_file_header_host(const HostIdentity& identity, FileHeader& header) {
  header.host_name = identity.host_name;
  header.boot_id = identity.boot_id;
  header.machine_id = identity.machine_id;
  header.kernel_release = identity.kernel_release;
  header.time_zone = identity.time_zone;
  header.utc_offset_seconds = identity.utc_offset_seconds;
  header.clock_ticks_per_second = identity.clock_ticks_per_second;
  header.owners_complete = identity.is_root;
}

}  // namespace netsnap
