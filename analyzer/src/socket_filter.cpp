#include "socket_filter.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>

#include "socket_text.h"

namespace netsnap::analysis {
namespace {

constexpr std::array<std::string_view, 16> known_states = {
    "ESTABLISHED", "SYN_SENT",   "SYN_RECV",      "FIN_WAIT1",  "FIN_WAIT2", "TIME_WAIT",
    "CLOSE",       "CLOSE_WAIT", "LAST_ACK",      "LISTEN",     "CLOSING",   "LISTENING",
    "CONNECTING",  "CONNECTED",  "DISCONNECTING", "UNCONNECTED"};

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

template <class Number>
bool parse_number(std::string_view text, Number low, Number high, Number& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && value >= low && value <= high;
}

std::string known_state_list() {
  std::string list;
  for (const std::string_view state : known_states) {
    if (!list.empty()) list += ' ';
    list += state;
  }
  return list;
}

}  // namespace

std::string_view state_word(const Socket& socket) {
  switch (socket.protocol) {
    case Protocol::tcp: return tcp_state_name(socket.state);
    case Protocol::udp:
    case Protocol::udplite: {
      const std::string_view word = udp_state_name(socket.state);
      return word.empty() ? "UNCONNECTED" : word;
    }
    case Protocol::unix_: {
      const std::string_view word = unix_state_name(socket.state, socket.unix_flags);
      return word.empty() ? "UNCONNECTED" : word;
    }
    default: return "";
  }
}

Result<SocketFilter> SocketFilter::parse(const SocketFilterArgs& args) {
  SocketFilter filter;
  for (const std::string& state : args.states) {
    std::string word = upper(state);
    if (std::find(known_states.begin(), known_states.end(), word) == known_states.end()) {
      return Error{"--state '" + state + "': not a state (one of " + known_state_list() + ")"};
    }
    filter.states_.push_back(std::move(word));
  }
  for (const std::string& port : args.ports) {
    uint16_t value = 0;
    if (!parse_number<uint16_t>(port, 1, 65535, value)) {
      return Error{"--port '" + port + "': expected a port number from 1 to 65535"};
    }
    filter.ports_.push_back(value);
  }
  for (const std::string& pid : args.pids) {
    int32_t value = 0;
    if (!parse_number<int32_t>(pid, 1, INT32_MAX, value)) {
      return Error{"--pid '" + pid + "': expected a process id (a positive number)"};
    }
    filter.pids_.push_back(value);
  }
  for (const std::string& program : args.programs) {
    if (program.empty()) return Error{"--program: expected a program name"};
    filter.programs_.push_back(program);
  }
  return filter;
}

bool SocketFilter::matches(const Socket& socket, const ProcessIndex& processes) const {
  if (!states_.empty()) {
    const std::string_view word = state_word(socket);
    if (std::find(states_.begin(), states_.end(), word) == states_.end()) return false;
  }
  if (!ports_.empty()) {
    if (socket.protocol == Protocol::unix_) return false;
    const auto has_port = [&](uint16_t port) {
      return port == socket.local.port || port == socket.remote.port;
    };
    if (std::none_of(ports_.begin(), ports_.end(), has_port)) return false;
  }
  if (!pids_.empty()) {
    const auto owned_by = [&](int32_t pid) {
      return std::find(socket.owners.begin(), socket.owners.end(), pid) != socket.owners.end();
    };
    if (std::none_of(pids_.begin(), pids_.end(), owned_by)) return false;
  }
  if (!programs_.empty()) {
    // Any owner, by the name -p shows (argv[0]'s basename) or by the kernel's comm (what ss
    // and top show): a socket shared by a master and its workers matches either name.
    const auto named = [&](const Process& owner) {
      const std::string_view shown = netstat_program_name(owner);
      return std::any_of(programs_.begin(), programs_.end(), [&](const std::string& name) {
        return name == shown || name == owner.comm;
      });
    };
    const auto owner_named = [&](int32_t pid) {
      const Process* owner = processes.find(pid);
      return owner != nullptr && named(*owner);
    };
    if (std::none_of(socket.owners.begin(), socket.owners.end(), owner_named)) return false;
  }
  return true;
}

}  // namespace netsnap::analysis
