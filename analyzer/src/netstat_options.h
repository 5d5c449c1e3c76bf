// The netstat flags the table view understands, parsed the way net-tools' netstat 2.10 parses
// them (getopt_long: combined short flags such as "-tunap", long options and their unique
// abbreviations such as "--numeric-h"), and what they select.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "netsnap/result.h"

namespace netsnap {

// The flags exactly as given; netstat_sections() says what they select.
struct NetstatOptions {
  // -t -u -U -w -x (--tcp --udp --udplite --raw --unix): socket kinds. None: every kind.
  bool tcp = false, udp = false, udplite = false, raw = false, unix_sockets = false;
  // -4 -6 (--inet --inet6): address families of the Internet section.
  bool ipv4 = false, ipv6 = false;
  // -l only listening sockets, -a all of them; neither: only the non-listening ones.
  bool listening = false, all = false;
  // -n sets all three; --numeric-hosts, --numeric-ports, --numeric-users one each.
  bool numeric_hosts = false, numeric_ports = false, numeric_users = false;
  bool extend = false;    // -e: User and Inode columns (-ee prints the same for sockets)
  bool programs = false;  // -p: PID/Program name column
  bool timers = false;    // -o: Timer column
  bool wide = false;      // -W: never cut addresses
  bool operator==(const NetstatOptions&) const = default;
};

// What a set of flags prints, after netstat's own defaulting rules (netstat.c main):
// -4/-6 alone mean every Internet kind; an Internet kind alone means both families; no kind
// at all means everything, both families and the UNIX section.
struct NetstatSections {
  bool inet = false;  // the "Active Internet connections" section (title and header)
  bool tcp = false, udp = false, udplite = false, raw = false;
  bool ipv4 = false, ipv6 = false;
  bool unix_sockets = false;  // the "Active UNIX domain sockets" section
  bool operator==(const NetstatSections&) const = default;
};

NetstatSections netstat_sections(const NetstatOptions& options);

// Parses netstat arguments, e.g. {"-tunap"} or {"-t", "--numeric-hosts", "-e"}. Fails with one
// message naming the first unknown or unsupported option (or stray argument).
Result<NetstatOptions> parse_netstat_options(const std::vector<std::string>& args);

// The same for one string of whitespace-separated arguments, e.g. "-tunap" or "-tl -W".
Result<NetstatOptions> parse_netstat_options(std::string_view command_line);

}  // namespace netsnap
