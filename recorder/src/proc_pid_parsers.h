// Pure parsers for the per-process files under /proc/PID that owner mapping reads. They take
// a file's bytes, never a path, so tests feed string literals and the caller decides how (and
// how often) to read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netsnap {

// What /proc/PID/stat tells us that we need on every snapshot.
struct ProcPidStat {
  std::string_view comm;     // field 2 without its parentheses; same bytes as /proc/PID/comm
  uint64_t start_time = 0;   // field 22, clock ticks after boot: detects pid reuse
};

// /proc/PID/stat. The comm (field 2) may contain spaces and ')' itself, so the fields after
// it are counted from the LAST ')'. The view points into `contents`.
std::optional<ProcPidStat> parse_proc_pid_stat(std::string_view contents);

// The effective uid from the "Uid:" line of /proc/PID/status (real, effective, saved, fs):
// the one that decides what the process may do, as `ps -o uid` shows.
std::optional<uint32_t> parse_proc_pid_status_uid(std::string_view contents);

// The effective capability set from the "CapEff:" line of /proc/PID/status (hexadecimal, bit
// N is capability N, e.g. CAP_SYS_PTRACE = 19).
std::optional<uint64_t> parse_proc_pid_status_effective_capabilities(std::string_view contents);

inline constexpr uint64_t proc_pid_limit_unlimited = UINT64_MAX;

struct ProcPidNofile {
  uint64_t soft = 0;  // UINT64_MAX for "unlimited"
  uint64_t hard = 0;
};

// The "Max open files" row of /proc/PID/limits:
//   "Max open files            1024                 524288               files     "
std::optional<ProcPidNofile> parse_proc_pid_limits_nofile(std::string_view contents);

// /proc/PID/cmdline: arguments separated by NUL bytes. Trailing NULs are dropped (the final
// terminator, and the padding left by processes that rewrite their title); NULs inside keep
// empty arguments, so "\0-x" is {"", "-x"}. Kernel threads and zombies have no command line:
// `args` becomes empty. Reuses the strings already in `args`.
void parse_proc_pid_cmdline(std::string_view contents, std::vector<std::string>& args);

// The target of a /proc/PID/fd/N link: "socket:[12345]" -> 12345; anything else (files,
// pipes, "anon_inode:[eventpoll]") -> nullopt.
std::optional<uint64_t> parse_proc_pid_socket_link(std::string_view target);

// A directory entry name that is a pid or fd number ("123"); nullopt for ".", "self", "net".
std::optional<int32_t> parse_proc_pid_number(std::string_view name);

}  // namespace netsnap
