// Both capture sources against a live kernel, in a private network namespace that holds only
// the sockets this test opens: a TCP listener with an accepted and a not-yet-accepted
// connection, an IPv4-mapped connection to a dual-stack listener, UDP with a queued datagram,
// a raw ICMP socket, and UNIX listeners (path and abstract) with a pending client and a
// socketpair. Netlink and /proc must agree, and the known sockets must carry the right fields.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/sockios.h>
#include <netinet/in.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "capture/socket_capture_child_process.h"
#include "capture/socket_capture_test_sockets.h"
#include "socket_capture.h"
#include "socket_capture_merge.h"

namespace netsnap {
namespace {

using test::ChildChecks;
using test::cookie_of;
using test::Fd;
using test::inode_of;
using test::ioctl_count;
using test::loopback_v4;
using test::port_of;
using test::tcp_connect_v4;
using test::tcp_listener_v4;
using test::unix_connect;
using test::unix_listener;
using test::wait_until;

std::string describe(const Socket& s) {
  char local[INET6_ADDRSTRLEN] = "", remote[INET6_ADDRSTRLEN] = "";
  if (s.family == AF_INET || s.family == AF_INET6) {
    ::inet_ntop(s.family, s.local.address.data(), local, sizeof local);
    ::inet_ntop(s.family, s.remote.address.data(), remote, sizeof remote);
  }
  std::string path = s.unix_path.str();
  std::replace(path.begin(), path.end(), '\0', '@');
  return "proto=" + std::to_string(int(s.protocol)) + " fam=" + std::to_string(s.family) +
         " st=" + std::to_string(s.state) + " " + local + ":" + std::to_string(s.local.port) +
         " -> " + remote + ":" + std::to_string(s.remote.port) +
         " inode=" + std::to_string(s.inode) + " rq=" + std::to_string(s.recv_q) +
         " sq=" + std::to_string(s.send_q) + " ref=" + std::to_string(s.ref_count) +
         " path=" + path + "\n";
}

std::string describe(const Namespace& ns) {
  std::string text;
  for (const Socket& s : ns.sockets) text += "  " + describe(s);
  return text;
}

bool same_inet_identity(const Socket& a, const Socket& b) {
  return a.protocol == b.protocol && a.family == b.family && a.inode == b.inode &&
         a.local.address == b.local.address && a.local.port == b.local.port &&
         a.remote.address == b.remote.address && a.remote.port == b.remote.port;
}

const Socket* find_inet(const Namespace& ns, const Socket& like) {
  for (const Socket& s : ns.sockets) {
    if (same_inet_identity(s, like)) return &s;
  }
  return nullptr;
}

const Socket* find_inode(const Namespace& ns, Protocol protocol, uint64_t inode) {
  for (const Socket& s : ns.sockets) {
    if (s.protocol == protocol && s.inode == inode) return &s;
  }
  return nullptr;
}

const Socket* find_tcp_ports(const Namespace& ns, uint16_t local_port, uint16_t remote_port) {
  for (const Socket& s : ns.sockets) {
    if (s.protocol == Protocol::tcp && s.local.port == local_port && s.remote.port == remote_port) {
      return &s;
    }
  }
  return nullptr;
}

size_t count_protocol(const Namespace& ns, bool want_unix) {
  return static_cast<size_t>(
      std::count_if(ns.sockets.begin(), ns.sockets.end(),
                    [&](const Socket& s) { return (s.protocol == Protocol::unix_) == want_unix; }));
}

// Same live sockets in both sources: 4-tuples, states, inodes, queues. The documented
// difference: a listener's Send-Q is its backlog in netlink and 0 in /proc.
void check_sources_agree(const Namespace& netlink, const Namespace& proc, ChildChecks& checks) {
  checks.expect_eq(count_protocol(netlink, false), count_protocol(proc, false), "inet count");
  for (const Socket& n : netlink.sockets) {
    if (n.protocol == Protocol::unix_) continue;
    const Socket* p = find_inet(proc, n);
    if (!p) {
      checks.note("in netlink, not in /proc: " + describe(n));
      continue;
    }
    const std::string what = describe(n);
    checks.expect_eq(p->state, n.state, "state of " + what);
    checks.expect_eq(p->recv_q, n.recv_q, "recv_q of " + what);
    if (n.state != tcp_state::listen) checks.expect_eq(p->send_q, n.send_q, "send_q of " + what);
    checks.expect_eq(p->uid, n.uid, "uid of " + what);
    checks.expect_eq(p->raw_protocol, n.raw_protocol, "raw_protocol of " + what);
    checks.expect_eq(p->timer, n.timer, "timer of " + what);
  }
  checks.expect_eq(count_protocol(netlink, true), count_protocol(proc, true), "unix count");
  for (const Socket& p : proc.sockets) {
    if (p.protocol != Protocol::unix_) continue;
    const auto match =
        std::find_if(netlink.sockets.begin(), netlink.sockets.end(), [&](const Socket& n) {
          return n.protocol == Protocol::unix_ && n.inode == p.inode &&
                 n.unix_path == p.unix_path && n.state == p.state;
        });
    if (match == netlink.sockets.end()) {
      checks.note("in /proc, not in netlink: " + describe(p));
      continue;
    }
    const std::string what = describe(p);
    checks.expect_eq(match->unix_type, p.unix_type, "unix_type of " + what);
    checks.expect_eq(match->unix_flags, p.unix_flags, "unix_flags of " + what);
    checks.expect_eq(match->ref_count, p.ref_count, "ref_count of " + what);
  }
}

void capture_live_sockets(ChildChecks& checks) {
  // --- open the sockets under test -------------------------------------------------------
  Fd listener = tcp_listener_v4(7);
  Fd client = tcp_connect_v4(port_of(listener));
  Fd accepted(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  // A connection closed from the client side first leaves the client's end in TIME_WAIT.
  uint16_t time_wait_port = 0;
  {
    Fd closer = tcp_connect_v4(port_of(listener));
    Fd closed(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    time_wait_port = port_of(closer);
    closer = Fd();  // the client closes first; `closed` follows when the block ends
  }
  Fd pending_client = tcp_connect_v4(port_of(listener));  // left in the accept queue
  checks.expect(listener.ok() && client.ok() && accepted.ok() && pending_client.ok(), "tcp setup");
  const std::string payload(100, 'x');
  checks.expect(::send(client.get(), payload.data(), payload.size(), 0) == 100, "tcp send");

  // Bound but neither listening nor connected: /proc does not list it, so neither may netlink.
  Fd bound_only(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_in bound_address = loopback_v4(0);
  checks.expect(::bind(bound_only.get(), reinterpret_cast<const sockaddr*>(&bound_address),
                       sizeof bound_address) == 0,
                "bind only");

  Fd listener6(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in6 any6{};
  any6.sin6_family = AF_INET6;  // [::]:0, dual stack: takes IPv4 as ::ffff:a.b.c.d
  const bool have_ipv6 =
      listener6.ok() &&
      ::bind(listener6.get(), reinterpret_cast<sockaddr*>(&any6), sizeof any6) == 0 &&
      ::listen(listener6.get(), 3) == 0;
  Fd mapped_client = have_ipv6 ? tcp_connect_v4(port_of(listener6)) : Fd();
  Fd mapped_accepted(have_ipv6 ? ::accept4(listener6.get(), nullptr, nullptr, SOCK_CLOEXEC) : -1);

  Fd udp(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const sockaddr_in udp_address = loopback_v4(0);
  checks.expect(
      ::bind(udp.get(), reinterpret_cast<const sockaddr*>(&udp_address), sizeof udp_address) == 0,
      "udp bind");
  Fd udp_sender(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const sockaddr_in udp_target = loopback_v4(port_of(udp));
  ::sendto(udp_sender.get(), "datagram", 8, 0, reinterpret_cast<const sockaddr*>(&udp_target),
           sizeof udp_target);

  Fd raw(::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP));

  std::string directory =
      (std::filesystem::temp_directory_path() / "netsnap-netns-XXXXXX").string();
  checks.expect(::mkdtemp(directory.data()) != nullptr, "mkdtemp");
  const std::string path = directory + "/listener with spaces.sock";
  const std::string abstract = std::string(1, '\0') + "netsnap-capture-test";
  Fd unix_listening = unix_listener(path, 5);
  Fd unix_pending = unix_connect(path);  // not accepted: inode 0 in /proc only
  Fd abstract_listening = unix_listener(abstract, 2);
  int pair[2] = {-1, -1};
  checks.expect(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0, "socketpair");
  Fd pair_a(pair[0]), pair_b(pair[1]);
  checks.expect(::write(pair_a.get(), "hello", 5) == 5, "socketpair write");
  checks.expect(unix_listening.ok() && unix_pending.ok() && abstract_listening.ok(), "unix setup");

  checks.expect(wait_until([&] { return ioctl_count(accepted, FIONREAD) == 100; }),
                "tcp data arrived");
  checks.expect(wait_until([&] { return ioctl_count(client, SIOCOUTQ) == 0; }), "tcp data acked");
  checks.expect(wait_until([&] { return ioctl_count(udp, FIONREAD) > 0; }), "udp datagram arrived");

  // --- capture with both sources ---------------------------------------------------------
  SocketCaptureOptions netlink_options;
  netlink_options.source = CaptureSource::netlink;
  SocketCaptureOptions proc_options;
  proc_options.source = CaptureSource::proc;
  SocketCapture netlink_capture(netlink_options), proc_capture(proc_options);
  checks.expect(wait_until([&] {
                  Namespace probe;
                  std::vector<CaptureError> ignored;
                  proc_capture.capture(probe, ignored);
                  const Socket* s = find_tcp_ports(probe, time_wait_port, port_of(listener));
                  return s != nullptr && s->state == tcp_state::time_wait;
                }),
                "TIME_WAIT reached");
  if (!checks.failures().empty()) return;
  Namespace from_netlink, from_proc, again;
  std::vector<CaptureError> netlink_errors, proc_errors, second_netlink_errors;
  netlink_capture.capture(from_netlink, netlink_errors);
  proc_capture.capture(from_proc, proc_errors);
  netlink_capture.capture(again, second_netlink_errors);

  checks.expect(netlink_capture.source_used() == CaptureSource::netlink, "netlink was used");
  checks.expect(proc_capture.source_used() == CaptureSource::proc, "proc was used");
  for (const auto& e : netlink_errors) {
    // A kernel without raw_diag (this one) is reported once, then /proc serves raw sockets.
    const bool protocol_without_diag = e.message.find("cannot dump it") != std::string::npos;
    if (!protocol_without_diag) checks.note("netlink error: " + e.source + ": " + e.message);
  }
  for (const auto& e : second_netlink_errors) {
    checks.note("netlink error on the second snapshot: " + e.source + ": " + e.message);
  }
  for (const auto& e : proc_errors) checks.note("proc error: " + e.source + ": " + e.message);
  // Each socket once (a dump may repeat one), and the same sockets in a second capture.
  const auto cookies_of = [](const Namespace& ns) {
    std::vector<std::pair<uint64_t, uint64_t>> cookies;
    for (const Socket& s : ns.sockets)
      cookies.emplace_back(uint64_t(s.protocol) << 8 | s.family, s.cookie);
    std::sort(cookies.begin(), cookies.end());
    return cookies;
  };
  const auto cookies = cookies_of(from_netlink);
  checks.expect(std::adjacent_find(cookies.begin(), cookies.end()) == cookies.end(),
                "no socket twice");
  checks.expect(cookies_of(again) == cookies, "the same sockets in a second capture");

  check_sources_agree(from_netlink, from_proc, checks);

  // --- the known sockets, field by field -------------------------------------------------
  const uid_t uid = ::getuid();
  for (const Namespace* ns : {&from_netlink, &from_proc}) {
    const bool netlink = ns == &from_netlink;
    const std::string source = netlink ? "netlink: " : "proc: ";
    const Socket* s = find_inode(*ns, Protocol::tcp, inode_of(listener));
    checks.expect(s != nullptr, source + "tcp listener present");
    if (s) {
      checks.expect_eq(s->state, tcp_state::listen, source + "listener state");
      checks.expect_eq(s->local.port, port_of(listener), source + "listener port");
      checks.expect(s->local.address == std::array<uint8_t, 16>{127, 0, 0, 1},
                    source + "listener address");
      checks.expect_eq(s->recv_q, 1u, source + "listener accept queue");
      checks.expect_eq(s->send_q, netlink ? 7u : 0u, source + "listener backlog");
      checks.expect_eq(s->uid, uid, source + "listener uid");
      checks.expect_eq(s->cookie, netlink ? cookie_of(listener) : 0u, source + "listener cookie");
    }
    s = find_inode(*ns, Protocol::tcp, inode_of(accepted));
    checks.expect(s != nullptr, source + "accepted socket present");
    if (s) {
      checks.expect_eq(s->state, tcp_state::established, source + "accepted state");
      checks.expect_eq(s->recv_q, 100u, source + "accepted unread bytes");
      checks.expect_eq(s->remote.port, port_of(client), source + "accepted remote port");
      checks.expect_eq(s->has_tcp_info, netlink, source + "tcp_info");
      if (netlink) checks.expect_eq(s->tcp_info.bytes_received, 100u, source + "bytes_received");
    }
    s = find_tcp_ports(*ns, time_wait_port, port_of(listener));
    checks.expect(s != nullptr, source + "TIME_WAIT present");
    if (s) {
      checks.expect_eq(s->state, tcp_state::time_wait, source + "TIME_WAIT state");
      checks.expect_eq(s->timer, 3, source + "TIME_WAIT timer");
      checks.expect(s->timer_expires_ms > 50'000 && s->timer_expires_ms <= 60'000,
                    source + "TIME_WAIT expiry within Linux's fixed 60 s");
      checks.expect_eq(s->inode, 0u, source + "TIME_WAIT inode");
      checks.expect(netlink == (s->cookie != 0), source + "TIME_WAIT cookie");
    }
    checks.expect(find_inode(*ns, Protocol::tcp, inode_of(bound_only)) == nullptr,
                  source + "bound-only socket absent");
    s = find_tcp_ports(*ns, port_of(listener), port_of(pending_client));
    checks.expect(s != nullptr, source + "not-yet-accepted connection present");
    if (s) checks.expect_eq(s->inode, 0u, source + "not-yet-accepted inode");
    if (have_ipv6) {
      s = find_inode(*ns, Protocol::tcp, inode_of(mapped_accepted));
      checks.expect(s != nullptr, source + "v4-mapped socket present");
      if (s) {
        checks.expect_eq(s->family, AF_INET6, source + "v4-mapped family");
        checks.expect(s->local.address == std::array<uint8_t, 16>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                                  0xff, 0xff, 127, 0, 0, 1},
                      source + "v4-mapped address");
      }
    }
    s = find_inode(*ns, Protocol::udp, inode_of(udp));
    checks.expect(s != nullptr, source + "udp present");
    if (s) {
      checks.expect_eq(s->state, tcp_state::close, source + "udp state");
      checks.expect(s->recv_q > 0, source + "udp queued datagram");
    }
    if (raw.ok()) {
      s = find_inode(*ns, Protocol::raw, inode_of(raw));
      checks.expect(s != nullptr, source + "raw present");
      if (s) checks.expect_eq(s->raw_protocol, IPPROTO_ICMP, source + "raw protocol");
    }
    s = find_inode(*ns, Protocol::unix_, inode_of(unix_listening));
    checks.expect(s != nullptr, source + "unix listener present");
    if (s) {
      checks.expect_eq(s->unix_flags, unix_flag_accepting, source + "unix listener flags");
      checks.expect_eq(s->state, unix_state::unconnected, source + "unix listener state");
      checks.expect(s->unix_path == path, source + "unix listener path with spaces");
      checks.expect(s->ref_count > 0, source + "unix listener ref_count");
      if (netlink) checks.expect_eq(s->recv_q, 1u, source + "unix accept queue");
      if (netlink) checks.expect_eq(s->send_q, 5u, source + "unix backlog");
      if (netlink) checks.expect_eq(s->uid, uid, source + "unix uid");
    }
    const auto embryo = std::find_if(ns->sockets.begin(), ns->sockets.end(), [&](const Socket& x) {
      return x.protocol == Protocol::unix_ && x.inode == 0 && x.unix_path == path;
    });
    checks.expect(embryo != ns->sockets.end(), source + "unix connection waiting to be accepted");
    if (embryo != ns->sockets.end()) {
      checks.expect_eq(embryo->state, unix_state::connecting, source + "waiting unix state");
    }
    s = find_inode(*ns, Protocol::unix_, inode_of(abstract_listening));
    checks.expect(s != nullptr && s->unix_path == abstract, source + "abstract name with NUL");
    s = find_inode(*ns, Protocol::unix_, inode_of(pair_a));
    checks.expect(s != nullptr, source + "socketpair present");
    if (s) {
      checks.expect_eq(s->state, unix_state::connected, source + "socketpair state");
      if (netlink) checks.expect_eq(s->peer_inode, inode_of(pair_b), source + "socketpair peer");
    }
    s = find_inode(*ns, Protocol::unix_, inode_of(pair_b));
    if (s && netlink) checks.expect_eq(s->recv_q, 5u, source + "socketpair unread bytes");
  }
  if (!checks.failures().empty()) {
    checks.note("netlink saw:\n" + describe(from_netlink) + "/proc saw:\n" + describe(from_proc));
  }
  std::filesystem::remove_all(directory);
}

TEST(SocketCaptureNetns, NetlinkAndProcAgreeOnLiveSockets) {
  const auto outcome = test::run_in_private_network_namespace(capture_live_sockets);
  if (outcome.skipped) GTEST_SKIP() << outcome.text;
  EXPECT_TRUE(outcome.passed) << outcome.text;
}

}  // namespace
}  // namespace netsnap
