#include "detectors/socket_keys.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "socket_text.h"

namespace netsnap::analysis::detectors {
namespace {

uint64_t hash_bytes(uint64_t h, const std::array<uint8_t, 16>& bytes) {
  uint64_t a = 0, b = 0;
  std::memcpy(&a, bytes.data(), 8);
  std::memcpy(&b, bytes.data() + 8, 8);
  return hash_mix(hash_mix(h, a), b);
}

std::string_view trim(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

uint64_t IpKey::hash(uint64_t seed) const { return hash_bytes(hash_mix(seed, v4), bytes); }

IpKey ip_key(const Endpoint& endpoint, uint8_t family) {
  IpKey key;
  if (family == family_inet) {
    key.v4 = true;
    std::copy_n(endpoint.address.begin(), 4, key.bytes.begin());
  } else if (is_ipv4_mapped(endpoint)) {
    key.v4 = true;
    std::copy_n(endpoint.address.begin() + 12, 4, key.bytes.begin());
  } else {
    key.bytes = endpoint.address;
  }
  return key;
}

std::string ip_text(const IpKey& ip) {
  Endpoint e;
  e.address = ip.bytes;
  std::string out;
  append_numeric_address(out, e, ip.v4 ? family_inet : family_inet6);
  return out;
}

bool is_unspecified(const IpKey& ip) { return ip.bytes == std::array<uint8_t, 16>{}; }

std::string network_prefix_text(const IpKey& ip) {
  IpKey prefix = ip;
  const size_t keep = ip.v4 ? 3 : 6;  // /24, /48
  std::fill(prefix.bytes.begin() + static_cast<std::ptrdiff_t>(keep),
            prefix.bytes.begin() + (ip.v4 ? 4 : 16), 0);
  return ip_text(prefix) + (ip.v4 ? "/24" : "/48");
}

SocketIdentity socket_identity(uint64_t netns, const Socket& socket) {
  SocketIdentity id;
  id.netns = netns;
  if (socket.cookie != 0) {
    id.cookie = socket.cookie;
    return id;
  }
  id.inode = socket.inode;
  id.tuple = hash_bytes(hash_bytes(hash_mix(socket.local.port, socket.remote.port), socket.local.address),
                        socket.remote.address);
  return id;
}

ListenerKey listener_key(uint64_t netns, const Socket& socket) {
  return {netns, ip_key(socket.local, socket.family), socket.local.port};
}

void ListenerPorts::update(uint64_t netns, const Socket& socket, int delta) {
  if (socket.state != tcp_state::listen) return;
  const PortKey key{netns, socket.local.port};
  auto it = listeners_.try_emplace(key, 0).first;
  it->second += delta;
  if (it->second <= 0) listeners_.erase(it);
}

FlowKey flow_key(uint64_t netns, const Socket& socket, const PortRange& range) {
  FlowKey key;
  key.netns = netns;
  key.local_ip = ip_key(socket.local, socket.family);
  if (range.contains(socket.local.port) && socket.remote.port != 0) {
    key.client_side = true;
    key.remote_ip = ip_key(socket.remote, socket.family);
    key.remote_port = socket.remote.port;
  } else {
    key.local_port = socket.local.port;
  }
  return key;
}

bool is_inet_tcp(const Socket& socket) {
  return socket.protocol == Protocol::tcp &&
         (socket.family == family_inet || socket.family == family_inet6);
}

bool is_syn_recv(const Socket& socket) {
  return socket.state == tcp_state::syn_recv || socket.state == tcp_state::new_syn_recv;
}

std::optional<PortRange> parse_port_range(std::string_view text) {
  text = trim(text);
  const size_t split = text.find_first_of(" \t");
  if (split == std::string_view::npos) return std::nullopt;
  const std::string_view low_text = text.substr(0, split), high_text = trim(text.substr(split));
  PortRange range;
  const auto low = std::from_chars(low_text.data(), low_text.data() + low_text.size(), range.low);
  const auto high =
      std::from_chars(high_text.data(), high_text.data() + high_text.size(), range.high);
  if (low.ec != std::errc{} || high.ec != std::errc{} || low.ptr != low_text.end() ||
      high.ptr != high_text.end() || range.low > range.high || range.high > 65535)
    return std::nullopt;
  return range;
}

std::optional<int64_t> parse_integer_setting(std::string_view text) {
  text = trim(text);
  int64_t value = 0;
  const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
  if (parsed.ec != std::errc{} || parsed.ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace netsnap::analysis::detectors
