#include "socket_export_fields.h"

#include "socket_filter.h"
#include "socket_text.h"

namespace netsnap::analysis {
namespace {

enum Field : size_t {
  netns,
  netns_name,
  proto,
  recv_q,
  send_q,
  local_address,
  local_port,
  remote_address,
  remote_port,
  state,
  uid,
  user,
  inode,
  cookie,
  pid,
  program,
  timer,
  timer_ms,
  retransmits,
  probes,
  unix_type,
  unix_flags,
  ref_count,
  path,
  field_count
};

std::string timer_name(uint8_t timer) {
  switch (timer) {
    case 0: return "off";
    case 1: return "on";
    case 2: return "keepalive";
    case 3: return "timewait";
    case 4: return "probe";
    default: return "unknown-" + std::to_string(timer);
  }
}

// The UNIX name's bytes as /proc/net/unix prints them, unescaped (the writers escape):
// abstract names show every NUL as '@', a path ends at its first NUL.
std::string unix_display_name(std::string_view raw) {
  if (!raw.empty() && raw.front() == '\0') {
    std::string name(raw);
    for (char& c : name) {
      if (c == '\0') c = '@';
    }
    return name;
  }
  return std::string(raw.substr(0, raw.find('\0')));
}

}  // namespace

const std::vector<FieldSpec>& socket_field_specs() {
  // Immutable after its first use: a constant table, not shared state.
  static const std::vector<FieldSpec> specs = {
      {"netns", FieldKind::integer},       {"netns_name", FieldKind::text},
      {"proto", FieldKind::text},          {"recv_q", FieldKind::integer},
      {"send_q", FieldKind::integer},      {"local_address", FieldKind::text},
      {"local_port", FieldKind::integer},  {"remote_address", FieldKind::text},
      {"remote_port", FieldKind::integer}, {"state", FieldKind::text},
      {"uid", FieldKind::integer},         {"user", FieldKind::text},
      {"inode", FieldKind::integer},       {"cookie", FieldKind::integer},
      {"pid", FieldKind::integer},         {"program", FieldKind::text},
      {"timer", FieldKind::text},          {"timer_ms", FieldKind::integer},
      {"retransmits", FieldKind::integer}, {"probes", FieldKind::integer},
      {"unix_type", FieldKind::text},      {"unix_flags", FieldKind::integer},
      {"ref_count", FieldKind::integer},   {"path", FieldKind::text},
  };
  static_assert(field_count == 24);
  return specs;
}

std::vector<FieldSpec> timed_socket_field_specs() {
  std::vector<FieldSpec> specs = {{"time", FieldKind::text}};
  const auto& socket_specs = socket_field_specs();
  specs.insert(specs.end(), socket_specs.begin(), socket_specs.end());
  return specs;
}

void fill_socket_fields(const Socket& socket, uint64_t ns, std::string_view ns_name,
                        const ProcessIndex& processes, const UidNames& users, size_t first,
                        FieldValues& values) {
  const auto at = [first](Field field) { return first + field; };
  for (size_t field = 0; field < field_count; ++field) values.set_null(first + field);

  values.set_unsigned(at(netns), ns);
  if (!ns_name.empty()) values.set_text(at(netns_name), ns_name);
  values.set_text(at(proto), netstat_proto_name(socket));
  values.set_unsigned(at(recv_q), socket.recv_q);
  values.set_unsigned(at(send_q), socket.send_q);
  const bool is_unix = socket.protocol == Protocol::unix_;
  if (!is_unix) {
    std::string address;
    append_numeric_address(address, socket.local, socket.family);
    values.set_text(at(local_address), address);
    const bool raw = socket.protocol == Protocol::raw && socket.local.port == 0;
    values.set_unsigned(at(local_port), raw ? socket.raw_protocol : socket.local.port);
    address.clear();
    append_numeric_address(address, socket.remote, socket.family);
    values.set_text(at(remote_address), address);
    values.set_unsigned(at(remote_port), socket.remote.port);
  }
  if (socket.protocol == Protocol::raw) {
    values.set_text(at(state), std::to_string(socket.state));
  } else {
    const std::string_view word = state_word(socket);
    values.set_text(at(state), word == "UNCONNECTED" ? std::string_view() : word);
  }
  values.set_unsigned(at(uid), socket.uid);
  if (const auto it = users.find(socket.uid); it != users.end() && !it->second.empty()) {
    values.set_text(at(user), it->second);
  }
  values.set_unsigned(at(inode), socket.inode);
  values.set_unsigned(at(cookie), socket.cookie);
  if (const Process* owner = processes.owner_of(socket)) {
    values.set_integer(at(pid), owner->pid);
    values.set_text(at(program), netstat_program_name(*owner));
  }
  if (!is_unix) {
    values.set_text(at(timer), timer_name(socket.timer));
    values.set_unsigned(at(timer_ms), socket.timer_expires_ms);
    values.set_unsigned(at(retransmits), socket.retransmits);
    values.set_unsigned(at(probes), socket.probes);
  } else {
    values.set_text(at(unix_type), unix_type_name(socket.unix_type));
    values.set_unsigned(at(unix_flags), socket.unix_flags);
    values.set_unsigned(at(ref_count), socket.ref_count);
    values.set_text(at(path), unix_display_name(socket.unix_path));
  }
}

}  // namespace netsnap::analysis
