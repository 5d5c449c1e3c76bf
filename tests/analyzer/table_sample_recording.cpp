#include "analyzer/table_sample_recording.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace netsnap::table_sample {
namespace {

constexpr uint64_t main_netns = 4026531840, blue_netns = 4026532999;

Endpoint endpoint(const char* address, uint16_t port) {
  Endpoint e;
  e.port = port;
  const int family = std::strchr(address, ':') != nullptr ? AF_INET6 : AF_INET;
  if (inet_pton(family, address, e.address.data()) != 1) throw std::invalid_argument(address);
  return e;
}

Socket inet(Protocol protocol, const char* local, uint16_t local_port, const char* remote,
            uint16_t remote_port, uint8_t state, uint64_t inode, uint64_t cookie, uint32_t uid,
            std::vector<int32_t> owners) {
  Socket s;
  s.protocol = protocol;
  s.family = std::strchr(local, ':') != nullptr ? 10 : 2;
  s.local = endpoint(local, local_port);
  s.remote = endpoint(remote, remote_port);
  s.state = state;
  s.inode = inode;
  s.cookie = cookie;
  s.uid = uid;
  s.owners = std::move(owners);
  return s;
}

Socket listener(const char* local, uint16_t port, uint32_t backlog, uint64_t inode, uint64_t cookie,
                std::vector<int32_t> owners) {
  const bool v6 = std::strchr(local, ':') != nullptr;
  Socket s = inet(Protocol::tcp, local, port, v6 ? "::" : "0.0.0.0", 0, tcp_state::listen, inode,
                  cookie, 0, std::move(owners));
  s.send_q = backlog;
  return s;
}

Socket unix_socket(uint8_t type, uint8_t state, uint32_t flags, uint64_t inode, uint64_t cookie,
                   std::string path, std::vector<int32_t> owners, uint32_t ref_count = 2) {
  Socket s;
  s.family = 1;
  s.protocol = Protocol::unix_;
  s.unix_type = type;
  s.state = state;
  s.unix_flags = flags;
  s.inode = inode;
  s.cookie = cookie;
  s.unix_path = std::move(path);
  s.owners = std::move(owners);
  s.ref_count = ref_count;
  return s;
}

Process process(int32_t pid, uint32_t uid, std::string comm, std::string argv0) {
  Process p;
  p.pid = pid;
  p.uid = uid;
  p.comm = std::move(comm);
  p.argv0 = argv0;
  p.cmdline = {std::move(argv0)};
  p.fd_count = 12;
  p.nofile_soft = 1024;
  p.nofile_hard = 524288;
  return p;
}

std::vector<Socket> first_main_sockets() {
  std::vector<Socket> s;
  s.push_back(listener("0.0.0.0", 22, 128, 1001, 1, {812}));
  s.push_back(listener("::", 443, 511, 1002, 2, {1201}));
  Socket ssh = inet(Protocol::tcp, "10.0.0.5", 22, "192.168.1.20", 51515, tcp_state::established,
                    1003, 3, 0, {812});
  ssh.send_q = 36;
  ssh.timer = 2;  // keepalive
  ssh.timer_expires_ms = 7'199'990;
  s.push_back(ssh);
  Socket long_v6 = inet(Protocol::tcp, "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1", 443,
                        "2001:db8:1111:2222:3333:4444:5555:6666", 50123, tcp_state::established,
                        1004, 4, 33, {1201});
  long_v6.timer = 1;  // retransmit
  long_v6.timer_expires_ms = 204;
  long_v6.retransmits = 1;
  s.push_back(long_v6);
  Socket mapped = inet(Protocol::tcp, "::ffff:10.0.0.5", 443, "::ffff:10.0.0.9", 40000,
                       tcp_state::established, 1005, 5, 33, {1201});
  mapped.recv_q = 512;
  s.push_back(mapped);
  Socket time_wait =
      inet(Protocol::tcp, "10.0.0.5", 44444, "10.0.0.7", 5432, tcp_state::time_wait, 0, 6, 0, {});
  time_wait.timer = 3;
  time_wait.timer_expires_ms = 30'000;
  s.push_back(time_wait);
  Socket close_wait = inet(Protocol::tcp, "10.0.0.5", 8443, "10.0.0.8", 33333,
                           tcp_state::close_wait, 1007, 7, 1000, {2002});
  close_wait.recv_q = 1;
  s.push_back(close_wait);
  s.push_back(
      inet(Protocol::udp, "0.0.0.0", 53, "0.0.0.0", 0, tcp_state::close, 1008, 8, 101, {3003}));
  s.push_back(inet(Protocol::udp, "10.0.0.5", 40001, "10.0.0.2", 53, tcp_state::established, 1009,
                   9, 1000, {2002}));
  s.push_back(inet(Protocol::udp, "::", 5353, "::", 0, tcp_state::close, 1010, 10, 0, {1}));
  Socket raw = inet(Protocol::raw, "0.0.0.0", 0, "0.0.0.0", 0, tcp_state::close, 1011, 11, 0, {1});
  raw.raw_protocol = 1;  // icmp
  s.push_back(raw);
  s.push_back(inet(Protocol::udplite, "0.0.0.0", 5060, "0.0.0.0", 0, tcp_state::close, 1012, 12,
                   1000, {2002}));
  const std::string bus = "/run/dbus/system_bus_socket";
  s.push_back(unix_socket(1, unix_state::unconnected, unix_flag_accepting, 2001, 13, bus, {1}));
  s.push_back(unix_socket(1, unix_state::connected, 0, 2002, 14, bus, {1}, 3));
  // A path made to forge a table row: it must print as one escaped row.
  s.push_back(unix_socket(
      2, unix_state::unconnected, 0, 2003, 15,
      "/run/evil\nunix  2      [ ]         DGRAM                    9999     /forged", {3003}));
  s.push_back(unix_socket(1, unix_state::unconnected, unix_flag_accepting, 2004, 16,
                          std::string("\0netsnap\x1b[31mred", 16), {3003}));
  s.push_back(unix_socket(2, unix_state::unconnected, 0, 2005, 17, "/run/with space.sock", {2002}));
  s.push_back(unix_socket(1, unix_state::connecting, 0, 0, 18, bus, {}, 3));  // queued, inode 0
  s.push_back(unix_socket(5, unix_state::unconnected, 0, 2007, 19, "", {}));
  return s;
}

std::vector<Socket> blue_sockets() {
  std::vector<Socket> s;
  Socket redis = listener("127.0.0.1", 6379, 511, 3001, 31, {4004});
  redis.recv_q = 1;
  s.push_back(redis);
  s.push_back(inet(Protocol::tcp, "127.0.0.1", 6379, "127.0.0.1", 39000, tcp_state::established,
                   3002, 32, 0, {4004}));
  s.push_back(inet(Protocol::tcp, "127.0.0.1", 39000, "127.0.0.1", 6379, tcp_state::established,
                   3003, 33, 0, {4004}));
  return s;
}

Socket* by_cookie(Snapshot& snapshot, uint64_t cookie) {
  for (Namespace& ns : snapshot.namespaces) {
    for (Socket& socket : ns.sockets) {
      if (socket.cookie == cookie) return &socket;
    }
  }
  throw std::logic_error("no socket with cookie " + std::to_string(cookie));
}

void remove_cookie(Snapshot& snapshot, uint64_t cookie) {
  for (Namespace& ns : snapshot.namespaces) {
    std::erase_if(ns.sockets, [&](const Socket& s) { return s.cookie == cookie; });
  }
}

}  // namespace

FileHeader header() {
  FileHeader h;
  h.format_version = 1;
  h.recorder_version = "0.1.0";
  h.host_name = "edge-3.example";
  h.boot_id = "0d6a3c52-3f8e-4a4e-9d57-0c5b6f1a2b3c";
  h.machine_id = "4c1f6f0a8d2e4b7c9a1e3d5f7b9c1a2e";
  h.kernel_release = "6.1.0-28-amd64";
  h.time_zone = "Europe/Berlin";
  h.utc_offset_seconds = 3600;
  h.options.interval_ns = interval_ns;
  h.options.key_interval = key_interval;
  h.source = CaptureSource::netlink;
  h.settings = {{"net.ipv4.ip_local_port_range", "32768\t60999"}};
  // uid 1000 was looked up and has no user (an empty name): tables show the number.
  h.users = {{0, "root"}, {33, "www-data"}, {101, "messagebus"}, {1000, ""}};
  h.started_wall_ns = first_wall_ns - 1'000'000'000;
  h.clock_ticks_per_second = 100;
  h.services_db =
      "# the recorded host's /etc/services\n"
      "ssh\t\t22/tcp\n"
      "domain\t\t53/tcp\n"
      "domain\t\t53/udp\n"
      "https\t\t443/tcp\n"
      "mdns\t\t5353/udp\n"
      "sip\t\t5060/udp\n"
      "postgresql\t5432/tcp\n"
      "an-extremely-long-service-name\t8443/tcp\n"
      "evil\x1b[5mname\t39000/tcp\n";
  h.protocols_db = "icmp\t1\tICMP\nipv6-icmp\t58\tIPv6-ICMP\n";
  return h;
}

Snapshot snapshot(int index) {
  Snapshot s;
  s.source = CaptureSource::netlink;
  s.namespaces.push_back({main_netns, "", first_main_sockets()});
  s.processes = {
      process(1, 0, "systemd", "/sbin/init"), process(812, 0, "sshd", "/usr/sbin/sshd"),
      process(1201, 33, "nginx", "nginx: worker process"),
      process(2002, 1000, "a-very-long-dae", "/opt/app/bin/a-very-long-daemon-name-indeed"),
      process(3003, 101, "evil", "evil\x1b[2Jprog")};
  // Each step changes the one before it, as the recorder's snapshots would.
  for (int step = 1; step <= index; ++step) {
    s.users_added.clear();
    switch (step) {
      case 1: {
        by_cookie(s, 3)->send_q = 0;
        Socket fresh = inet(Protocol::tcp, "10.0.0.5", 22, "192.168.1.30", 52000,
                            tcp_state::established, 1020, 20, 4242, {812});
        s.namespaces[0].sockets.push_back(fresh);
        s.users_added = {{4242, "bad\x1bname"}};
        break;
      }
      case 2:
        remove_cookie(s, 6);  // the TIME_WAIT socket expired
        by_cookie(s, 4)->state = tcp_state::fin_wait1;
        by_cookie(s, 4)->send_q = 1440;
        s.processes.push_back(process(4004, 0, "redis-server", "redis-server *:6379"));
        break;
      case 3:
        s.namespaces.push_back({blue_netns, "blue", blue_sockets()});
        by_cookie(s, 7)->recv_q = 2;
        break;
      case 4: {
        remove_cookie(s, 20);
        Socket request = inet(Protocol::tcp, "10.0.0.5", 443, "10.0.0.66", 41000,
                              tcp_state::new_syn_recv, 0, 21, 0, {});
        s.namespaces[0].sockets.push_back(request);
        break;
      }
      case 5:
        s.namespaces.pop_back();  // namespace blue is gone
        by_cookie(s, 5)->recv_q = 0;
        break;
      default: break;
    }
  }
  s.seq = static_cast<uint64_t>(index) + 1;
  s.wall_ns = first_wall_ns + index * interval_ns;
  s.mono_ns = 5'000'000'000'000 + index * interval_ns;
  s.capture_ns = 2'000'000;
  return s;
}

std::string fixture_path() {
  return std::string(NETSNAP_SOURCE_DIR) + "/fixtures/table-sample.netsnap";
}

}  // namespace netsnap::table_sample
