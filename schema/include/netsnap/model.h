// The in-memory model of a recording: plain value types that the recorder fills, the format
// library writes and reads, and the analyzer consumes. Field meanings are documented once, in
// schema/netsnap.capnp; this file mirrors it without Cap'n Proto types so that capture and
// analysis code never touch the wire format.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "netsnap/owner_list.h"
#include "netsnap/unix_path.h"

namespace netsnap {

enum class CaptureSource : uint8_t { unknown = 0, netlink = 1, proc = 2, synthetic = 3 };
enum class Protocol : uint8_t { unknown = 0, tcp = 1, udp = 2, raw = 3, unix_ = 4, udplite = 5 };

// Kernel numbering, kept as-is so that no translation table can drift.
namespace tcp_state {
inline constexpr uint8_t established = 1, syn_sent = 2, syn_recv = 3, fin_wait1 = 4,
                         fin_wait2 = 5, time_wait = 6, close = 7, close_wait = 8, last_ack = 9,
                         listen = 10, closing = 11, new_syn_recv = 12;
}
// UNIX socket states as /proc/net/unix prints them (socket->state, SS_*).
namespace unix_state {
inline constexpr uint8_t unconnected = 1, connecting = 2, connected = 3, disconnecting = 4;
}
inline constexpr uint32_t unix_flag_accepting = 0x10000;  // __SO_ACCEPTCON: a listener

struct Setting {
  std::string name;
  std::string value;
  bool operator==(const Setting&) const = default;
};

struct UserName {
  uint32_t uid = 0;
  std::string name;
  bool operator==(const UserName&) const = default;
};

struct CaptureOptions {
  int64_t interval_ns = 1'000'000'000;
  bool tcp = true, udp = true, raw = true, unix_ = true;
  bool owners = true, tcp_info = true;
  CaptureSource requested_source = CaptureSource::netlink;
  std::string netns;
  uint32_t key_interval = 600;
  bool all_netns = false;  // --all-netns
  bool operator==(const CaptureOptions&) const = default;
};

struct FileHeader {
  uint32_t format_version = 0;
  std::string recorder_version;
  std::string host_name;
  std::string boot_id;
  std::string machine_id;
  std::string kernel_release;
  std::string time_zone;
  int32_t utc_offset_seconds = 0;
  CaptureOptions options;
  CaptureSource source = CaptureSource::unknown;
  std::vector<Setting> settings;
  std::vector<UserName> users;
  bool owners_complete = true;
  int64_t started_wall_ns = 0;
  uint32_t clock_ticks_per_second = 100;
  std::string services_db;   // the recorded host's /etc/services
  std::string protocols_db;  // and /etc/protocols
  bool own_netns_only = false;  // all_netns asked for, but namespaces could not be entered
  bool operator==(const FileHeader&) const = default;
};

struct Endpoint {
  std::array<uint8_t, 16> address{};  // IPv4 in the first 4 bytes; network byte order
  uint16_t port = 0;
  uint32_t scope_id = 0;
  bool operator==(const Endpoint&) const = default;
};

// A 64-bit value kept as two 32-bit halves, so that it needs only 4-byte alignment: TcpInfo's
// byte counters held this way make TcpInfo 60 bytes, not 64, and a Socket 200, not 208 (the
// recorder holds two arrays of 100,000 sockets). Read and written as a uint64_t; unlike a
// packed uint64_t member, it cannot have a misaligned `const uint64_t&` bound to it.
class SplitU64 {
 public:
  constexpr SplitU64(uint64_t v = 0)  // NOLINT: converts like the uint64_t it stands for
      : low_(static_cast<uint32_t>(v)), high_(static_cast<uint32_t>(v >> 32)) {}
  constexpr operator uint64_t() const { return uint64_t{high_} << 32 | low_; }  // NOLINT
  constexpr SplitU64& operator+=(uint64_t v) { return *this = uint64_t{*this} + v; }

 private:
  uint32_t low_, high_;
};

struct TcpInfo {
  uint32_t rtt_us = 0, rttvar_us = 0, snd_cwnd = 0, snd_ssthresh = 0;
  uint32_t retransmits = 0, total_retrans = 0, lost = 0, unacked = 0;
  uint32_t last_data_recv_ms = 0, last_data_sent_ms = 0;
  SplitU64 bytes_acked, bytes_received;  // 4-byte aligned: TcpInfo fits a Socket unpadded
  uint32_t probes = 0;
  bool operator==(const TcpInfo&) const = default;
};

// Members ordered by alignment, without padding between them (200 bytes, held to it below):
// the recorder holds two arrays of 100,000 of these, the analyzer millions while replaying.
struct Socket {
  uint8_t family = 0;  // AF_INET, AF_INET6, AF_UNIX
  Protocol protocol = Protocol::unknown;
  uint8_t state = 0;
  uint8_t timer = 0;
  uint8_t retransmits = 0;
  uint8_t probes = 0;
  bool has_tcp_info = false;
  uint8_t unix_type = 0;
  uint16_t raw_protocol = 0;
  uint32_t recv_q = 0, send_q = 0;
  uint32_t uid = 0;
  uint32_t timer_expires_ms = 0;
  uint32_t unix_flags = 0;
  uint32_t ref_count = 0;
  Endpoint local, remote;
  TcpInfo tcp_info;
  uint64_t inode = 0;
  uint64_t cookie = 0;
  uint64_t peer_inode = 0;
  UnixPath unix_path;  // raw bytes; abstract names start with '\0' (unix_path.h)
  OwnerList owners;  // pids holding it open (owner_list.h)
  bool operator==(const Socket&) const = default;
};
static_assert((sizeof(TcpInfo) == 60 && sizeof(Socket) == 200) || sizeof(void*) != 8,
              "a Socket's layout grew: see the comment above it");

struct Process {
  int32_t pid = 0;
  uint32_t uid = 0;
  std::string comm;
  std::string argv0;
  std::vector<std::string> cmdline;
  uint32_t fd_count = 0;
  uint64_t nofile_soft = 0, nofile_hard = 0;
  bool operator==(const Process&) const = default;
};

struct Namespace {
  uint64_t inode = 0;
  std::string name;
  std::vector<Socket> sockets;
  bool operator==(const Namespace&) const = default;
};

struct CounterTable {
  std::string name;
  std::vector<std::string> names;
  std::vector<int64_t> values;
  bool operator==(const CounterTable&) const = default;
};

struct CaptureError {
  std::string source;
  std::string message;
  bool operator==(const CaptureError&) const = default;
};

struct Snapshot {
  uint64_t seq = 0;
  int64_t wall_ns = 0;
  int64_t mono_ns = 0;
  int64_t capture_ns = 0;
  CaptureSource source = CaptureSource::unknown;
  std::vector<CaptureError> errors;
  std::vector<Namespace> namespaces;
  std::vector<Process> processes;
  std::vector<CounterTable> counters;
  std::vector<Setting> settings_changed;
  std::vector<UserName> users_added;
  bool operator==(const Snapshot&) const = default;
};

// Sockets in all of a snapshot's namespaces.
inline size_t socket_count(const Snapshot& snapshot) {
  size_t n = 0;
  for (const Namespace& ns : snapshot.namespaces) n += ns.sockets.size();
  return n;
}

}  // namespace netsnap
