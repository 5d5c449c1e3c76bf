#include "format/sample_snapshots.h"

#include <unistd.h>

#include <filesystem>

namespace netsnap::testing {

FileHeader sample_header() {
  FileHeader h;
  h.recorder_version = "0.1.0-test";
  h.host_name = "db-7.example";
  h.boot_id = "0c1d2e3f-aaaa-bbbb-cccc-000000000001";
  h.machine_id = "5e1f00d5e1f00d5e1f00d5e1f00d0001";
  h.kernel_release = "6.1.0-18-amd64";
  h.time_zone = "Europe/Berlin";
  h.utc_offset_seconds = 3600;
  h.options.interval_ns = 1'000'000'000;
  h.options.raw = false;
  h.options.requested_source = CaptureSource::netlink;
  h.options.netns = "blue";
  h.options.key_interval = 3;
  h.source = CaptureSource::proc;
  h.settings = {{"net.ipv4.ip_local_port_range", "32768\t60999"}, {"net.core.somaxconn", "4096"}};
  h.users = {{0, "root"}, {33, "www-data"}};
  h.owners_complete = false;
  h.started_wall_ns = 1'767'225'600'000'000'000;
  h.clock_ticks_per_second = 100;
  h.services_db = "ssh\t\t22/tcp\nhttps\t\t443/tcp\n";
  h.protocols_db = "icmp\t1\tICMP\n";
  return h;
}

namespace {

Socket tcp_socket(int n) {
  Socket s;
  s.family = n % 2 ? 10 : 2;
  s.protocol = Protocol::tcp;
  s.state = tcp_state::established;
  if (s.family == 2) {
    s.local.address = {127, 0, 0, 1};
    s.remote.address = {10, 1, 2, uint8_t(n)};
  } else {
    s.local.address = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    s.local.scope_id = 3;
    s.remote.address = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, uint8_t(n)};
  }
  s.local.port = 443;
  s.remote.port = uint16_t(40000 + n);
  s.recv_q = 10u * n;
  s.send_q = 7u * n;
  s.uid = 33;
  s.inode = 1000 + n;
  s.cookie = 0x1000000000ull + n;
  s.timer = 2;
  s.timer_expires_ms = 7100;
  s.retransmits = 1;
  s.probes = 2;
  s.has_tcp_info = true;
  s.tcp_info = {250, 125, 10, 2147483647, 1, 3, 1, 2, 40, 50, 123456789012ull, 987654321ull, 1};
  s.owners = {4242, 4243};
  return s;
}

Socket unix_socket(int n) {
  Socket s;
  s.family = 1;
  s.protocol = Protocol::unix_;
  s.state = unix_state::connected;
  s.unix_type = n % 2 ? 5 : 1;
  s.unix_flags = n == 0 ? unix_flag_accepting : 0;
  s.ref_count = 3;
  s.inode = 5000 + n;
  s.peer_inode = 6000 + n;
  s.unix_path = n % 2 ? std::string("\0abstract\x1b[31m", 14) : "/run/my sock " + std::to_string(n);
  s.recv_q = 1;
  s.owners = {1};
  return s;
}

}  // namespace

Snapshot sample_snapshot(int i) {
  Snapshot s;
  s.wall_ns = 1'767'225'600'000'000'000 + int64_t(i) * 1'000'000'000;
  s.mono_ns = 5'000'000'000 + int64_t(i) * 1'000'000'000;
  s.capture_ns = 1'234'567 + i;
  s.source = CaptureSource::netlink;
  if (i % 4 == 1) s.errors = {{"netlink raw", "Operation not permitted"}};
  Namespace ns;
  ns.inode = 4026531840;
  ns.name = "";
  // Socket n lives from snapshot n/2 to n/2 + 6: steady opening and closing.
  for (int n = 0; n < 12; ++n) {
    if (n / 2 > i || n / 2 + 6 < i) continue;
    Socket t = tcp_socket(n);
    t.recv_q += i * (n % 3 == 0);        // some queues move
    t.tcp_info.bytes_acked += 1000u * i;  // counters grow
    if (i >= 3 && n == 4) t.owners = {4243};
    if (i >= 4 && n == 5) t.has_tcp_info = false, t.tcp_info = {};
    ns.sockets.push_back(t);
  }
  for (int n = 0; n < 3; ++n) ns.sockets.push_back(unix_socket(n));
  s.namespaces.push_back(ns);
  if (i % 3 == 2) {
    Namespace other;
    other.inode = 4026532999;
    other.name = "blue";
    Socket u = tcp_socket(9);
    u.state = tcp_state::listen;
    other.sockets.push_back(u);
    s.namespaces.push_back(other);
  }
  Process p{4242, 33, "nginx", "/usr/sbin/nginx", {"nginx: worker", "-g", "daemon off;"}, 17, 1024, 4096};
  s.processes = {p};
  if (i >= 2) s.processes.push_back({4243, 0, "java", "java", {"java", "-jar", "x.jar"}, 900 + uint32_t(i), 65536, UINT64_MAX});
  s.counters = {{"TcpExt", {"ListenOverflows", "TW"}, {5 + i, 100 - i}},
                {"Tcp", {"MaxConn", "CurrEstab"}, {-1, 12 + i}}};
  if (i == 5) s.counters[1].names.push_back("New"), s.counters[1].values.push_back(1);
  if (i == 2) s.settings_changed = {{"net.core.somaxconn", "8192"}};
  if (i == 3) s.users_added = {{1000, "alice"}};
  return s;
}

std::string temp_path(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("netsnap-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

}  // namespace netsnap::testing
