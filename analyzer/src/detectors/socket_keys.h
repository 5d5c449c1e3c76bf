// The keys detectors group sockets by, and the identity that says "the same socket" across
// snapshots: the kernel's cookie when the recording has it, else the 4-tuple plus inode (the
// /proc source has no cookies). Keys are small PODs with a hash() so that per-event work is
// one hash lookup.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "netsnap/model.h"

namespace netsnap::analysis::detectors {

inline uint64_t hash_mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= h >> 31;
  h *= 0xbf58476d1ce4e5b9ULL;
  return h ^ (h >> 29);
}

// An IP address as a key: IPv4 and IPv4-mapped IPv6 (::ffff:a.b.c.d, a dual-stack socket's
// IPv4 peer) are the same address, since they draw from the same port space.
struct IpKey {
  std::array<uint8_t, 16> bytes{};
  bool v4 = false;
  bool operator==(const IpKey&) const = default;
  uint64_t hash(uint64_t seed = 0) const;
};
IpKey ip_key(const Endpoint& endpoint, uint8_t family);
std::string ip_text(const IpKey& ip);  // numeric, as netstat -n prints it
bool is_unspecified(const IpKey& ip);  // 0.0.0.0 or ::
// The remote's /24 (IPv4) or /48 (IPv6), as "a.b.c.0/24" / "2001:db8:1::/48".
std::string network_prefix_text(const IpKey& ip);

// net.ipv4.ip_local_port_range.
struct PortRange {
  uint32_t low = 32768, high = 60999;
  bool contains(uint16_t port) const { return port >= low && port <= high; }
  uint32_t size() const { return high >= low ? high - low + 1 : 0; }
};

// The same socket across snapshots: the cookie when the source has one (netlink), else the
// inode and a hash of the 4-tuple (/proc has no cookies). 32 bytes, compared word by word:
// it is looked up on every queue change.
struct SocketIdentity {
  uint64_t netns = 0;
  uint64_t cookie = 0;  // when nonzero, the rest is left zero
  uint64_t inode = 0;
  uint64_t tuple = 0;   // hash of local and remote address and port
  bool operator==(const SocketIdentity&) const = default;
  uint64_t hash() const { return hash_mix(hash_mix(netns, cookie), cookie ? 0 : inode ^ tuple); }
};
SocketIdentity socket_identity(uint64_t netns, const Socket& socket);

template <class Key>
struct KeyHash {
  size_t operator()(const Key& key) const { return static_cast<size_t>(key.hash()); }
};

// A port of a namespace: where SYN_RECV and unaccepted CLOSE_WAIT sockets meet their listener.
struct PortKey {
  uint64_t netns = 0;
  uint16_t port = 0;
  bool operator==(const PortKey&) const = default;
  uint64_t hash() const { return hash_mix(netns, port); }
};

// A listening socket: namespace, local address (often 0.0.0.0 or ::) and port.
struct ListenerKey {
  uint64_t netns = 0;
  IpKey ip;
  uint16_t port = 0;
  bool operator==(const ListenerKey&) const = default;
  uint64_t hash() const { return ip.hash(hash_mix(netns, port)); }
  PortKey port_key() const { return {netns, port}; }
};
ListenerKey listener_key(uint64_t netns, const Socket& socket);

// Ports with a live listener, per namespace: where an unaccepted connection waits.
class ListenerPorts {
 public:
  void reset() { listeners_.clear(); }
  void update(uint64_t netns, const Socket& socket, int delta);  // LISTEN sockets only
  bool listening(const PortKey& port) const { return listeners_.contains(port); }

 private:
  std::unordered_map<PortKey, int, KeyHash<PortKey>> listeners_;
};

// Where connections go: for a client socket (local port in ip_local_port_range) the
// (local IP, remote IP, remote port) whose port space it uses; for a server socket the
// (local IP, local port) of the service.
struct FlowKey {
  uint64_t netns = 0;
  IpKey local_ip, remote_ip;
  uint16_t local_port = 0, remote_port = 0;
  bool client_side = false;
  bool operator==(const FlowKey&) const = default;
  uint64_t hash() const {
    return remote_ip.hash(local_ip.hash(hash_mix(netns, (uint64_t{local_port} << 17) |
                                                            (uint64_t{remote_port} << 1) |
                                                            client_side)));
  }
};
FlowKey flow_key(uint64_t netns, const Socket& socket, const PortRange& range);

// A TCP socket of an IPv4/IPv6 family (every detector looks at TCP only).
bool is_inet_tcp(const Socket& socket);
bool is_syn_recv(const Socket& socket);  // SYN_RECV or a request socket (NEW_SYN_RECV)

// "32768\t60999" (any whitespace); nullopt when malformed.
std::optional<PortRange> parse_port_range(std::string_view text);
// A single integer setting (tcp_max_tw_buckets); nullopt when malformed.
std::optional<int64_t> parse_integer_setting(std::string_view text);

// The process that owns a socket for attribution: its first recorded owner (the one netstat
// would find first). 0 when there is none.
inline int32_t owner_pid(const Socket& socket) {
  return socket.owners.empty() ? 0 : socket.owners.front();
}

}  // namespace netsnap::analysis::detectors
