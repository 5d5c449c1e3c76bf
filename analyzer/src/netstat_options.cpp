#include "netstat_options.h"

#include <array>

namespace netsnap {
namespace {

constexpr std::string_view supported_summary =
    "supported: -t -u -U -w -x -4 -6 -l -a -n -p -e -o -W, --numeric-hosts, --numeric-ports, "
    "--numeric-users and their long forms";

// Applies one short option letter; false when the letter is not one we support.
bool apply_short(char letter, NetstatOptions& o) {
  switch (letter) {
    case 't': o.tcp = true; return true;
    case 'u': o.udp = true; return true;
    case 'U': o.udplite = true; return true;
    case 'w': o.raw = true; return true;
    case 'x': o.unix_sockets = true; return true;
    case '4': o.ipv4 = true; return true;
    case '6': o.ipv6 = true; return true;
    case 'l': o.listening = true; return true;
    case 'a': o.all = true; return true;
    case 'n': o.numeric_hosts = o.numeric_ports = o.numeric_users = true; return true;
    case 'e': o.extend = true; return true;
    case 'p': o.programs = true; return true;
    case 'o': o.timers = true; return true;
    case 'W': o.wide = true; return true;
    default: return false;
  }
}

struct LongOption {
  std::string_view name;
  void (*apply)(NetstatOptions&);
};

// netstat 2.10's long options for what the table shows (the AFTRANS ones included).
constexpr std::array<LongOption, 17> long_options{{
    {"tcp", [](NetstatOptions& o) { o.tcp = true; }},
    {"udp", [](NetstatOptions& o) { o.udp = true; }},
    {"udplite", [](NetstatOptions& o) { o.udplite = true; }},
    {"raw", [](NetstatOptions& o) { o.raw = true; }},
    {"unix", [](NetstatOptions& o) { o.unix_sockets = true; }},
    {"inet", [](NetstatOptions& o) { o.ipv4 = true; }},
    {"inet6", [](NetstatOptions& o) { o.ipv6 = true; }},
    {"listening", [](NetstatOptions& o) { o.listening = true; }},
    {"all", [](NetstatOptions& o) { o.all = true; }},
    {"numeric", [](NetstatOptions& o) {
       o.numeric_hosts = o.numeric_ports = o.numeric_users = true;
     }},
    {"numeric-hosts", [](NetstatOptions& o) { o.numeric_hosts = true; }},
    {"numeric-ports", [](NetstatOptions& o) { o.numeric_ports = true; }},
    {"numeric-users", [](NetstatOptions& o) { o.numeric_users = true; }},
    {"extend", [](NetstatOptions& o) { o.extend = true; }},
    {"programs", [](NetstatOptions& o) { o.programs = true; }},
    {"timers", [](NetstatOptions& o) { o.timers = true; }},
    {"wide", [](NetstatOptions& o) { o.wide = true; }},
}};

Error unknown_option(std::string_view option, std::string_view argument) {
  std::string message = "unknown netstat option '";
  message.append(option);
  message.append("'");
  if (argument != option) {
    message.append(" in '");
    message.append(argument);
    message.append("'");
  }
  message.append(" (");
  message.append(supported_summary);
  message.append(")");
  return Error{std::move(message)};
}

// Like getopt_long: an exact name wins, else a prefix of exactly one name.
const LongOption* find_long(std::string_view name) {
  const LongOption* prefix_match = nullptr;
  int prefix_matches = 0;
  for (const LongOption& option : long_options) {
    if (option.name == name) return &option;
    if (option.name.substr(0, name.size()) == name) {
      prefix_match = &option;
      ++prefix_matches;
    }
  }
  return prefix_matches == 1 ? prefix_match : nullptr;
}

}  // namespace

NetstatSections netstat_sections(const NetstatOptions& options) {
  NetstatSections s;
  s.tcp = options.tcp;
  s.udp = options.udp;
  s.udplite = options.udplite;
  s.raw = options.raw;
  s.ipv4 = options.ipv4;
  s.ipv6 = options.ipv6;
  if ((s.ipv4 || s.ipv6) && !(s.tcp || s.udp || s.udplite || s.raw)) {
    s.tcp = s.udp = s.udplite = s.raw = true;
  }
  if ((s.tcp || s.udp || s.udplite || s.raw) && !(s.ipv4 || s.ipv6)) s.ipv4 = s.ipv6 = true;
  const bool any_kind = s.tcp || s.udp || s.udplite || s.raw || options.unix_sockets;
  if (!any_kind) {
    s.tcp = s.udp = s.udplite = s.raw = true;
    s.ipv4 = s.ipv6 = true;
    s.unix_sockets = true;
  } else {
    s.unix_sockets = options.unix_sockets;
  }
  s.inet = s.tcp || s.udp || s.udplite || s.raw;
  return s;
}

Result<NetstatOptions> parse_netstat_options(const std::vector<std::string>& args) {
  NetstatOptions options;
  for (const std::string& argument_text : args) {
    const std::string_view argument = argument_text;
    if (argument.starts_with("--")) {
      const LongOption* option = find_long(argument.substr(2));
      if (argument.size() == 2 || option == nullptr) return unknown_option(argument, argument);
      option->apply(options);
      continue;
    }
    if (argument.size() < 2 || argument.front() != '-') {
      return Error{"unexpected argument '" + argument_text +
                   "' (the table view takes netstat options only)"};
    }
    for (size_t i = 1; i < argument.size(); ++i) {
      if (!apply_short(argument[i], options)) {
        const char option_text[2] = {'-', argument[i]};
        return unknown_option(std::string_view(option_text, 2), argument);
      }
    }
  }
  return options;
}

Result<NetstatOptions> parse_netstat_options(std::string_view command_line) {
  std::vector<std::string> args;
  size_t i = 0;
  while (i < command_line.size()) {
    while (i < command_line.size() && (command_line[i] == ' ' || command_line[i] == '\t')) ++i;
    const size_t start = i;
    while (i < command_line.size() && command_line[i] != ' ' && command_line[i] != '\t') ++i;
    if (i > start) args.emplace_back(command_line.substr(start, i - start));
  }
  return parse_netstat_options(args);
}

}  // namespace netsnap
