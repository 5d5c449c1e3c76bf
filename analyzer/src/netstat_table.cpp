#include "netstat_table.h"

#include <algorithm>
#include <charconv>
#include <span>
#include <string_view>

#include "socket_text.h"
#include "text_escape.h"

namespace netsnap {
namespace {

// printf("%2.2f") as in the C locale (netstat follows LC_NUMERIC; the table always uses '.').
void append_seconds(std::string& out, double seconds) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, seconds, std::chars_format::fixed, 2).ptr;
  out.append(text, end);
}

// One /proc/net file of netstat's walk, in walk order.
struct InetGroup {
  Protocol protocol;
  uint8_t family;
  std::string_view proto_column;  // what netstat prints in the Proto column
  ServiceProtocol names;          // which service list names its ports
};

constexpr InetGroup inet_groups[] = {
    {Protocol::tcp, family_inet, "tcp", ServiceProtocol::tcp},
    {Protocol::tcp, family_inet6, "tcp6", ServiceProtocol::tcp},
    {Protocol::udp, family_inet, "udp", ServiceProtocol::udp},
    {Protocol::udp, family_inet6, "udp6", ServiceProtocol::udp},
    {Protocol::udplite, family_inet, "udpl", ServiceProtocol::udp},
    {Protocol::udplite, family_inet6, "udpl6", ServiceProtocol::udp},
    {Protocol::raw, family_inet, "raw", ServiceProtocol::raw},
    {Protocol::raw, family_inet6, "raw6", ServiceProtocol::raw},
};

const InetGroup* inet_group_of(const Socket& socket) {
  for (const InetGroup& group : inet_groups) {
    if (group.protocol == socket.protocol && group.family == socket.family) return &group;
  }
  return nullptr;
}

// netstat's addr_do_one cuts "host:port" to fit 23 columns unless -W: it gives the port up to
// 18 characters and the host what is left of 22.
constexpr size_t address_short_length = 22;
constexpr size_t port_max_when_cut = address_short_length - 4;
constexpr size_t program_column_max = 19;  // netstat keeps "PID/name" in a 20-byte buffer

bool group_selected(const InetGroup& group, const NetstatSections& sections) {
  const bool family = group.family == family_inet ? sections.ipv4 : sections.ipv6;
  switch (group.protocol) {
    case Protocol::tcp: return family && sections.tcp;
    case Protocol::udp: return family && sections.udp;
    case Protocol::udplite: return family && sections.udplite;
    case Protocol::raw: return family && sections.raw;
    default: return false;
  }
}

// -l / -a / default. TCP tells servers by "remote port is 0" (so TIME_WAIT and SYN_RECV rows
// show by default); UDP and RAW by "remote address is all zeros".
bool inet_row_selected(const Socket& socket, const NetstatOptions& options) {
  if (options.all) return true;
  const bool server = socket.protocol == Protocol::tcp
                          ? socket.remote.port == 0
                          : is_unspecified_address(socket.remote, socket.family);
  return options.listening == server;
}

void append_title(std::string_view prefix, const NetstatOptions& options, std::string& out) {
  out.append(prefix);
  if (options.all) {
    out.append("(servers and established)\n");
  } else if (options.listening) {
    out.append("(only servers)\n");
  } else {
    out.append("(w/o servers)\n");
  }
}

}  // namespace

void add_uid_names(UidNames& names, const std::vector<UserName>& users) {
  for (const UserName& user : users) names.insert_or_assign(user.uid, user.name);
}

std::string_view netstat_proto_name(const Socket& socket) {
  return netstat_proto_name(socket.protocol, socket.family);
}

std::string_view netstat_proto_name(Protocol protocol, uint8_t family) {
  if (protocol == Protocol::unix_) return "unix";
  for (const InetGroup& group : inet_groups) {
    if (group.protocol == protocol && group.family == family) return group.proto_column;
  }
  return {};
}

void collect_netstat_rows(const Snapshot& snapshot, const NetstatOptions& options,
                          NetstatSection section, std::vector<const Socket*>& rows,
                          const Namespace* only) {
  rows.clear();
  const std::span<const Namespace> namespaces =
      only ? std::span<const Namespace>(only, 1) : std::span<const Namespace>(snapshot.namespaces);
  const NetstatSections sections = netstat_sections(options);
  if (section == NetstatSection::unix_sockets) {
    if (!sections.unix_sockets) return;
    for (const Namespace& ns : namespaces) {
      for (const Socket& socket : ns.sockets) {
        if (socket.protocol != Protocol::unix_) continue;
        if (!options.all && options.listening != is_unix_listener(socket)) continue;
        rows.push_back(&socket);
      }
    }
    return;
  }
  if (!sections.inet) return;
  for (const InetGroup& group : inet_groups) {
    if (!group_selected(group, sections)) continue;
    for (const Namespace& ns : namespaces) {
      for (const Socket& socket : ns.sockets) {
        if (socket.protocol != group.protocol || socket.family != group.family) continue;
        if (inet_row_selected(socket, options)) rows.push_back(&socket);
      }
    }
  }
}

const Namespace* namespace_of(const Snapshot& snapshot, const Socket* socket) {
  for (const Namespace& ns : snapshot.namespaces) {
    if (!ns.sockets.empty() && socket >= ns.sockets.data() &&
        socket < ns.sockets.data() + ns.sockets.size()) {
      return &ns;
    }
  }
  return nullptr;
}

NetstatRowFormatter::NetstatRowFormatter(const Snapshot& snapshot, const NetstatOptions& options,
                                         const NetstatLookups& lookups)
    : options_(options), sections_(netstat_sections(options)), lookups_(lookups) {
  if (options_.programs) processes_.rebuild(snapshot.processes);
}

void NetstatRowFormatter::append_heading(NetstatSection section, std::string& out) const {
  if (section == NetstatSection::inet) {
    append_title("Active Internet connections ", options_, out);
    out.append("Proto Recv-Q Send-Q Local Address           Foreign Address         State      ");
    if (options_.extend) out.append(" User       Inode     ");
    if (options_.programs) out.append(" PID/Program name    ");
    if (options_.timers) out.append(" Timer");
    out.push_back('\n');
    return;
  }
  append_title("Active UNIX domain sockets ", options_, out);
  out.append("Proto RefCnt Flags       Type       State         I-Node  ");
  if (options_.programs) out.append(" PID/Program name    ");
  out.append(" Path\n");
}

void NetstatRowFormatter::append_row(const Socket& socket, std::string& out) {
  if (socket.protocol == Protocol::unix_) {
    append_unix_row(socket, out);
  } else {
    append_inet_row(socket, out);
  }
}

void NetstatRowFormatter::append_inet_row(const Socket& socket, std::string& out) {
  const InetGroup* found = inet_group_of(socket);
  if (found == nullptr) return;  // no netstat section shows it
  const InetGroup& group = *found;
  // A raw socket's local "port" is its protocol number; a source that left it out still
  // has raw_protocol.
  uint16_t local_port = socket.local.port;
  if (group.protocol == Protocol::raw && local_port == 0) local_port = socket.raw_protocol;
  local_text_.clear();
  append_address(local_text_, socket.local, socket.family, local_port, group.names);
  remote_text_.clear();
  append_address(remote_text_, socket.remote, socket.family, socket.remote.port, group.names);

  if (group.protocol == Protocol::udp || group.protocol == Protocol::udplite) {
    // "%-5s %6ld %6ld %-23s %-23s %-11s"
    append_left(out, group.proto_column, 5);
    out.push_back(' ');
  } else {
    // TCP "%-4s  %6ld %6ld %-*s %-*s %-11s" (width max(23, len)); RAW the same with "%-11d".
    append_left(out, group.proto_column, 4);
    out.append("  ");
  }
  append_right(out, socket.recv_q, 6);
  out.push_back(' ');
  append_right(out, socket.send_q, 6);
  out.push_back(' ');
  append_left(out, local_text_, 23);
  out.push_back(' ');
  append_left(out, remote_text_, 23);
  out.push_back(' ');
  switch (group.protocol) {
    case Protocol::tcp: append_left(out, tcp_state_name(socket.state), 11); break;
    case Protocol::raw: append_left_number(out, socket.state, 11); break;
    default: append_left(out, udp_state_name(socket.state), 11); break;
  }
  append_inet_tail(socket, out);
}

// netstat's addr_do_one: "host:port", cut to 23 characters without -W.
void NetstatRowFormatter::append_address(std::string& text, const Endpoint& endpoint,
                                         uint8_t family, uint16_t port,
                                         ServiceProtocol names) const {
  if (family == family_inet6 && !options_.numeric_hosts &&
      is_unspecified_address(endpoint, family)) {
    text.append("[::]");
  } else if (std::string_view name = host_name(endpoint, family); !name.empty()) {
    text.append(name);
  } else {
    append_numeric_address(text, endpoint, family);
  }
  const size_t host_length = text.size();
  text.push_back(':');
  if (port == 0) {
    text.push_back('*');
  } else {
    const std::string_view name = options_.numeric_ports || lookups_.services == nullptr
                                      ? std::string_view()
                                      : lookups_.services->find(names, port);
    if (name.empty()) {
      append_decimal(text, port);
    } else {
      text.append(name);
    }
  }
  const size_t port_length = text.size() - host_length - 1;
  if (options_.wide || host_length + port_length <= address_short_length) return;
  const size_t port_kept = std::min(port_length, port_max_when_cut);
  const size_t host_kept = std::min(host_length, address_short_length - port_kept);
  // Move the kept port text right after the kept host text (strncpy + strcat + strncat).
  text.erase(host_kept, host_length - host_kept);
  text.resize(host_kept + 1 + port_kept);
}

// --resolve without -n: the resolver's name (netstat's INET_rresolve/INET6_rresolve), or empty
// for the numeric form. The unspecified address is never looked up.
std::string_view NetstatRowFormatter::host_name(const Endpoint& endpoint, uint8_t family) const {
  if (options_.numeric_hosts || lookups_.hosts == nullptr) return {};
  if (is_unspecified_address(endpoint, family)) return {};
  return lookups_.hosts->find(endpoint, family);
}

// finish_this_one: -e user and inode, -p program, -o timer.
void NetstatRowFormatter::append_inet_tail(const Socket& socket, std::string& out) {
  if (options_.extend) {
    out.push_back(' ');
    const size_t start = out.size();
    if (const std::string* name = user_name(socket.uid)) {
      append_escaped(out, *name);
    } else {
      append_decimal_signed(out, static_cast<int32_t>(socket.uid));  // netstat's "%d"
    }
    pad_from(out, start, 10);
    out.push_back(' ');
    const size_t inode_start = out.size();
    append_decimal(out, socket.inode);
    pad_from(out, inode_start, 10);
  }
  if (options_.programs) append_program(socket, out);
  if (options_.timers) {
    out.push_back(' ');
    append_timer(socket, out);
  }
  out.push_back('\n');
}

// The recorded host's name for `uid`, or null: numeric, or unknown there (netstat then prints
// the number too).
const std::string* NetstatRowFormatter::user_name(uint32_t uid) const {
  if (options_.numeric_users || lookups_.users == nullptr) return nullptr;
  const auto it = lookups_.users->find(uid);
  return it == lookups_.users->end() || it->second.empty() ? nullptr : &it->second;
}

// -o. TCP: /proc's timer codes with seconds in clock ticks; UDP and RAW have their own words
// and divide by 100, and netstat zeroes a UDP socket's retransmit count.
void NetstatRowFormatter::append_timer(const Socket& socket, std::string& out) const {
  const uint32_t ticks_per_second = std::max<uint32_t>(lookups_.clock_ticks_per_second, 1);
  const uint64_t ticks = uint64_t{socket.timer_expires_ms} * ticks_per_second / 1000;
  const bool is_tcp = socket.protocol == Protocol::tcp;
  const double seconds = static_cast<double>(ticks) / (is_tcp ? ticks_per_second : 100);
  const bool is_udp = socket.protocol == Protocol::udp || socket.protocol == Protocol::udplite;
  const uint64_t retransmits = is_udp ? 0 : socket.retransmits;

  switch (socket.timer) {
    case 0:
      out.append("off (0.00/");
      append_decimal(out, retransmits);
      out.push_back('/');
      append_decimal(out, socket.probes);
      out.push_back(')');
      return;
    case 1: out.append(is_tcp ? "on (" : "on1 ("); break;
    case 2: out.append(is_tcp ? "keepalive (" : "on2 ("); break;
    case 3:
    case 4:
      if (is_tcp) {
        out.append(socket.timer == 3 ? "timewait (" : "probe (");
        break;
      }
      [[fallthrough]];
    default:
      out.append("unkn-");
      append_decimal(out, socket.timer);
      out.append(" (");
      break;
  }
  append_seconds(out, seconds);
  out.push_back('/');
  append_decimal(out, retransmits);
  out.push_back('/');
  append_decimal(out, socket.probes);
  out.push_back(')');
}

// " %-20s" of "PID/name", the whole cut to 19 bytes (socket_owner.h says whose name).
void NetstatRowFormatter::append_program(const Socket& socket, std::string& out) {
  out.push_back(' ');
  const size_t start = out.size();
  const Process* owner = processes_.owner_of(socket);
  if (owner == nullptr) {
    out.push_back('-');
  } else {
    scratch_.clear();
    append_decimal_signed(scratch_, owner->pid);
    scratch_.push_back('/');
    scratch_.append(netstat_program_name(*owner));
    if (scratch_.size() > program_column_max) scratch_.resize(program_column_max);
    append_escaped(out, scratch_);
  }
  pad_from(out, start, 20);
}

// "%-5s %-6ld %-11s %-10s %-13s " "%-8lu" [" %-20s"] " %s\n"
void NetstatRowFormatter::append_unix_row(const Socket& socket, std::string& out) {
  out.append("unix  ");
  append_left_number(out, socket.ref_count, 6);
  out.push_back(' ');
  const size_t flags_start = out.size();
  out.append("[ ");
  if ((socket.unix_flags & unix_flag_accepting) != 0) out.append("ACC ");
  if ((socket.unix_flags & (1u << 17)) != 0) out.append("W ");  // SO_WAITDATA
  if ((socket.unix_flags & (1u << 18)) != 0) out.append("N ");  // SO_NOSPACE
  out.push_back(']');
  pad_from(out, flags_start, 11);
  out.push_back(' ');
  append_left(out, unix_type_name(socket.unix_type), 10);
  out.push_back(' ');
  append_left(out, unix_state_name(socket.state, socket.unix_flags), 13);
  out.push_back(' ');
  const size_t inode_start = out.size();
  append_decimal(out, socket.inode);
  pad_from(out, inode_start, 8);
  if (options_.programs) append_program(socket, out);
  out.push_back(' ');
  append_unix_socket_name(out, socket.unix_path);
  out.push_back('\n');
}

void render_netstat_table(const Snapshot& snapshot, const NetstatOptions& options,
                          const NetstatLookups& lookups, std::string& out) {
  NetstatRowFormatter formatter(snapshot, options, lookups);
  std::vector<const Socket*> rows;
  for (const NetstatSection section : {NetstatSection::inet, NetstatSection::unix_sockets}) {
    const bool printed = section == NetstatSection::inet ? formatter.sections().inet
                                                         : formatter.sections().unix_sockets;
    if (!printed) continue;
    formatter.append_heading(section, out);
    collect_netstat_rows(snapshot, options, section, rows);
    for (const Socket* socket : rows) formatter.append_row(*socket, out);
  }
}

std::string netstat_table(const Snapshot& snapshot, const NetstatOptions& options,
                          const NetstatLookups& lookups) {
  std::string out;
  render_netstat_table(snapshot, options, lookups, out);
  return out;
}

}  // namespace netsnap
