#include "timeline_grouping.h"

#include <algorithm>
#include <numeric>

#include "namespace_selection.h"
#include "netstat_table.h"
#include "socket_owner.h"
#include "socket_text.h"

namespace netsnap::analysis {
namespace {

// Column ids of --by state, in the order the issue lists them.
constexpr std::string_view state_columns[] = {
    "LISTEN",     "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
    "CLOSE_WAIT", "LAST_ACK",    "CLOSING",  "UDP",      "UNIX",      "Recv-Q",    "Send-Q"};
constexpr uint32_t udp_column = 10, unix_column = 11, recv_q_state_column = 12,
                   send_q_state_column = 13;

uint32_t tcp_state_column(uint8_t state) {
  switch (state) {
    case tcp_state::listen: return 0;
    case tcp_state::established: return 1;
    case tcp_state::syn_sent: return 2;
    case tcp_state::syn_recv:
    case tcp_state::new_syn_recv: return 3;
    case tcp_state::fin_wait1: return 4;
    case tcp_state::fin_wait2: return 5;
    case tcp_state::time_wait: return 6;
    case tcp_state::close_wait: return 7;
    case tcp_state::last_ack: return 8;
    case tcp_state::closing: return 9;
    default: return TimelineGrouping::no_column;  // CLOSE: not a column of the view
  }
}

constexpr std::string_view proto_columns[] = {"tcp",   "tcp6", "udp",  "udp6", "udpl",
                                              "udpl6", "raw",  "raw6", "unix"};

uint32_t proto_column(const SocketSummary& socket) {
  const std::string_view name = netstat_proto_name(socket.protocol, socket.family);
  for (uint32_t i = 0; i < std::size(proto_columns); ++i) {
    if (proto_columns[i] == name) return i;
  }
  return TimelineGrouping::no_column;
}

std::string_view protocol_word(Protocol protocol) {
  switch (protocol) {
    case Protocol::tcp: return "tcp";
    case Protocol::udp: return "udp";
    case Protocol::udplite: return "udpl";
    case Protocol::raw: return "raw";
    default: return "";
  }
}

}  // namespace

Result<TimelineGroupBy> parse_group_by(std::string_view name) {
  if (name == "state") return TimelineGroupBy::state;
  if (name == "proto") return TimelineGroupBy::proto;
  if (name == "local-port") return TimelineGroupBy::local_port;
  if (name == "remote") return TimelineGroupBy::remote;
  if (name == "program") return TimelineGroupBy::program;
  if (name == "netns") return TimelineGroupBy::netns;
  if (name == "netns-state") return TimelineGroupBy::netns_state;
  return Error{"--by '" + std::string(name) +
               "': expected state, proto, local-port, remote, program, netns or netns-state"};
}

void ProgramNames::rebuild(const std::vector<Process>& processes) {
  by_pid_.clear();
  for (const Process& process : processes) {
    // comm groups every process of a program under one name ("postgres"), where argv[0] is
    // often rewritten per connection ("postgres: 15/main: app appdb 10.0.0.5(42018) idle").
    by_pid_.emplace_back(process.pid, process.comm.empty()
                                          ? std::string(netstat_program_name(process))
                                          : process.comm);
  }
  // Stable: with duplicate pids (never expected) the first stored record wins, as in -p.
  std::stable_sort(by_pid_.begin(), by_pid_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
}

std::string_view ProgramNames::name_of(const Socket& socket) const {
  if (socket.inode == 0) return "-";  // as ProcessIndex::owner_of: netstat cannot see these
  for (const int32_t pid : socket.owners) {
    const auto it = std::lower_bound(by_pid_.begin(), by_pid_.end(), pid,
                                     [](const auto& entry, int32_t p) { return entry.first < p; });
    if (it != by_pid_.end() && it->first == pid) return it->second;
  }
  return "-";
}

TimelineGrouping::TimelineGrouping(TimelineGroupBy by) : by_(by) {
  if (by_ == TimelineGroupBy::state) {
    names_.assign(std::begin(state_columns), std::end(state_columns));
    recv_q_column_ = recv_q_state_column;
    send_q_column_ = send_q_state_column;
  } else if (by_ == TimelineGroupBy::proto) {
    names_.assign(std::begin(proto_columns), std::end(proto_columns));
  }
}

bool TimelineGrouping::is_open_ended() const {
  return by_ != TimelineGroupBy::state && by_ != TimelineGroupBy::proto;
}

bool TimelineGrouping::counts_queue_bytes(const SocketSummary& socket) {
  if (socket.protocol == Protocol::unix_ || socket.protocol == Protocol::unknown) return false;
  return !(socket.protocol == Protocol::tcp && socket.state == tcp_state::listen);
}

namespace {

uint32_t state_column(const SocketSummary& socket) {
  if (socket.protocol == Protocol::tcp) return tcp_state_column(socket.state);
  if (socket.protocol == Protocol::udp || socket.protocol == Protocol::udplite) return udp_column;
  return socket.protocol == Protocol::unix_ ? unix_column : TimelineGrouping::no_column;
}

}  // namespace

uint32_t TimelineGrouping::column_of(const SocketSummary& socket) const {
  switch (by_) {
    case TimelineGroupBy::state: return state_column(socket);
    case TimelineGroupBy::proto: return proto_column(socket);
    default: return no_column;  // open-ended: needs the whole socket
  }
}

uint32_t TimelineGrouping::column_of(const Socket& socket, const ProgramNames& programs) {
  switch (by_) {
    case TimelineGroupBy::state:
    case TimelineGroupBy::proto: return column_of(summarize(socket));
    case TimelineGroupBy::local_port: {
      const std::string_view protocol = protocol_word(socket.protocol);
      if (protocol.empty()) return no_column;
      const bool raw = socket.protocol == Protocol::raw && socket.local.port == 0;
      const uint16_t port = raw ? socket.raw_protocol : socket.local.port;
      // Keys are raw bytes: formatting text for every socket update would cost more than
      // the counting; the text is made once, for a value's first appearance.
      key_.assign(1, static_cast<char>(socket.protocol));
      key_.append(reinterpret_cast<const char*>(&port), sizeof port);
      return column_for_key(key_, [&](std::string& name) {
        append_decimal(name, port);
        name.push_back('/');
        name.append(protocol);
      });
    }
    case TimelineGroupBy::remote: {
      if (protocol_word(socket.protocol).empty() ||
          is_unspecified_address(socket.remote, socket.family)) {
        return no_column;
      }
      // An IPv4 peer of a dual-stack socket (::ffff:a.b.c.d) is the same host as a.b.c.d.
      const bool v4 = socket.family == family_inet || is_ipv4_mapped(socket.remote);
      const uint8_t* bytes = socket.remote.address.data() + (socket.family == family_inet ? 0
                                                             : v4                         ? 12
                                                                                          : 0);
      key_.assign(reinterpret_cast<const char*>(bytes), v4 ? 4 : 16);
      return column_for_key(key_, [&](std::string& name) {
        append_numeric_address(name, socket.remote, socket.family);
      });
    }
    case TimelineGroupBy::program: {
      const std::string_view name = programs.name_of(socket);
      key_.assign(name);
      return column_for_key(key_, [&](std::string& shown) { shown.assign(name); });
    }
    case TimelineGroupBy::netns: {
      if (namespace_ == nullptr) return no_column;
      // Inode and label: one namespace renamed (a label found later) is a column per label.
      key_.assign(reinterpret_cast<const char*>(&namespace_->inode), sizeof namespace_->inode);
      key_.append(namespace_->name);
      return column_for_key(key_,
                            [&](std::string& shown) { shown = namespace_label(*namespace_); });
    }
    case TimelineGroupBy::netns_state: {
      const uint32_t state = state_column(summarize(socket));
      if (namespace_ == nullptr || state == no_column) return no_column;
      key_.assign(reinterpret_cast<const char*>(&namespace_->inode), sizeof namespace_->inode);
      key_.push_back(static_cast<char>(state));
      key_.append(namespace_->name);
      return column_for_key(key_, [&](std::string& shown) {
        shown = namespace_label(*namespace_);
        shown.push_back(' ');
        shown.append(state_columns[state]);
      });
    }
  }
  return no_column;
}

template <class Name>
uint32_t TimelineGrouping::column_for_key(const std::string& key, Name&& name) {
  if (kept_) {
    const auto it = ids_.find(key);
    // A value first met after keep_columns (not in the measured range) counts as "other".
    return it == ids_.end() ? static_cast<uint32_t>(names_.size() - 1) : output_of_id_[it->second];
  }
  const auto [it, inserted] = ids_.try_emplace(key, static_cast<uint32_t>(names_.size()));
  if (inserted) {
    names_.emplace_back();
    name(names_.back());
  }
  return it->second;
}

void TimelineGrouping::keep_columns(const std::vector<int64_t>& peaks, size_t top) {
  if (!is_open_ended()) return;
  std::vector<uint32_t> order(names_.size());
  std::iota(order.begin(), order.end(), 0u);
  const auto peak = [&](uint32_t id) { return id < peaks.size() ? peaks[id] : 0; };
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (peak(a) != peak(b)) return peak(a) > peak(b);
    return names_[a] < names_[b];
  });
  const size_t kept = top == 0 ? order.size() : std::min(top, order.size());
  std::vector<std::string> output_names;
  output_of_id_.assign(names_.size(), 0);
  for (size_t i = 0; i < order.size(); ++i) {
    if (i < kept) {
      output_of_id_[order[i]] = static_cast<uint32_t>(i);
      output_names.push_back(names_[order[i]]);
    } else {
      output_of_id_[order[i]] = static_cast<uint32_t>(kept);
    }
  }
  output_names.emplace_back("other");  // always last, so that new values have a home
  names_ = std::move(output_names);
  kept_ = true;
}

}  // namespace netsnap::analysis
