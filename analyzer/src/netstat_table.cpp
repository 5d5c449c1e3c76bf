#include "netstat_table.h"

#include <algorithm>
#include <charconv>
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

// netstat's addr_do_one cuts "host:port" to fit 23 columns unless -W: it gives the port up to
// 18 characters and the host what is left of 22.
constexpr size_t address_short_length = 22;
constexpr size_t port_max_when_cut = address_short_length - 4;
constexpr size_t program_column_max = 19;  // netstat keeps "PID/name" in a 20-byte buffer

class NetstatWriter {
 public:
  NetstatWriter(const Snapshot& snapshot, const NetstatOptions& options,
                const NetstatLookups& lookups, std::string& out)
      : snapshot_(snapshot),
        options_(options),
        sections_(netstat_sections(options)),
        lookups_(lookups),
        out_(out) {
    if (options_.programs) index_processes();
  }

  void write() {
    if (sections_.inet) write_inet_section();
    if (sections_.unix_sockets) write_unix_section();
  }

 private:
  void index_processes() {
    processes_by_pid_.reserve(snapshot_.processes.size());
    for (const Process& process : snapshot_.processes) processes_by_pid_.push_back(&process);
    // Stable, so that with duplicate pids (never expected) the first stored record wins.
    std::stable_sort(processes_by_pid_.begin(), processes_by_pid_.end(),
                     [](const Process* a, const Process* b) { return a->pid < b->pid; });
  }

  const Process* find_process(int32_t pid) const {
    const auto it = std::lower_bound(processes_by_pid_.begin(), processes_by_pid_.end(), pid,
                                     [](const Process* p, int32_t wanted) { return p->pid < wanted; });
    return it != processes_by_pid_.end() && (*it)->pid == pid ? *it : nullptr;
  }

  void write_title(std::string_view prefix) {
    out_.append(prefix);
    if (options_.all) {
      out_.append("(servers and established)\n");
    } else if (options_.listening) {
      out_.append("(only servers)\n");
    } else {
      out_.append("(w/o servers)\n");
    }
  }

  // ---- Internet section -------------------------------------------------------------------

  void write_inet_section() {
    write_title("Active Internet connections ");
    out_.append("Proto Recv-Q Send-Q Local Address           Foreign Address         State      ");
    if (options_.extend) out_.append(" User       Inode     ");
    if (options_.programs) out_.append(" PID/Program name    ");
    if (options_.timers) out_.append(" Timer");
    out_.push_back('\n');

    for (const InetGroup& group : inet_groups) {
      if (!group_selected(group)) continue;
      for (const Namespace& ns : snapshot_.namespaces) {
        for (const Socket& socket : ns.sockets) {
          if (socket.protocol != group.protocol || socket.family != group.family) continue;
          if (!row_selected(socket)) continue;
          write_inet_row(socket, group);
        }
      }
    }
  }

  bool group_selected(const InetGroup& group) const {
    const bool family = group.family == family_inet ? sections_.ipv4 : sections_.ipv6;
    switch (group.protocol) {
      case Protocol::tcp: return family && sections_.tcp;
      case Protocol::udp: return family && sections_.udp;
      case Protocol::udplite: return family && sections_.udplite;
      case Protocol::raw: return family && sections_.raw;
      default: return false;
    }
  }

  // -l / -a / default. TCP tells servers by "remote port is 0" (so TIME_WAIT and SYN_RECV rows
  // show by default); UDP and RAW by "remote address is all zeros".
  bool row_selected(const Socket& socket) const {
    if (options_.all) return true;
    const bool server = socket.protocol == Protocol::tcp
                            ? socket.remote.port == 0
                            : is_unspecified_address(socket.remote, socket.family);
    return options_.listening == server;
  }

  void write_inet_row(const Socket& socket, const InetGroup& group) {
    // A raw socket's local "port" is its protocol number; a source that left it out still
    // has raw_protocol.
    uint16_t local_port = socket.local.port;
    if (group.protocol == Protocol::raw && local_port == 0) local_port = socket.raw_protocol;
    format_address(local_text_, socket.local, socket.family, local_port, group.names);
    format_address(remote_text_, socket.remote, socket.family, socket.remote.port, group.names);

    if (group.protocol == Protocol::udp || group.protocol == Protocol::udplite) {
      // "%-5s %6ld %6ld %-23s %-23s %-11s"
      append_left(out_, group.proto_column, 5);
      out_.push_back(' ');
    } else {
      // TCP "%-4s  %6ld %6ld %-*s %-*s %-11s" (width max(23, len)); RAW the same with "%-11d".
      append_left(out_, group.proto_column, 4);
      out_.append("  ");
    }
    append_right(out_, socket.recv_q, 6);
    out_.push_back(' ');
    append_right(out_, socket.send_q, 6);
    out_.push_back(' ');
    append_left(out_, local_text_, 23);
    out_.push_back(' ');
    append_left(out_, remote_text_, 23);
    out_.push_back(' ');
    switch (group.protocol) {
      case Protocol::tcp: append_left(out_, tcp_state_name(socket.state), 11); break;
      case Protocol::raw: append_left_number(out_, socket.state, 11); break;
      default: append_left(out_, udp_state_name(socket.state), 11); break;
    }
    write_inet_tail(socket, group.protocol);
  }

  static std::string_view udp_state_name(uint8_t state) {
    if (state == tcp_state::established) return "ESTABLISHED";
    if (state == tcp_state::close) return "";
    return "UNKNOWN";
  }

  // netstat's addr_do_one: "host:port", cut to 23 characters without -W.
  void format_address(std::string& text, const Endpoint& endpoint, uint8_t family, uint16_t port,
                      ServiceProtocol names) {
    text.clear();
    if (family == family_inet6 && !options_.numeric_hosts &&
        is_unspecified_address(endpoint, family)) {
      text.append("[::]");
    } else {
      append_numeric_address(text, endpoint, family);
    }
    const size_t host_length = text.size();
    text.push_back(':');
    if (port == 0) {
      text.push_back('*');
    } else {
      const std::string_view name =
          options_.numeric_ports || lookups_.services == nullptr
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

  // finish_this_one: -e user and inode, -p program, -o timer.
  void write_inet_tail(const Socket& socket, Protocol protocol) {
    if (options_.extend) {
      out_.push_back(' ');
      const size_t start = out_.size();
      if (const std::string* name = user_name(socket.uid)) {
        append_escaped(out_, *name);
      } else {
        append_decimal_signed(out_, static_cast<int32_t>(socket.uid));  // netstat's "%d"
      }
      pad_from(out_, start, 10);
      out_.push_back(' ');
      const size_t inode_start = out_.size();
      append_decimal(out_, socket.inode);
      pad_from(out_, inode_start, 10);
    }
    if (options_.programs) write_program(socket);
    if (options_.timers) {
      out_.push_back(' ');
      write_timer(socket, protocol);
    }
    out_.push_back('\n');
  }

  // The recorded host's name for `uid`, or null: numeric, or unknown there (netstat then
  // prints the number too).
  const std::string* user_name(uint32_t uid) const {
    if (options_.numeric_users || lookups_.users == nullptr) return nullptr;
    const auto it = lookups_.users->find(uid);
    return it == lookups_.users->end() ? nullptr : &it->second;
  }

  // -o. TCP: /proc's timer codes with seconds in clock ticks; UDP and RAW have their own words
  // and divide by 100, and netstat zeroes a UDP socket's retransmit count.
  void write_timer(const Socket& socket, Protocol protocol) {
    const uint32_t ticks_per_second = std::max<uint32_t>(lookups_.clock_ticks_per_second, 1);
    const uint64_t ticks = uint64_t{socket.timer_expires_ms} * ticks_per_second / 1000;
    const bool is_tcp = protocol == Protocol::tcp;
    const double seconds = static_cast<double>(ticks) / (is_tcp ? ticks_per_second : 100);
    const bool is_udp = protocol == Protocol::udp || protocol == Protocol::udplite;
    const uint64_t retransmits = is_udp ? 0 : socket.retransmits;

    switch (socket.timer) {
      case 0:
        out_.append("off (0.00/");
        append_decimal(out_, retransmits);
        out_.push_back('/');
        append_decimal(out_, socket.probes);
        out_.push_back(')');
        return;
      case 1: out_.append(is_tcp ? "on (" : "on1 ("); break;
      case 2: out_.append(is_tcp ? "keepalive (" : "on2 ("); break;
      case 3:
      case 4:
        if (is_tcp) {
          out_.append(socket.timer == 3 ? "timewait (" : "probe (");
          break;
        }
        [[fallthrough]];
      default:
        out_.append("unkn-");
        append_decimal(out_, socket.timer);
        out_.append(" (");
        break;
    }
    append_seconds(out_, seconds);
    out_.push_back('/');
    append_decimal(out_, retransmits);
    out_.push_back('/');
    append_decimal(out_, socket.probes);
    out_.push_back(')');
  }

  // " %-20s" of "PID/name": the first owner netstat would have found (one whose command line
  // could be read), argv[0] cut to its basename when it is a path, the whole cut to 19 bytes.
  void write_program(const Socket& socket) {
    out_.push_back(' ');
    const size_t start = out_.size();
    const Process* owner = nullptr;
    for (const int32_t pid : socket.owners) {
      owner = find_process(pid);
      if (owner != nullptr) break;
    }
    if (owner == nullptr || socket.inode == 0) {
      out_.push_back('-');
    } else {
      // netstat reads 511 bytes of /proc/PID/cmdline and takes what follows the last '/'.
      std::string_view argv0 = std::string_view(owner->argv0).substr(0, 511);
      if (!argv0.empty() && argv0.front() == '/') argv0.remove_prefix(argv0.rfind('/') + 1);
      scratch_.clear();
      append_decimal_signed(scratch_, owner->pid);
      scratch_.push_back('/');
      scratch_.append(argv0);
      if (scratch_.size() > program_column_max) scratch_.resize(program_column_max);
      append_escaped(out_, scratch_);
    }
    pad_from(out_, start, 20);
  }

  // ---- UNIX section -----------------------------------------------------------------------

  void write_unix_section() {
    write_title("Active UNIX domain sockets ");
    out_.append("Proto RefCnt Flags       Type       State         I-Node  ");
    if (options_.programs) out_.append(" PID/Program name    ");
    out_.append(" Path\n");
    for (const Namespace& ns : snapshot_.namespaces) {
      for (const Socket& socket : ns.sockets) {
        if (socket.protocol != Protocol::unix_) continue;
        if (!options_.all && options_.listening != is_unix_listener(socket)) continue;
        write_unix_row(socket);
      }
    }
  }

  // "%-5s %-6ld %-11s %-10s %-13s " "%-8lu" [" %-20s"] " %s\n"
  void write_unix_row(const Socket& socket) {
    out_.append("unix  ");
    append_left_number(out_, socket.ref_count, 6);
    out_.push_back(' ');
    const size_t flags_start = out_.size();
    out_.append("[ ");
    if ((socket.unix_flags & unix_flag_accepting) != 0) out_.append("ACC ");
    if ((socket.unix_flags & (1u << 17)) != 0) out_.append("W ");  // SO_WAITDATA
    if ((socket.unix_flags & (1u << 18)) != 0) out_.append("N ");  // SO_NOSPACE
    out_.push_back(']');
    pad_from(out_, flags_start, 11);
    out_.push_back(' ');
    append_left(out_, unix_type_name(socket.unix_type), 10);
    out_.push_back(' ');
    append_left(out_, unix_state_name(socket.state, socket.unix_flags), 13);
    out_.push_back(' ');
    const size_t inode_start = out_.size();
    append_decimal(out_, socket.inode);
    pad_from(out_, inode_start, 8);
    if (options_.programs) write_program(socket);
    out_.push_back(' ');
    append_unix_socket_name(out_, socket.unix_path);
    out_.push_back('\n');
  }

  const Snapshot& snapshot_;
  const NetstatOptions& options_;
  const NetstatSections sections_;
  const NetstatLookups& lookups_;
  std::string& out_;
  std::vector<const Process*> processes_by_pid_;
  // Reused per row, so that a table of any size costs a handful of allocations.
  std::string local_text_, remote_text_, scratch_;
};

}  // namespace

void add_uid_names(UidNames& names, const std::vector<UserName>& users) {
  for (const UserName& user : users) names.insert_or_assign(user.uid, user.name);
}

void render_netstat_table(const Snapshot& snapshot, const NetstatOptions& options,
                          const NetstatLookups& lookups, std::string& out) {
  NetstatWriter(snapshot, options, lookups, out).write();
}

std::string netstat_table(const Snapshot& snapshot, const NetstatOptions& options,
                          const NetstatLookups& lookups) {
  std::string out;
  render_netstat_table(snapshot, options, lookups, out);
  return out;
}

}  // namespace netsnap
